/**
 * The NLU seam: picks the engine named by configuration and loads the bot's training data.
 * `builtin` is the in-process engine; `rasa` asks an external Rasa server and falls back to the
 * built-in engine whenever Rasa cannot answer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuiltinNluEngine, type BuiltinEngineOptions } from './builtin/builtin-engine';
import { RasaNluEngine, type NluLog } from './rasa-engine';
import { parseRasaNluYaml } from './rasa-yaml';
import type { NluEngine, TrainingData } from './types';

export type { Entity, IntentScore, NluEngine, ParseResult, TrainingData } from './types';
export { FALLBACK_INTENT, TrainingAbandoned } from './types';
export { extractEntities, redactPersonalData } from './entities';
export { BuiltinNluEngine, type BuiltinEngineOptions } from './builtin/builtin-engine';
export { RasaNluEngine, type NluLog } from './rasa-engine';

/** Which engine to build and how to reach it. */
export interface NluEngineSettings {
  /** `builtin` (default) or `rasa`. */
  engine?: 'builtin' | 'rasa';
  /** Base URL of the Rasa server (required for `rasa`). */
  rasaUrl?: string;
  /** Rasa's auth token, sent as `?token=`. */
  rasaToken?: string;
  /** Time limit of one Rasa request (default: 3000 ms). */
  rasaTimeoutMs?: number;
  /** Attempts per message before falling back (default: 2). */
  rasaAttempts?: number;
  /** Settings of the built-in engine (also the fallback of `rasa`), e.g. the bot's thresholds. */
  builtin?: BuiltinEngineOptions;
  log: NluLog;
}

/** Builds the configured engine; throws, naming the variable, on an unusable configuration. */
export function createNluEngine(settings: NluEngineSettings): NluEngine {
  const engine = settings.engine ?? 'builtin';
  if (engine !== 'builtin' && engine !== 'rasa') throw new Error(`NLU_ENGINE must be "builtin" or "rasa", not "${String(engine)}"`);
  const builtin = new BuiltinNluEngine(settings.builtin);
  if (engine === 'builtin') return builtin;
  if (!settings.rasaUrl) throw new Error('NLU_ENGINE=rasa needs RASA_URL');
  let url: URL;
  try {
    url = new URL(settings.rasaUrl);
  } catch {
    throw new Error(`RASA_URL is not a URL: "${settings.rasaUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`RASA_URL must be http(s), not "${url.protocol}"`);
  return new RasaNluEngine({
    url: settings.rasaUrl,
    token: settings.rasaToken,
    timeoutMs: settings.rasaTimeoutMs,
    attempts: settings.rasaAttempts,
    fallback: builtin,
    log: settings.log,
  });
}

/**
 * The training data of a bot directory, Rasa NLU YAML 3.1: `<botDir>/nlu.yml`, then every
 * `<botDir>/nlu-*.yml` in name order (e.g. `nlu-citizens.yml`), an intent's examples merged across files.
 */
export function loadTrainingData(botDir: string): TrainingData {
  const extra = readdirSync(botDir)
    .filter((name) => /^nlu-.+\.yml$/.test(name))
    .sort();
  const files = ['nlu.yml', ...extra].map((name) => join(botDir, name));
  const data = mergeTrainingData(files.map(readTrainingFile));
  if (data.intents.length === 0) throw new Error(`${files[0]} has no intents (expected Rasa NLU YAML: "nlu:" with "- intent:" blocks)`);
  return data;
}

function readTrainingFile(path: string): TrainingData {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the training data ${path} (BOT_DIR): ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseRasaNluYaml(source);
  } catch (err) {
    throw new Error(`${path} is not Rasa NLU YAML: ${(err as Error).message}`, { cause: err });
  }
}

/** One set of training data from several files: an intent's examples in file order, synonyms and regexes appended. */
function mergeTrainingData(parts: TrainingData[]): TrainingData {
  const intents = new Map<string, string[]>();
  for (const part of parts) for (const i of part.intents) intents.set(i.name, [...(intents.get(i.name) ?? []), ...i.examples]);
  return {
    intents: [...intents].map(([name, examples]) => ({ name, examples })),
    synonyms: parts.flatMap((p) => p.synonyms),
    regexes: parts.flatMap((p) => p.regexes),
  };
}

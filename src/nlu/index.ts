/**
 * The NLU seam: picks the engine named by configuration and loads the bot's training data.
 * `builtin` is the in-process engine; `rasa` asks an external Rasa server and falls back to the
 * built-in engine whenever Rasa cannot answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';
import { BuiltinNluEngine, type BuiltinEngineOptions } from './builtin/builtin-engine';
import { RasaNluEngine } from './rasa-engine';
import { parseRasaNluYaml } from './rasa-yaml';
import type { NluEngine, TrainingData } from './types';

export type { NluEngine, ParseResult, TrainingData } from './types';
export { FALLBACK_INTENT } from './types';

/** Which engine to build and how to reach it. */
export interface NluEngineSettings {
  engine: 'builtin' | 'rasa';
  rasaUrl?: string;
  rasaToken?: string;
  /** Time limit of one Rasa request (default 3 s). */
  rasaTimeoutMs?: number;
  builtin?: BuiltinEngineOptions;
  log: Logger;
}

/** Builds the configured engine. */
export function createNluEngine(settings: NluEngineSettings): NluEngine {
  const builtin = new BuiltinNluEngine(settings.builtin);
  if (settings.engine === 'builtin') return builtin;
  if (!settings.rasaUrl) throw new Error('NLU_ENGINE=rasa needs RASA_URL');
  return new RasaNluEngine({
    url: settings.rasaUrl,
    token: settings.rasaToken,
    timeoutMs: settings.rasaTimeoutMs,
    fallback: builtin,
    log: settings.log,
  });
}

/** The training data of a bot directory (`<botDir>/nlu.yml`, Rasa NLU YAML 3.1). */
export function loadTrainingData(botDir: string): TrainingData {
  return parseRasaNluYaml(readFileSync(join(botDir, 'nlu.yml'), 'utf8'));
}

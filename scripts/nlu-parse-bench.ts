/**
 * Parse-time benchmark of the built-in intent engine, and the check that a faster engine answers
 * exactly as before. The engine is trained as the gateway trains it (the bot's thresholds and
 * emergency intents, the training data of `$BOT_DIR`), then:
 *
 *   npm run bench:nlu-parse                              # time this checkout's engine
 *   npm run bench:nlu-parse -- --against ../other-tree   # alternated with other checkouts' (comma-separated)
 *   npm run bench:nlu-parse -- --dump out.jsonl          # every parse result, one JSON line each
 *
 * `--dump` writes the results of every message of the dev sets (as written and without
 * diacritics), every training example and every timed message: two engines that must answer the
 * same are compared with `diff` on their dumps. The timed messages are built from the dev sets'
 * texts, 50 to 1,000 characters (as `npm run eval:nlu` builds its long-message line); each round
 * parses all of them once with each engine, the engines' order reversed every round, after warm-up
 * rounds. Reported per engine: wall-clock and process CPU time per parse (p50 / p90 / p99, mean),
 * and the same over each message's median CPU time (the machine's load spikes left out).
 * Options: `--messages n` (default: 400), `--rounds n` (default: 20), `--warmup n` (default: 2).
 * The frozen held-out set is never read here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBotDefinition } from '../src/bot/definition';
import { emergencyIntents } from '../src/bot/emergency';
import type * as EngineModule from '../src/nlu/builtin/builtin-engine';
import { loadTrainingData } from '../src/nlu';
import type { ParseResult, TrainingData } from '../src/nlu/types';
import { seededRandom } from '../src/seeded-random';
import { ALL_DEV_FILES } from '../test/nlu/eval-sets';
import { arg, percentile } from './script-kit';

/** The dev sets (never the frozen held-out set). */
const DEV_SETS = ALL_DEV_FILES.map((f) => `test/nlu/${f}`);
const MIN_CHARS = 50;
const MAX_CHARS = 1000;

interface Engine {
  /** The checkout the engine's code comes from. */
  root: string;
  parse(text: string): ParseResult;
}

interface Timings {
  wallMs: number[];
  cpuUs: number[];
  /** CPU µs of each message, round after round (for the per-message medians). */
  byMessage: number[][];
}

/** Trains the engine whose code is in checkout `root` on `data` (this checkout's training data), with the gateway's settings. */
async function trainedEngine(root: string, data: TrainingData, botDir: string): Promise<Engine> {
  // Each checkout's modules load apart (their own caches and tables): the engines share nothing.
  const mod = (await import(join(root, 'src/nlu/builtin/builtin-engine.ts'))) as typeof EngineModule;
  const bot = loadBotDefinition(botDir);
  const engine = new mod.BuiltinNluEngine({
    threshold: bot.nlu.fallback_threshold,
    ambiguityThreshold: bot.nlu.ambiguity_threshold,
    urgentIntents: emergencyIntents(bot),
  });
  await engine.train(data);
  return { root, parse: (text) => engine.parseSync(text) };
}

/** Messages of 50 to 1,000 characters (evenly spread lengths) made of the sets' own texts, seeded. */
function timedMessages(texts: string[], count: number): string[] {
  const rnd = seededRandom(9);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const target = MIN_CHARS + Math.floor(((MAX_CHARS - MIN_CHARS) * (n + 1)) / count);
    let text = '';
    while (text.length < target) text += `${texts[Math.floor(rnd() * texts.length)]}. `;
    out.push(text.slice(0, target));
  }
  return out;
}

/** The text lower-cased without diacritics (done here, not by the engine's code under test). */
function withoutDiacritics(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .normalize('NFC');
}

function dump(engine: Engine, file: string, sets: { name: string; texts: string[] }[]): void {
  const lines: string[] = [];
  for (const { name, texts } of sets) for (const text of texts) lines.push(JSON.stringify({ set: name, result: engine.parse(text) }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.length} parse results of ${engine.root} written to ${file}\n`);
}

function timeRound(engine: Engine, messages: string[], into: Timings): void {
  messages.forEach((text, m) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    engine.parse(text);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    into.wallMs.push(wall);
    into.cpuUs.push(used.user + used.system);
    (into.byMessage[m] ??= []).push(used.user + used.system);
  });
}

/** Each message's median over the rounds: what a message costs, with the machine's spikes left out. */
function medians(byMessage: number[][]): number[] {
  return byMessage.map((values) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    ),
  );
}

function summary(values: number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  return [50, 90, 99].map((p) => percentile(sorted, p).toFixed(digits)).join(' / ') + ` (mean ${mean.toFixed(digits)})`;
}

async function main(): Promise<void> {
  const botDir = process.env.BOT_DIR ?? 'bots/dongthap-1022';
  const data = loadTrainingData(botDir);
  const devTexts = DEV_SETS.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );
  const count = Number(arg('--messages') ?? 400);
  const messages = timedMessages(devTexts, count);
  const roots = [resolve('.'), ...(arg('--against')?.split(',') ?? []).map((dir) => resolve(dir))];
  const engines: Engine[] = [];
  for (const root of roots) engines.push(await trainedEngine(root, data, botDir));

  const dumpFile = arg('--dump');
  if (dumpFile) {
    const examples = data.intents.flatMap((i) => i.examples);
    dump(engines[0], dumpFile, [
      { name: 'dev', texts: devTexts },
      { name: 'dev-folded', texts: devTexts.map(withoutDiacritics) },
      { name: 'training', texts: examples },
      { name: 'timed', texts: messages },
    ]);
    return;
  }

  const rounds = Number(arg('--rounds') ?? 20);
  const warmup = Number(arg('--warmup') ?? 2);
  const timings = engines.map((): Timings => ({ wallMs: [], cpuUs: [], byMessage: [] }));
  const loadBefore = loadavg()[0];
  for (let r = 0; r < warmup + rounds; r++) {
    const order = r % 2 === 0 ? engines.map((_, i) => i) : engines.map((_, i) => engines.length - 1 - i);
    for (const i of order) timeRound(engines[i], messages, r < warmup ? { wallMs: [], cpuUs: [], byMessage: [] } : timings[i]);
  }
  const load = `${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`;
  process.stdout.write(
    `${messages.length} messages of ${MIN_CHARS}-${MAX_CHARS} characters, ${rounds} rounds after ${warmup} of warm-up; load ${load}\n`,
  );
  engines.forEach((e, i) => {
    process.stdout.write(
      `${e.root}\n  wall ms p50 / p90 / p99: ${summary(timings[i].wallMs, 3)}\n  CPU µs p50 / p90 / p99: ${summary(timings[i].cpuUs, 0)}\n` +
        `  CPU µs, each message's median over the rounds, p50 / p90 / p99: ${summary(medians(timings[i].byMessage), 0)}\n`,
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

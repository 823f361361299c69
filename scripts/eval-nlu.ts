/**
 * NLU evaluation: trains the built-in engine (and NLP.js as the baseline) on the bot's
 * nlu.yml and scores both on a held-out JSONL set ({"text", "intent"} per line).
 *
 *   npx tsx scripts/eval-nlu.ts [--data bots/x/nlu.yml] [--heldout test/nlu/heldout.jsonl]
 *                               [--json out.json | --json -] [--no-baseline] [--cv 5]
 *
 * `--cv k` scores k-fold cross-validation on nlu.yml instead of the held-out file.
 * `--json -` prints only the JSON report on stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuiltinNluEngine } from '../src/nlu/builtin/builtin-engine';
import { seededRandom } from '../src/nlu/builtin/softmax-regression';
import { parseRasaNluYaml } from '../src/nlu/rasa-yaml';
import { FALLBACK_INTENT, type TrainingData } from '../src/nlu/types';

interface Item {
  text: string;
  intent: string;
}

interface IntentMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** The scores of one engine on one item set. */
interface Report {
  engine: string;
  items: number;
  accuracy: number;
  macroF1: number;
  fallbackRate: number;
  confidentlyWrongRate: number;
  trainMs: number;
  latencyMs: { p50: number; p99: number };
  perIntent: Record<string, IntentMetrics>;
  confusions: { gold: string; predicted: string; count: number }[];
}

type Classify = (text: string) => Promise<string>;

interface Engine {
  name: string;
  train(data: TrainingData): Promise<Classify>;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const builtinEngine: Engine = {
  name: 'builtin',
  async train(data) {
    const engine = new BuiltinNluEngine();
    await engine.train(data);
    return async (text) => (await engine.parse(text)).intent.name;
  },
};

/** The NLP.js surface used here (node-nlp ships no types). */
interface NlpManagerLike {
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
}
type NlpManagerCtor = new (settings: object) => NlpManagerLike;

/** NLP.js's own threshold: below it, its answer counts as nlu_fallback (as 'None'). */
const NLPJS_THRESHOLD = 0.5;

const nlpjsEngine: Engine = {
  name: 'nlp.js (node-nlp)',
  async train(data) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { NlpManager } = require('node-nlp') as { NlpManager: NlpManagerCtor };
    const manager = new NlpManager({ languages: ['vi'], autoSave: false, autoLoad: false, nlu: { log: false } });
    for (const intent of data.intents) for (const ex of intent.examples) manager.addDocument('vi', ex, intent.name);
    await manager.train();
    return async (text) => {
      const r = await manager.process('vi', text);
      return r.intent === 'None' || r.score < NLPJS_THRESHOLD ? FALLBACK_INTENT : r.intent;
    };
  },
};

/** Scores predictions; an nlu_fallback answer is never "confidently wrong". */
function score(engine: string, trainMs: number, gold: Item[], predicted: string[], latencies: number[]): Report {
  const labels = new Set<string>([...gold.map((g) => g.intent), ...predicted]);
  const tp = new Map<string, number>();
  const predCount = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const confusion = new Map<string, number>();
  let correct = 0;
  let fallback = 0;
  let confidentlyWrong = 0;
  gold.forEach((g, i) => {
    const p = predicted[i];
    goldCount.set(g.intent, (goldCount.get(g.intent) ?? 0) + 1);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (p === FALLBACK_INTENT) fallback++;
    if (p === g.intent) {
      correct++;
      tp.set(p, (tp.get(p) ?? 0) + 1);
    } else {
      if (p !== FALLBACK_INTENT) confidentlyWrong++;
      const key = `${g.intent}\t${p}`;
      confusion.set(key, (confusion.get(key) ?? 0) + 1);
    }
  });
  const perIntent: Record<string, IntentMetrics> = {};
  let f1Sum = 0;
  let f1Count = 0;
  for (const label of [...labels].sort()) {
    const t = tp.get(label) ?? 0;
    const precision = t / Math.max(predCount.get(label) ?? 0, 1);
    const recall = t / Math.max(goldCount.get(label) ?? 0, 1);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const support = goldCount.get(label) ?? 0;
    perIntent[label] = { precision, recall, f1, support };
    if (support > 0) {
      f1Sum += f1;
      f1Count++;
    }
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    engine,
    items: gold.length,
    accuracy: correct / Math.max(gold.length, 1),
    macroF1: f1Sum / Math.max(f1Count, 1),
    fallbackRate: fallback / Math.max(gold.length, 1),
    confidentlyWrongRate: confidentlyWrong / Math.max(gold.length, 1),
    trainMs,
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
    perIntent,
    confusions: [...confusion]
      .map(([k, count]) => {
        const [g, p] = k.split('\t');
        return { gold: g, predicted: p, count };
      })
      .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold))
      .slice(0, 15),
  };
}

/** Trains on `train`, classifies `test`; returns predictions, per-message latencies and training time. */
async function run(engine: Engine, train: TrainingData, test: Item[]): Promise<{ predicted: string[]; latencies: number[]; trainMs: number }> {
  const t0 = performance.now();
  const classify = await engine.train(train);
  const trainMs = performance.now() - t0;
  for (const item of test.slice(0, 50)) await classify(item.text); // warm-up
  const predicted: string[] = [];
  const latencies: number[] = [];
  for (const item of test) {
    const start = performance.now();
    predicted.push(await classify(item.text));
    latencies.push(performance.now() - start);
  }
  return { predicted, latencies, trainMs };
}

async function evaluate(engine: Engine, data: TrainingData, heldout: Item[] | undefined, folds: number): Promise<Report> {
  if (heldout) {
    const r = await run(engine, data, heldout);
    return score(engine.name, r.trainMs, heldout, r.predicted, r.latencies);
  }
  // k-fold cross-validation on the training data itself.
  const rnd = seededRandom(3);
  const tagged = data.intents.flatMap((i) => i.examples.map((text) => ({ text, intent: i.name, fold: Math.floor(rnd() * folds) })));
  const gold: Item[] = [];
  const predicted: string[] = [];
  const latencies: number[] = [];
  let trainMs = 0;
  for (let k = 0; k < folds; k++) {
    const train: TrainingData = {
      ...data,
      intents: data.intents.map((i) => ({ name: i.name, examples: tagged.filter((t) => t.intent === i.name && t.fold !== k).map((t) => t.text) })),
    };
    const test = tagged.filter((t) => t.fold === k);
    const r = await run(engine, train, test);
    gold.push(...test);
    predicted.push(...r.predicted);
    latencies.push(...r.latencies);
    trainMs = Math.max(trainMs, r.trainMs);
  }
  return score(engine.name, trainMs, gold, predicted, latencies);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ms = (x: number): string => x.toFixed(x < 10 ? 3 : 0);

function markdown(reports: Report[], source: string): string {
  const out: string[] = [`## NLU evaluation — ${source}`, ''];
  out.push(`| metric | ${reports.map((r) => r.engine).join(' | ')} |`, `|---|${reports.map(() => '---').join('|')}|`);
  const rows: [string, (r: Report) => string][] = [
    ['items', (r) => String(r.items)],
    ['accuracy', (r) => pct(r.accuracy)],
    ['macro F1', (r) => pct(r.macroF1)],
    ['fallback rate', (r) => pct(r.fallbackRate)],
    ['confidently wrong', (r) => pct(r.confidentlyWrongRate)],
    ['parse p50 (ms)', (r) => ms(r.latencyMs.p50)],
    ['parse p99 (ms)', (r) => ms(r.latencyMs.p99)],
    ['training (ms)', (r) => ms(r.trainMs)],
  ];
  for (const [name, f] of rows) out.push(`| ${name} | ${reports.map(f).join(' | ')} |`);
  const intents = Object.keys(reports[0].perIntent).filter((i) => reports[0].perIntent[i].support > 0);
  out.push('', `### Per intent (precision / recall / F1)`, '', `| intent | n | ${reports.map((r) => `${r.engine} P / R / F1`).join(' | ')} |`);
  out.push(`|---|---|${reports.map(() => '---').join('|')}|`);
  for (const intent of intents) {
    const cells = reports.map((r) => {
      const m = r.perIntent[intent] ?? { precision: 0, recall: 0, f1: 0, support: 0 };
      return `${pct(m.precision)} / ${pct(m.recall)} / ${pct(m.f1)}`;
    });
    out.push(`| ${intent} | ${reports[0].perIntent[intent].support} | ${cells.join(' | ')} |`);
  }
  for (const r of reports) {
    out.push('', `### Top confusions — ${r.engine} (gold → predicted)`, '', '| gold | predicted | count |', '|---|---|---|');
    for (const c of r.confusions.slice(0, 10)) out.push(`| ${c.gold} | ${c.predicted} | ${c.count} |`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const botDir = process.env.BOT_DIR ?? 'bots/dongthap-1022';
  const dataPath = arg('--data') ?? join(botDir, 'nlu.yml');
  const heldoutPath = arg('--heldout') ?? 'test/nlu/heldout.jsonl';
  const folds = Number(arg('--cv') ?? 0);
  const jsonOut = arg('--json');
  const data = parseRasaNluYaml(readFileSync(dataPath, 'utf8'));
  let heldout: Item[] | undefined;
  if (folds < 2) {
    heldout = readFileSync(heldoutPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as Item);
  }
  const engines = process.argv.includes('--no-baseline') ? [builtinEngine] : [builtinEngine, nlpjsEngine];
  const reports: Report[] = [];
  for (const engine of engines) reports.push(await evaluate(engine, data, heldout, Math.max(folds, 2)));
  const source = heldout ? `trained on ${dataPath}, scored on ${heldoutPath}` : `${folds}-fold cross-validation on ${dataPath}`;
  const json = JSON.stringify({ source, reports }, null, 2);
  if (jsonOut === '-') {
    process.stdout.write(`${json}\n`);
    return;
  }
  process.stdout.write(`${markdown(reports, source)}\n`);
  if (jsonOut) writeFileSync(jsonOut, `${json}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

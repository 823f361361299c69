/**
 * Parses citizen messages with the bot's intent engine and prints Rasa-format results, one JSON
 * line per message (see the contract: "NLU parse result").
 *
 *   npm run parse -- "cho hỏi làm căn cước ở đâu" "mất điện từ sáng"   # one line per argument
 *   printf 'khai sinh\nchay nha\n' | npm run parse                      # one line per input line
 *
 * The engine is trained at start from `$BOT_DIR/nlu.yml` and `nlu-*.yml` (default bots/dongthap-1022).
 * NLU_ENGINE=rasa (with RASA_URL, RASA_TOKEN) asks a Rasa server, the built-in engine behind it.
 * Diagnostics go to stderr, so stdout stays machine-readable.
 */
import { createInterface } from 'node:readline';
import { createNluEngine, loadTrainingData, type NluEngine, type NluLog } from '../src/nlu';

const log: NluLog = {
  warn: (obj: object, msg?: string) => process.stderr.write(`warn: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  info: (obj: object, msg?: string) => process.stderr.write(`info: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

async function emit(engine: NluEngine, text: string): Promise<void> {
  const result = await engine.parse(text);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  const botDir = process.env.BOT_DIR ?? 'bots/dongthap-1022';
  const kind = process.env.NLU_ENGINE ?? 'builtin';
  const engine = createNluEngine({
    engine: kind as 'builtin' | 'rasa',
    rasaUrl: process.env.RASA_URL,
    rasaToken: process.env.RASA_TOKEN,
    log,
  });
  const started = performance.now();
  await engine.train(loadTrainingData(botDir));
  if (process.env.NLU_VERBOSE)
    process.stderr.write(`trained ${engine.name} from ${botDir} in ${Math.round(performance.now() - started)} ms\n`);

  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length > 0) {
    for (const text of args) await emit(engine, text);
    return;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) await emit(engine, line);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

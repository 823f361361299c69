/** `npm run parse`: one Rasa-format JSON line per message, from arguments or stdin lines. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

function runParse(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/parse.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, BOT_DIR: 'bots/dongthap-1022', NLU_ENGINE: 'builtin' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

interface Parsed {
  text: string;
  intent: { name: string; confidence: number };
  intent_ranking: { name: string; confidence: number }[];
  entities: { entity: string; value: string; start: number; end: number; extractor: string }[];
}

test('stdin: one JSON line per input line, in order, Rasa-shaped', async () => {
  const { code, stdout, stderr } = await runParse([], 'làm căn cước ở đâu\n\nphiếu 1022-2026-000123 sao rồi\ncháy nhà rồi cứu với\n');
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const lines = stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Parsed);
  expect(lines.map((l) => [l.text, l.intent.name])).toEqual([
    ['làm căn cước ở đâu', 'tt_can_cuoc'],
    ['', 'nlu_fallback'],
    ['phiếu 1022-2026-000123 sao rồi', 'tra_cuu_phan_anh'],
    ['cháy nhà rồi cứu với', 'khan_cap_114'],
  ]);
  expect(lines[0].intent_ranking[0]).toEqual(lines[0].intent);
  expect(lines[2].entities).toEqual([
    { entity: 'ma_phieu', value: '1022-2026-000123', start: 6, end: 22, extractor: 'RegexEntityExtractor' },
  ]);
}, 60_000);

test('arguments: one JSON line per argument', async () => {
  const { code, stdout } = await runParse(['--', 'xin chào', 'cảm ơn nhiều nha'], '');
  expect(code).toBe(0);
  expect(
    stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as Parsed).intent.name),
  ).toEqual(['chao_hoi', 'cam_on_tam_biet']);
}, 60_000);

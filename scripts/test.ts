/**
 * `npm test`: the whole check, the same on a developer machine and in CI. Provisions the system
 * services first (installing missing Debian packages as root, starting a throw-away PostgreSQL),
 * prints what the run uses, then runs lint, format check, type checks and every Jest suite on both
 * databases. Extra arguments go to Jest. Ends with one `tests: N passed, N failed` line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeServices, ensureSystemPackages, startPostgres, type PostgresServer } from '../test/support/services';

const bin = (name: string): string => join(__dirname, '..', 'node_modules', '.bin', name);
const say = (line: string): void => console.log(`[npm test] ${line}`);

async function main(): Promise<number> {
  ensureSystemPackages(say);
  let server: PostgresServer | undefined;
  if (!process.env.TEST_DATABASE_URL) server = await startPostgres();
  const env = { ...process.env, TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? server!.url, TEST_SERVICES_READY: '1' };
  for (const line of describeServices(env.TEST_DATABASE_URL, !!server)) say(line);
  const stop = (): void => server?.stop();
  process.once('SIGINT', () => (stop(), process.exit(130)));
  process.once('SIGTERM', () => (stop(), process.exit(143)));
  try {
    const steps: [string, string, string[]][] = [
      ['lint', bin('eslint'), ['.', '--max-warnings', '0']],
      ['format', bin('prettier'), ['--check', '--log-level', 'warn', '.']],
      ['types (server)', bin('tsc'), ['--noEmit', '-p', '.']],
      ['types (console)', bin('tsc'), ['--noEmit', '-p', 'console']],
    ];
    for (const [name, cmd, args] of steps) {
      const started = Date.now();
      const r = spawnSync(cmd, args, { stdio: 'inherit', env });
      if (r.status !== 0) {
        say(`${name}: failed`);
        console.log('tests: 0 passed, 1 failed');
        return r.status ?? 1;
      }
      say(`${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    const out = mkdtempSync(join(tmpdir(), 'jest-result-'));
    const resultFile = join(out, 'result.json');
    const jest = spawnSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings=ExperimentalWarning',
        join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js'),
        '--maxWorkers=2',
        '--json',
        `--outputFile=${resultFile}`,
        ...process.argv.slice(2),
      ],
      { stdio: 'inherit', env },
    );
    let summary = '';
    try {
      const r = JSON.parse(readFileSync(resultFile, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
        numFailedTestSuites: number;
      };
      const failed = r.numFailedTests + (jest.status !== 0 && r.numFailedTests === 0 ? Math.max(1, r.numFailedTestSuites) : 0);
      summary = `tests: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests} skipped`;
    } catch {
      summary = 'tests: 0 passed, 1 failed';
    }
    rmSync(out, { recursive: true, force: true });
    console.log(summary);
    return jest.status ?? 1;
  } finally {
    stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`[npm test] ${err.message}`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  },
);

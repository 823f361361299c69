/**
 * `npm test`: the whole check, the same on a developer machine and in CI. Provisions the system
 * services first (installing missing Debian packages as root, starting a throw-away PostgreSQL),
 * prints what the run uses, then runs lint, format check, type checks and every Jest suite on both
 * databases. Extra arguments go to Jest. Ends with one `tests: N passed, N failed` line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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
    // The checks are single-threaded: run as many at once as there are cores (each one's output is
    // printed whole when it ends), then the suites.
    const failed = await runChecks(steps, env);
    if (failed) {
      say(`${failed.name}: failed`);
      console.log('tests: 0 passed, 1 failed');
      return failed.status;
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

/** Runs the checks `steps`, `availableParallelism()` at a time; resolves with the first that failed, if any. */
async function runChecks(
  steps: [string, string, string[]][],
  env: NodeJS.ProcessEnv,
): Promise<{ name: string; status: number } | undefined> {
  const queue = [...steps];
  let failed: { name: string; status: number } | undefined;
  const lane = async (): Promise<void> => {
    for (let step = queue.shift(); step && !failed; step = queue.shift()) {
      const [name, cmd, args] = step;
      const started = Date.now();
      const r = await run(cmd, args, env);
      if (r.output) process.stdout.write(r.output);
      if (r.status !== 0) failed ??= { name, status: r.status };
      else say(`${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), steps.length) }, lane));
  return failed;
}

/** Runs a command to its end: its exit status (1 when it could not start or was killed) and its output, stdout and stderr together. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (err) => (output += `${err.message}\n`));
    child.on('close', (status) => done({ status: status ?? 1, output }));
  });
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`[npm test] ${err.message}`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  },
);

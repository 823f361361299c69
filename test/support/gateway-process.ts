/**
 * A gateway as a real child process (`node --import tsx src/main.ts`), as it runs in production:
 * for crash (`kill -9`) and multi-node tests. Several can start at once on one database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './services';

const ROOT = join(__dirname, '..', '..');

/** A running gateway process. */
export interface GatewayProcess {
  /** Its NODE_ID. */
  name: string;
  url: string;
  child: ChildProcess;
  /** What it wrote to stderr so far (its last words when it fails to start). */
  stderr(): string;
  /** Sends `signal` (default: SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a gateway process named `name` with `env` on top of this process's environment; resolves once /readyz answers. */
export async function startGatewayProcess(
  name: string,
  env: Record<string, string>,
  opts: { port?: number; readyTimeoutMs?: number } = {},
): Promise<GatewayProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ID: name },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: GatewayProcess = {
    name,
    url,
    child,
    stderr: () => stderr,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  const until = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return proc;
    if (child.exitCode !== null || Date.now() > until) {
      await proc.kill();
      throw new Error(`gateway ${name} did not start (exit code ${child.exitCode}): ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

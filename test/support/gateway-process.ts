/**
 * A gateway as a real child process (`node --import tsx src/main.ts`), as it runs in production:
 * for crash (`kill -9`) and multi-node tests. Several can start at once on one database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

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
  // PORT=0 unless given: the child binds a free port itself and tells us which (no window in which another test takes it).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(opts.port ?? 0), HOST: '127.0.0.1', NODE_ID: name },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const until = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  const failed = async () => {
    await kill();
    return new Error(`gateway ${name} did not start (exit code ${child.exitCode}): ${stderr.slice(-2000)}`);
  };
  const port = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), Math.max(0, until - Date.now()));
    child.on('message', (m: { listening?: number }) => {
      if (typeof m?.listening === 'number') {
        clearTimeout(timer);
        resolve(m.listening);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (port === null) throw await failed();
  const url = `http://127.0.0.1:${port}`;
  const proc: GatewayProcess = { name, url, child, stderr: () => stderr, kill };
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return proc;
    if (child.exitCode !== null || Date.now() > until) throw await failed();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Headless Chromium for browser tests (widget, console): Debian's `chromium` package driven by
 * playwright-core, so no browser download is needed; the test run's global setup installs it.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectPath } from '../../src/paths';
import { CHROMIUM_PATH } from './services';

/** Flags for a quiet, sandbox-free headless run in containers and CI. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches the system Chromium. Every launch gets a fresh temporary profile (user-data-dir),
 * which Playwright deletes on `browser.close()`; use one `browser.newContext()` per scenario.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}

/** Directory for screenshots taken by browser tests (default: the OS temp dir; override with SCREENSHOT_DIR). */
export function screenshotDir(): string {
  const dir = process.env.SCREENSHOT_DIR ?? path.join(tmpdir(), 'cong1022-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Newest modification time below a path. */
function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  return st.isDirectory() ? Math.max(0, ...readdirSync(p).map((n) => newest(path.join(p, n)))) : st.mtimeMs;
}

/**
 * Builds console/dist when it is missing or older than its sources. Suites run in parallel workers:
 * a lock file lets one build while the others wait for it (and then find the build fresh).
 */
export function ensureConsoleBuilt(): void {
  const index = projectPath('console', 'dist', 'index.html');
  const fresh = () =>
    existsSync(index) &&
    statSync(index).mtimeMs >= Math.max(newest(projectPath('console', 'src')), newest(projectPath('console', 'index.html')));
  if (fresh()) return;
  const lock = path.join(tmpdir(), 'cong1022-console-build.lock');
  const until = Date.now() + 180_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // A lock older than the longest build is a crashed run's.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { force: true });
      if (Date.now() > until) throw new Error(`another console build holds ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(projectPath('node_modules', '.bin', 'vite'), ['build', 'console', '--logLevel', 'warn'], {
      cwd: projectPath(),
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`vite build console failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { force: true });
  }
}

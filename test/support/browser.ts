/**
 * Headless Chromium for browser tests (widget, console): Debian's `chromium` package driven by
 * playwright-core, so no browser download is needed; the test run's global setup installs it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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

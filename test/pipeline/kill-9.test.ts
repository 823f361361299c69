/**
 * A gateway process killed with SIGKILL in the middle of processing and sending, then restarted
 * with the same NODE_ID on the same PostgreSQL: every citizen gets exactly one receipt, within 20 s
 * of the restart. The restarted process takes back at once the jobs its previous life held (their
 * leases would otherwise still run); the provider sees a re-sent part at most once, under the same id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FakeEdongthap } from '../fakes/fake-edongthap';
import { freshDatabaseUrl } from '../support/databases';
import { baseTestEnv, citizenMessage, EDT_SECRET, signEdt } from '../support/gateway';
import { freePort } from '../support/services';
import { waitFor } from '../support/wait';

const RECEIPT = /^Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận/;
const ROOT = join(__dirname, '..', '..');

test('kill -9 during processing and sending: one receipt per citizen within 20 s of the restart', async () => {
  const citizenApp = new FakeEdongthap(EDT_SECRET);
  const callbackUrl = await citizenApp.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'cong1022-kill-'));
  const port = await freePort();
  const env = {
    ...process.env,
    ...baseTestEnv(await freshDatabaseUrl('postgres'), dataDir),
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ID: 'node-a',
    EDONGTHAP_SECRET: EDT_SECRET,
    EDONGTHAP_CALLBACK_URL: callbackUrl,
  };
  const base = `http://127.0.0.1:${port}`;
  const start = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const until = Date.now() + 90_000;
    for (;;) {
      const ready = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return child;
      if (child.exitCode !== null || Date.now() > until) throw new Error(`the gateway did not start: ${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  let gateway = await start();
  try {
    citizenApp.delayMs = 250; // sends are in flight when the process dies
    const citizens = Array.from({ length: 20 }, (_, i) => `kill-${i}`);
    for (const u of citizens) {
      const raw = JSON.stringify(citizenMessage(u, 'cho hỏi thủ tục đăng ký khai sinh cần giấy tờ gì'));
      await request(base)
        .post('/webhooks/edongthap')
        .set('content-type', 'application/json')
        .set('x-signature', signEdt(raw))
        .send(raw)
        .expect(200);
    }
    await waitFor(() => citizenApp.received.length >= 3, 30_000);
    gateway.kill('SIGKILL');
    await new Promise((r) => gateway.once('exit', r));
    const receivedAtKill = citizenApp.received.length;
    expect(receivedAtKill).toBeLessThan(2 * citizens.length); // work was really cut off

    gateway = await start();
    const restarted = Date.now();
    const receipts = (u: string) => citizenApp.to(u).filter((m) => RECEIPT.test(m.text) && !m.id.endsWith('#duplicate'));
    await waitFor(() => citizens.every((u) => receipts(u).length >= 1), 20_000);
    expect(Date.now() - restarted).toBeLessThan(20_000);
    await new Promise((r) => setTimeout(r, 500));
    for (const u of citizens) expect(receipts(u)).toHaveLength(1);
  } finally {
    gateway.kill('SIGKILL');
    await citizenApp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 240_000);

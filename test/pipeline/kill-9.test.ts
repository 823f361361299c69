/**
 * A gateway process killed with SIGKILL in the middle of processing and sending, then restarted
 * with the same NODE_ID on the same PostgreSQL: every citizen gets exactly one receipt, within 20 s
 * of the restart. The restarted process takes back at once the jobs its previous life held (their
 * leases would otherwise still run); the provider sees a re-sent part at most once, under the same id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { FakeEdongthap } from '../fakes/fake-edongthap';
import { freshDatabaseUrl, openTestDatabase } from '../support/databases';
import { baseTestEnv, citizenMessage, EDT_SECRET, prepareDatabase, signEdt } from '../support/gateway';
import { startGatewayProcess } from '../support/gateway-process';
import { freePort } from '../support/services';
import { waitFor } from '../support/wait';

const RECEIPT = /^Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận/;

test('kill -9 during processing and sending: one receipt per citizen within 20 s of the restart', async () => {
  const citizenApp = new FakeEdongthap(EDT_SECRET);
  const callbackUrl = await citizenApp.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'cong1022-kill-'));
  const port = await freePort();
  const databaseUrl = await freshDatabaseUrl('postgres');
  const env = {
    ...baseTestEnv(databaseUrl, dataDir),
    EDONGTHAP_SECRET: EDT_SECRET,
    EDONGTHAP_CALLBACK_URL: callbackUrl,
  };
  // The database as an earlier node left it (admin, knowledge, the model of these phrases): the first start trains nothing.
  const db = await openTestDatabase(databaseUrl, dataDir);
  await prepareDatabase(db, loadConfig({ ...process.env, ...env })); // the settings the child process reads
  await db.close();
  const base = `http://127.0.0.1:${port}`;
  const start = () => startGatewayProcess('node-a', env, { port });
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
    await gateway.kill();
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
    await gateway.kill();
    await citizenApp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 240_000);

/**
 * Security in the console, in real Chromium against a whole gateway (on PostgreSQL, with a fake citizen app): a
 * new user with a temporary password gets no live connection until the password is changed, then
 * goes online; a citizen's attachment links to `data:`, `javascript:` or local addresses are shown
 * as names, never loaded or linked; an operator's views and exports of a citizen's data show up in
 * the admin's personal-data access log, whose filter works; the ticket page's processing-log badge
 * is green, and turns red once an event is changed behind the application's back.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/auth/passwords';
import { ensureConsoleBuilt, launchBrowser, screenshotDir } from '../support/browser';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';
import { tamperWithEvents } from '../support/tamper';
import { waitForValue } from '../support/wait';
import { closeAfterSuite, consolePages, signIn } from './console-pages';

const PASSWORD = 'mat-khau-1022';

describe('console security in Chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  const pages = consolePages(() => browser);
  const { contexts, newPage } = pages;
  const shots = screenshotDir();

  /** A browser scenario of at most three minutes; a failure leaves a screenshot of every open page. */
  function scenario(name: string, title: string, body: () => Promise<void>): void {
    test(
      title,
      async () => {
        try {
          await body();
        } catch (err) {
          for (const [i, c] of contexts.entries())
            for (const p of c.pages())
              await p.screenshot({ path: path.join(shots, `security-failure-${name}-${i}.png`) }).catch(() => undefined);
          throw err;
        }
      },
      180_000,
    );
  }

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestGateway({ kind: 'postgres' });
    const db = t.gw.ctx.db;
    await createUser(db, { username: 'lan.nt', displayName: 'Nguyễn Thị Lan', role: 'operator', password: PASSWORD });
    await createUser(db, { username: 'thao.ntp', displayName: 'Nguyễn Thị Phương Thảo', role: 'admin', password: PASSWORD });
    await createUser(db, {
      username: 'moi.vao',
      displayName: 'Trần Văn Mới',
      role: 'operator',
      password: 'tam-thoi-1022',
      mustChangePassword: true,
    });
    browser = await launchBrowser();
  }, 240_000);

  closeAfterSuite(pages, () => ({ browser, gateway: t }));

  scenario('password', 'a temporary password: no live connection until it is changed, then the console goes online', async () => {
    const page = await newPage();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await signIn(page, t.url, 'moi.vao', 'tam-thoi-1022');
    await page.locator('.auth-h1', { hasText: 'Đổi mật khẩu' }).waitFor();
    await page.getByLabel('Mật khẩu hiện tại').fill('tam-thoi-1022');
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('mat-khau-rieng-1');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('mat-khau-rieng-1');
    expect(sockets).toEqual([]); // the server would refuse it anyway
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.locator('.toast', { hasText: 'Đã đổi mật khẩu' }).waitFor();
    await page.locator('.live-dot.live-online').waitFor({ timeout: 15_000 });
    expect(sockets.filter((u) => u.includes('/socket.io/'))).toHaveLength(1);
  });

  scenario(
    'access',
    "an operator's views and export reach the admin's access log (filtered by kind); a tampered processing log turns the badge red",
    async () => {
      // A citizen asks for an operator, with attachments whose links the console must neither load nor
      // link (data:, javascript:, a cloud metadata address); the bot opens a ticket on the conversation.
      const citizen = 'u-security-e2e';
      const attachments = [
        { type: 'image', url: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=', name: 'anh-nhung.svg' },
        { type: 'image', url: 'javascript:alert(1)', name: 'anh-lua.png' },
        { type: 'file', url: 'https://169.254.169.254/latest/meta-data/', name: 'ho-so-noi-bo.pdf' },
      ];
      await t
        .postCitizen(citizenMessage(citizen, 'Tôi muốn gặp tổng đài viên để hỏi về hồ sơ của tôi', { name: 'Phạm Thị Hoa', attachments }))
        .expect(200);
      await t.citizenApp.waitFor(() => t.citizenApp.to(citizen).some((m) => m.ticketCode), 20_000, 'the ticket');
      const code = t.citizenApp.to(citizen).find((m) => m.ticketCode)!.ticketCode!;
      const ticket = (await t.gw.ctx.db.query<{ id: string }>('SELECT id FROM tickets WHERE code = $1', [code])).rows[0];

      // The operator opens the ticket (intact log), its conversation, and downloads the log as PDF.
      const op = await newPage({ acceptDownloads: true });
      const requested: string[] = [];
      op.on('request', (r) => requested.push(r.url()));
      await signIn(op, t.url, 'lan.nt', PASSWORD);
      await op.goto(`${t.url}/tickets/${code}`);
      await op.locator('.log-integrity', { hasText: 'Nhật ký toàn vẹn' }).waitFor();
      await op.getByRole('link', { name: 'Mở trong hộp thư' }).click();
      await op.locator('.msg-in', { hasText: 'hỏi về hồ sơ của tôi' }).waitFor();
      for (const a of attachments) await op.locator('.att-file', { hasText: a.name }).waitFor();
      const unsafe = '[href^="data:"], [src^="data:image/svg"], [href^="javascript:"], [href*="169.254"], [src*="169.254"]';
      expect(await op.locator(`.msg-in ${unsafe}`).count()).toBe(0);
      expect(requested.filter((u) => /^(data:image\/svg|javascript:)|169\.254/.test(u))).toEqual([]);
      await op.goto(`${t.url}/tickets/${code}`);
      const [pdf] = await Promise.all([op.waitForEvent('download'), op.locator('.tp-log').getByRole('button', { name: 'PDF' }).click()]);
      expect(pdf.suggestedFilename()).toBe(`nhat-ky-${code}.pdf`);

      // Someone with the table owner's rights edits an event, switching the append-only trigger off for it.
      const db = t.gw.ctx.db;
      const first = await db.query<{ id: string }>('SELECT min(id)::text AS id FROM events WHERE ticket_id = $1', [ticket.id]);
      await tamperWithEvents(db, `UPDATE events SET data = data || '{"sửa": true}' WHERE id = $1`, [first.rows[0].id]);
      await op.reload();
      const broken = op.locator('.log-integrity', { hasText: 'Nhật ký bị sửa đổi' });
      await broken.waitFor();
      expect(await broken.getAttribute('title')).toContain(`sự kiện #${first.rows[0].id}`);
      await op.screenshot({ path: path.join(shots, 'security-log-broken.png') });

      // The admin's access log lists them; the filter narrows it to one kind of access.
      const rowsOf = (page: Page) => page.locator('.access-log tbody tr', { hasText: 'lan.nt' });
      // Accesses are recorded once each answer has gone out: wait for the last ones.
      const recorded = await waitForValue(
        async () =>
          (
            await db.query<{ kinds: string[] }>(
              `SELECT coalesce(array_agg(DISTINCT action || ' ' || subject_kind), '{}') AS kinds FROM personal_data_access WHERE username = 'lan.nt'`,
            )
          ).rows[0].kinds,
        (k) => k.length >= 3,
      );
      expect([...recorded].sort()).toEqual(['export ticket', 'view conversation', 'view ticket']);
      const admin = await newPage();
      await signIn(admin, t.url, 'thao.ntp', PASSWORD);
      await admin.goto(`${t.url}/access-log`);
      const mine = rowsOf(admin);
      await mine.first().waitFor();
      await mine
        .filter({ hasText: 'Xem' })
        .filter({ hasText: `Phiếu ${code}` })
        .first()
        .waitFor();
      await mine.filter({ hasText: 'Xem' }).filter({ hasText: 'Cuộc hội thoại' }).first().waitFor();
      await mine
        .filter({ hasText: 'Xuất dữ liệu' })
        .filter({ hasText: `Phiếu ${code}` })
        .first()
        .waitFor();
      await admin.screenshot({ path: path.join(shots, 'security-access-log.png') });

      const kinds = async () => (await admin.locator('.access-log tbody tr .chip').allTextContents()).map((s) => s.trim());
      await admin.getByLabel('Loại truy cập').selectOption('export');
      const exports = await waitForValue(kinds, (k) => k.length > 0 && k.every((s) => s === 'Xuất dữ liệu'));
      expect(new Set(exports)).toEqual(new Set(['Xuất dữ liệu']));
      await mine
        .filter({ hasText: `Phiếu ${code}` })
        .first()
        .waitFor();
      await admin.getByLabel('Loại truy cập').selectOption('view');
      const views = await waitForValue(kinds, (k) => k.length > 0 && k.every((s) => s === 'Xem'));
      expect(new Set(views)).toEqual(new Set(['Xem']));
      await mine.filter({ hasText: 'Cuộc hội thoại' }).first().waitFor();
      await admin.getByLabel('Loại truy cập').selectOption('');
      const all = await waitForValue(kinds, (k) => k.includes('Xem') && k.includes('Xuất dữ liệu'));
      expect(all).toEqual(expect.arrayContaining(['Xem', 'Xuất dữ liệu']));
    },
  );
});

/**
 * The hotline floor in real Chromium against a whole gateway (on PostgreSQL, with a fake citizen app): an operator
 * who is "Sẵn sàng" receives a waiting conversation in their inbox without touching anything, up to
 * the capacity an admin set (one more once it is raised); a
 * supervisor watching "Điều hành" sees the queue, and a waiting-time alert arrives as a banner with a
 * beep, as does an emergency alert on an operator's console.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createUser } from '../../src/auth/passwords';
import { raiseAlert } from '../../src/realtime/alerts';
import { getPresence } from '../../src/store/presence';
import { ensureConsoleBuilt, launchBrowser, screenshotDir } from '../support/browser';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';
import { closeAfterSuite, consolePages, signIn } from './console-pages';

const PASSWORD = 'mat-khau-1022';

describe('hotline floor in Chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  const pages = consolePages(() => browser);
  const { newPage } = pages;
  const shots = screenshotDir();
  const users: Record<string, string> = {};

  /** A signed-in console page; counts the tones the page synthesizes (the alert beep) in `window.__tones`. */
  async function signedIn(username: string): Promise<Page> {
    const page = await newPage({ viewport: { width: 1366, height: 800 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __tones: number };
      w.__tones = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.__tones++;
        return create.call(this);
      };
    });
    await signIn(page, t.url, username, PASSWORD);
    await page.locator('.shell').waitFor();
    return page;
  }
  /** Waits until the operator's effective presence (as every node sees it) is `status`. */
  const presenceOfLan = (status: string) =>
    waitForValue(
      async () => (await getPresence(t.gw.ctx.db, users.lan)).status,
      (s) => s === status,
    );
  const tones = (page: Page) => page.evaluate(() => (window as unknown as { __tones: number }).__tones);
  const escalate = (userId: string, name: string) =>
    t.postCitizen(citizenMessage(userId, 'Tôi muốn gặp tổng đài viên để được hướng dẫn', { name })).expect(200);
  const conversationOf = (userId: string) =>
    waitForValue(
      async () =>
        (
          await t.gw.ctx.db.query<{ id: string; state: string; assignee_id: string | null }>(
            `SELECT id, state, assignee_id FROM conversations WHERE external_user_id = $1`,
            [userId],
          )
        ).rows[0],
      (c) => c?.state === 'waiting' || c?.state === 'operator',
    );

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestGateway({ kind: 'postgres' });
    for (const [key, u] of Object.entries({
      lan: { username: 'lan.nt', displayName: 'Nguyễn Thị Lan', role: 'operator' as const },
      phuc: { username: 'phuc.lh', displayName: 'Lê Hoàng Phúc', role: 'supervisor' as const },
    })) {
      users[key] = (await createUser(t.gw.ctx.db, { ...u, password: PASSWORD })).id;
    }
    browser = await launchBrowser();
  }, 240_000);

  closeAfterSuite(pages, () => ({ browser, gateway: t }));

  test('an operator who is ready receives a waiting conversation in their inbox automatically', async () => {
    const page = await signedIn('lan.nt');
    await page.waitForURL(/\/inbox$/);
    const presence = page.getByLabel('Trạng thái của tôi');
    expect(await presence.inputValue()).toBe('offline');
    await presence.selectOption('online');
    await presenceOfLan('online');

    await escalate('u-floor-auto', 'Huỳnh Văn Tâm');
    await page.getByRole('tab', { name: /^Của tôi/ }).click();
    const row = page.locator('.conv-row', { hasText: 'Huỳnh Văn Tâm' });
    await row.waitFor({ timeout: 20_000 });
    expect((await conversationOf('u-floor-auto')).assignee_id).toBe(users.lan);
    await row.click();
    await page.locator('.cv-name .chip', { hasText: 'Đang xử lý' }).waitFor();
    await page.screenshot({ path: path.join(shots, 'floor-auto-assigned.png') });

    // By capacity: with room for one conversation she gets no second one, however many rounds run;
    // once an admin gives her room for two, the waiting one reaches her open inbox.
    const admin = await t.login();
    await request(t.app).put(`/api/users/${users.lan}/routing`).set('authorization', admin).send({ maxChats: 1 }).expect(200);
    await escalate('u-floor-full', 'Đặng Thị Hoa');
    expect((await conversationOf('u-floor-full')).state).toBe('waiting');
    await t.gw.floor.tick();
    await t.gw.floor.tick();
    expect((await conversationOf('u-floor-full')).assignee_id).toBeNull();
    expect(await page.locator('.conv-row', { hasText: 'Đặng Thị Hoa' }).count()).toBe(0);
    await request(t.app).put(`/api/users/${users.lan}/routing`).set('authorization', admin).send({ maxChats: 2 }).expect(200);
    await t.gw.floor.tick();
    await page.locator('.conv-row', { hasText: 'Đặng Thị Hoa' }).waitFor({ timeout: 20_000 });
    expect((await conversationOf('u-floor-full')).assignee_id).toBe(users.lan);

    // Ready again after a reload: the choice is remembered and re-sent when the console reconnects.
    await page.reload();
    await page.locator('.shell').waitFor();
    await waitForValue(
      () => page.getByLabel('Trạng thái của tôi').inputValue(),
      (v) => v === 'online',
    );
    await presence.selectOption('offline');
    await presenceOfLan('offline');
  }, 120_000);

  test("a waiting-time alert reaches a supervisor's open floor page as a banner with a beep; an emergency reaches operators", async () => {
    const admin = await t.login();
    await request(t.app)
      .put('/api/floor/settings')
      .set('authorization', admin)
      .send({ autoAssign: false, longWaitSeconds: 120 })
      .expect(200);
    const operator = await signedIn('lan.nt');
    const page = await signedIn('phuc.lh');
    await page.getByRole('link', { name: 'Điều hành' }).click();
    await page.waitForURL(/\/floor$/);
    await page.getByRole('heading', { name: 'Điều hành' }).waitFor();

    await escalate('u-floor-wait', 'Trương Thị Mai');
    const waiting = page.locator('tr[data-conversation]', { hasText: 'Trương Thị Mai' });
    await waiting.waitFor({ timeout: 20_000 });
    const conv = await conversationOf('u-floor-wait');
    expect(await page.locator(`tr[data-operator="${users.lan}"]`).textContent()).toContain('Ngoại tuyến');

    // The citizen has waited 5 minutes (over the 2-minute threshold): the next floor round raises the alert.
    await t.gw.ctx.db.query(`UPDATE conversations SET waiting_since = now() - interval '5 minutes' WHERE id = $1`, [conv.id]);
    const tonesBefore = await tones(page);
    await t.gw.floor.tick();
    const banner = page.getByRole('alert').filter({ hasText: 'Công dân chờ quá lâu' });
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Trương Thị Mai (e-DongThap) đã chờ tổng đài viên 5 phút');
    expect(await tones(page)).toBeGreaterThan(tonesBefore);
    await waitForValue(
      async () => (await waiting.locator('.floor-wait').textContent()) ?? '',
      (text) => /^5:\d\d$/.test(text),
    );
    await page.screenshot({ path: path.join(shots, 'floor-alert.png') });
    // Raised once: another round shows no second banner.
    await t.gw.floor.tick();
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.getByRole('alert').filter({ hasText: 'Trương Thị Mai' }).count()).toBe(1);

    // The supervisor gives the conversation to the operator from the queue.
    await waiting.getByLabel('Phân công cho').selectOption(users.lan);
    await waiting.waitFor({ state: 'detached' });
    expect((await conversationOf('u-floor-wait')).assignee_id).toBe(users.lan);

    // An emergency (raised by the bot) reaches the operator's console too, with its sound.
    const operatorTones = await tones(operator);
    raiseAlert(t.gw.ctx, 'emergency', 'Công dân báo tai nạn giao thông cần cấp cứu', { conversationId: conv.id });
    const emergency = operator.getByRole('alert').filter({ hasText: 'Khẩn cấp' });
    await emergency.waitFor({ timeout: 10_000 });
    expect(await tones(operator)).toBeGreaterThan(operatorTones);
    await emergency.getByRole('button', { name: 'Đóng cảnh báo' }).click();
    await emergency.waitFor({ state: 'detached' });
  }, 120_000);
});

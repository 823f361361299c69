/**
 * The embeddable live-chat widget in real Chromium: a host page on another origin embeds it with
 * one script tag; a fake bot answers through the adapter's `send`. Then the same widget on the
 * real gateway (receipt and knowledge-base answer), on a desktop and a phone viewport.
 * Screenshots go to SCREENSHOT_DIR (default: $TMPDIR/cong1022-screenshots).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { InboundMessage } from '../../src/channels/kit/contract';
import { identityHash } from '../../adapters/livechat/verify';
import { IDENTITY_SECRET, startGateway, type FakeBot, type Gateway } from '../adapters/livechat/harness';
import { ensureConsoleBuilt, launchBrowser, screenshotDir } from '../support/browser';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';
import { consolePages, signIn } from './console-pages';

const INJECTION = '<img src=x onerror=alert(1)>';

const bot: FakeBot = (msg: InboundMessage) => {
  if (msg.quickReplyPayload === 'le_phi') return { text: 'Đăng ký khai sinh đúng hạn được miễn lệ phí.' };
  if (/khai sinh/i.test(msg.text)) {
    return {
      text: 'Để đăng ký khai sinh, bạn cần: Giấy chứng sinh và CCCD của cha hoặc mẹ. Nộp trực tuyến tại https://dichvucong.gov.vn.',
      quickReplies: [
        { title: 'Lệ phí', payload: 'le_phi' },
        { title: 'Nộp trực tuyến', payload: 'nop_truc_tuyen' },
        { title: 'Gặp tổng đài viên', payload: 'gap_tong_dai_vien' },
      ],
    };
  }
  return { text: `Đã nhận câu hỏi: ${msg.text}` };
};

function hostPage(widgetUrl: string, identity = ''): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Cổng thông tin điện tử tỉnh Đồng Tháp</title>
<style>
  body{margin:0;font-family:Georgia,serif;color:#333;background:#f3f1ea}
  header{background:#a31f24;color:#fff;padding:18px 32px;font-size:22px;font-weight:bold}
  nav{background:#7c1418;padding:8px 32px}nav a{color:#fde7a9;margin-right:18px;text-decoration:none;font-size:14px}
  main{max-width:900px;margin:28px auto;padding:0 24px;line-height:1.6}
  h1{color:#7c1418}.card{background:#fff;border:1px solid #ddd;padding:16px 20px;margin:16px 0}
  /* Hostile host styles: the widget must not be affected. */
  button{background:hotpink!important;border-radius:0!important}
  li{color:red!important}
</style></head>
<body>
<header>Cổng thông tin điện tử tỉnh Đồng Tháp</header>
<nav><a href="#">Trang chủ</a><a href="#">Dịch vụ công</a><a href="#">Tin tức</a><a href="#">Liên hệ</a></nav>
<main>
<h1>Tổng đài 1022 — Tiếp nhận phản ánh, kiến nghị</h1>
<div class="card"><p>Người dân, doanh nghiệp có thể gọi <b>1022</b>, nhắn Zalo OA, Facebook hoặc trò chuyện trực tuyến ngay trên trang này để được hướng dẫn thủ tục hành chính.</p></div>
<div class="card"><p>Thời gian tiếp nhận: 24/7. Trợ lý ảo trả lời tự động; tổng đài viên hỗ trợ trong giờ hành chính.</p></div>
</main>
<script src="${widgetUrl}" data-title="Tổng đài 1022" data-color="#0b5394"${identity} async></script>
</body></html>`;
}

/** Serves the host page embedding `widgetUrl`, on "localhost" (another origin than the gateway's 127.0.0.1). */
async function serveHostPage(widgetUrl: string): Promise<{ host: http.Server; hostUrl: string }> {
  const host = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(hostPage(widgetUrl));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  return { host, hostUrl: `http://localhost:${(host.address() as AddressInfo).port}/` };
}

/** Retries `fn` until it returns `expected` (Jest has no expect.poll). */
async function poll<T>(fn: () => Promise<T>, expected: T, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: T = await fn();
  while (last !== expected && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    last = await fn();
  }
  expect(last).toBe(expected);
}

describe('live-chat widget in Chromium', () => {
  let gw: Gateway;
  let host: http.Server;
  let hostUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    gw = await startGateway({ bot });
    host = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      // A signed-in citizen on the host portal: its backend computed the identity hash.
      const identity =
        req.url === '/tai-khoan'
          ? ` data-user-id="079200001234" data-user-hash="${identityHash(IDENTITY_SECRET, '079200001234')}" data-user-name="Trần Văn Bình"`
          : '';
      res.end(hostPage(`${gw.url}/widget.js`, identity));
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    // "localhost" vs the gateway's "127.0.0.1": the widget runs cross-origin, as on a real host site.
    hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/thu-tuc`;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'vi-VN' });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
    await gw?.close();
  });

  const launcher = () => page.locator('#cong1022-widget button.launcher');
  const panel = () => page.locator('#cong1022-widget .panel');
  const input = () => page.locator('#cong1022-widget textarea');
  const rows = () => page.locator('#cong1022-widget li.row');
  const citizenRows = () => page.locator('#cong1022-widget li.row.in');
  const botRows = () => page.locator('#cong1022-widget li.row.out');
  const visitorId = async () =>
    page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.endsWith(':visitor'));
      return key ? localStorage.getItem(key)! : '';
    });
  const ingestedTexts = () => gw.ingested.map((i) => (JSON.parse(i.body.toString()) as { text: string }).text);
  /** What the gateway took in, as the adapter parses it. */
  const ingested = () => gw.ingested.map((i) => gw.adapter.parse(i.body, i.contentType)[0] as InboundMessage);
  /** Types `text` in the widget on `p` (default: the first tab) and sends it with Enter. */
  const ask = async (text: string, p: Page = page) => {
    const box = p.locator('#cong1022-widget textarea');
    await box.fill(text);
    await box.press('Enter');
  };

  test('opens from the bubble, asks, gets a bot answer with quick replies', async () => {
    await page.goto(hostUrl);
    await launcher().waitFor();
    expect(await launcher().getAttribute('aria-label')).toBe('Mở trò chuyện với Tổng đài 1022');
    await launcher().click();
    await panel().waitFor({ state: 'visible' });
    await page.locator('#cong1022-widget .welcome', { hasText: 'Xin chào!' }).waitFor();
    await page.locator('#cong1022-widget .dot:not(.off)').waitFor();
    await page.screenshot({ path: path.join(screenshotDir(), 'widget-empty.png') });
    expect(await launcher().getAttribute('aria-expanded')).toBe('true');
    await poll(() => page.evaluate(() => document.querySelector('#cong1022-widget')!.shadowRoot!.activeElement?.tagName), 'TEXTAREA');
    expect(await page.locator('#cong1022-widget .title').textContent()).toBe('Tổng đài 1022');
    expect(await page.locator('#cong1022-widget .subtitle').textContent()).toContain('Hỏi đáp thủ tục hành chính');
    expect(await input().getAttribute('placeholder')).toBe('Nhập câu hỏi…');

    await ask('Thủ tục đăng ký khai sinh cần giấy tờ gì?');
    await citizenRows().filter({ hasText: 'Thủ tục đăng ký khai sinh' }).waitFor();
    await botRows().filter({ hasText: 'Để đăng ký khai sinh' }).waitFor();
    await citizenRows().filter({ hasText: 'Đã gửi' }).first().waitFor();
    const link = botRows().locator('a[href="https://dichvucong.gov.vn/"]');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await page.locator('#cong1022-widget [aria-live="polite"][aria-atomic="true"]').textContent()).toContain('Để đăng ký khai sinh');

    const quick = page.locator('#cong1022-widget .qr button');
    expect(await quick.allTextContents()).toEqual(['Lệ phí', 'Nộp trực tuyến', 'Gặp tổng đài viên']);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshotDir(), 'widget-answer.png') });
    await quick.filter({ hasText: 'Lệ phí' }).click();
    await botRows().filter({ hasText: 'miễn lệ phí' }).waitFor();
    const qr = ingested().find((m) => m.quickReplyPayload);
    expect(qr).toMatchObject({ text: 'Lệ phí', quickReplyPayload: 'le_phi' });
    expect(await page.locator('#cong1022-widget .qr').isHidden()).toBe(true);
  });

  test('operator banner, typing indicator and an operator answer; screenshot', async () => {
    const id = await visitorId();
    expect(id).toMatch(/^v_/);
    gw.adapter.notify!(id, { type: 'operator', name: 'Nguyễn Thị Lan' });
    await page.locator('#cong1022-widget .banner.operator', { hasText: 'Tổng đài viên Nguyễn Thị Lan đang hỗ trợ' }).waitFor();
    await gw.reply(id, 'Chào anh/chị, em là Lan. Anh/chị cần hỗ trợ thêm về hồ sơ khai sinh cho bé không ạ?', {
      author: 'operator',
      authorName: 'Nguyễn Thị Lan',
    });
    await botRows().filter({ hasText: 'em là Lan' }).waitFor();
    gw.adapter.notify!(id, { type: 'typing', on: true, authorName: 'Nguyễn Thị Lan' });
    await page.locator('#cong1022-widget .typing', { hasText: 'Nguyễn Thị Lan đang soạn tin…' }).waitFor();
    await input().fill('Cho tôi hỏi nộp hồ sơ ở đâu?');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshotDir(), 'widget.png') });
    gw.adapter.notify!(id, { type: 'typing', on: false });
    await page.locator('#cong1022-widget .typing').waitFor({ state: 'hidden' });
    await input().fill('');
  });

  test('Esc closes and returns focus to the bubble; a reload shows the history', async () => {
    await input().focus();
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.querySelector('#cong1022-widget')!.shadowRoot!.activeElement?.className)).toBe('launcher');
    // Keyboard only: Enter on the focused bubble opens the chat with the cursor in the input.
    await page.keyboard.press('Enter');
    await panel().waitFor({ state: 'visible' });
    await poll(() => page.evaluate(() => document.querySelector('#cong1022-widget')!.shadowRoot!.activeElement?.tagName), 'TEXTAREA');
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'hidden' });

    const before = await rows().allTextContents();
    await page.reload();
    await launcher().click();
    await botRows().filter({ hasText: 'em là Lan' }).waitFor();
    expect(await rows().count()).toBe(before.length);
    expect(await citizenRows().filter({ hasText: 'Thủ tục đăng ký khai sinh' }).count()).toBe(1);
    // The last answer came from an operator: the banner says who is helping, from the history alone.
    await page.locator('#cong1022-widget .banner.operator', { hasText: 'Tổng đài viên Nguyễn Thị Lan đang hỗ trợ' }).waitFor();
  });

  test('a message sent while offline waits in the outbox and arrives exactly once after reconnecting', async () => {
    await context.setOffline(true);
    await page.locator('#cong1022-widget .banner.conn', { hasText: 'Đang kết nối lại…' }).waitFor();
    await ask('Câu hỏi gửi lúc mất mạng');
    const row = citizenRows().filter({ hasText: 'Câu hỏi gửi lúc mất mạng' });
    await row.filter({ hasText: 'Đang gửi…' }).waitFor();
    const outbox = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.endsWith(':outbox'));
      return key ? localStorage.getItem(key) : null;
    });
    expect(outbox).toContain('Câu hỏi gửi lúc mất mạng');
    await page.waitForTimeout(500);
    expect(ingestedTexts()).not.toContain('Câu hỏi gửi lúc mất mạng');

    await context.setOffline(false);
    await row.filter({ hasText: 'Đã gửi' }).waitFor({ timeout: 15_000 });
    await botRows().filter({ hasText: 'Đã nhận câu hỏi: Câu hỏi gửi lúc mất mạng' }).waitFor();
    await page.locator('#cong1022-widget .banner.conn').waitFor({ state: 'hidden' });
    expect(ingestedTexts().filter((t) => t === 'Câu hỏi gửi lúc mất mạng')).toHaveLength(1);
    expect(await row.count()).toBe(1);
    expect(await page.evaluate(() => Object.keys(localStorage).some((k) => k.endsWith(':outbox')))).toBe(false);
  });

  test('an unacknowledged message survives a reload in the outbox and is then delivered once', async () => {
    gw.failIngest(true);
    await ask('Câu hỏi khi máy chủ bận');
    const row = () => citizenRows().filter({ hasText: 'Câu hỏi khi máy chủ bận' });
    await row().filter({ hasText: 'Đang gửi…' }).waitFor();
    await page.waitForTimeout(300);
    await page.reload();
    await row().filter({ hasText: 'Đang gửi…' }).waitFor();
    gw.failIngest(false);
    await row().filter({ hasText: 'Đã gửi' }).waitFor({ timeout: 15_000 });
    await botRows().filter({ hasText: 'Đã nhận câu hỏi: Câu hỏi khi máy chủ bận' }).waitFor();
    expect(ingestedTexts().filter((t) => t === 'Câu hỏi khi máy chủ bận')).toHaveLength(1);
    expect(await row().count()).toBe(1);
  });

  test('HTML in messages is shown as text, never interpreted', async () => {
    await input().fill(INJECTION);
    await page.locator('#cong1022-widget button.send').click();
    await citizenRows().filter({ hasText: INJECTION }).waitFor();
    await botRows()
      .filter({ hasText: `Đã nhận câu hỏi: ${INJECTION}` })
      .waitFor();
    expect(await citizenRows().filter({ hasText: INJECTION }).locator('.text').textContent()).toBe(INJECTION);
    expect(await page.locator('#cong1022-widget .bubble img').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  test('a second tab of the same visitor sees the conversation and new messages', async () => {
    const second = await context.newPage();
    await second.goto(hostUrl);
    await second.locator('#cong1022-widget button.launcher').click();
    await second.locator('#cong1022-widget li.row.out', { hasText: 'em là Lan' }).waitFor();
    await ask('Tin nhắn từ tab thứ nhất');
    await second.locator('#cong1022-widget li.row.in', { hasText: 'Tin nhắn từ tab thứ nhất' }).waitFor();
    await second.locator('#cong1022-widget li.row.out', { hasText: 'Đã nhận câu hỏi: Tin nhắn từ tab thứ nhất' }).waitFor();
    await second.close();
  });

  test('a signed-in citizen of the host portal chats under a verified identity', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(hostUrl.replace('/thu-tuc', '/tai-khoan'));
    await p.locator('#cong1022-widget button.launcher').click();
    await ask('Tôi muốn hỏi về hồ sơ của tôi', p);
    await p.locator('#cong1022-widget li.row.out', { hasText: 'Đã nhận câu hỏi: Tôi muốn hỏi về hồ sơ của tôi' }).waitFor();
    const stored = ingested().find((m) => m.text === 'Tôi muốn hỏi về hồ sơ của tôi');
    expect(stored).toMatchObject({ externalUserId: 'u_079200001234', contact: { displayName: 'Trần Văn Bình' } });
    // Nothing to keep: the host page vouches for the citizen on every visit.
    expect(await p.evaluate(() => Object.keys(localStorage).some((k) => k.endsWith(':token')))).toBe(false);
    await ctx.close();
  });

  test('narrow screens get a full-screen panel; the client refuses a wrong file type', async () => {
    const mobile = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const phone = await mobile.newPage();
    await phone.goto(hostUrl);
    await phone.locator('#cong1022-widget button.launcher').click();
    const box = await phone.locator('#cong1022-widget .panel').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    await phone
      .locator('#cong1022-widget input[type=file]')
      .setInputFiles({ name: 'virus.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    await phone.locator('#cong1022-widget .notice', { hasText: 'Chỉ gửi được ảnh (JPG, PNG, GIF, WEBP) hoặc tệp PDF.' }).waitFor();
    await phone
      .locator('#cong1022-widget input[type=file]')
      .setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%%EOF\n') });
    await phone.locator('#cong1022-widget .pending-file', { hasText: 'to-khai.pdf' }).waitFor();
    await ask('Tờ khai của tôi', phone);
    await phone.locator('#cong1022-widget li.row.in', { hasText: 'Đã gửi' }).waitFor();
    const stored = ingested().find((m) => m.text === 'Tờ khai của tôi');
    expect(stored?.attachments).toEqual([expect.objectContaining({ kind: 'file', name: 'to-khai.pdf', mimeType: 'application/pdf' })]);
    await phone.waitForTimeout(300);
    await phone.screenshot({ path: path.join(screenshotDir(), 'widget-mobile.png') });
    await mobile.close();
  });
});

describe('live-chat widget on the real gateway', () => {
  let t: TestGateway;
  let host: http.Server;
  let hostUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestGateway({ kind: 'postgres', env: { LIVECHAT_ENABLED: 'true' } });
    ({ host, hostUrl } = await serveHostPage(`${t.url}/widget.js`));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
    await t?.stop();
    await t?.citizenApp.stop();
  });

  for (const view of [
    { name: 'desktop', viewport: { width: 1280, height: 860 }, mobile: false },
    { name: 'phone', viewport: { width: 390, height: 844 }, mobile: true },
  ]) {
    test(`${view.name}: a question gets the receipt and the answer from the knowledge base; screenshot`, async () => {
      const context = await browser.newContext({ viewport: view.viewport, isMobile: view.mobile, hasTouch: view.mobile, locale: 'vi-VN' });
      const page = await context.newPage();
      try {
        await page.goto(hostUrl);
        await page.locator('#cong1022-widget button.launcher').click();
        const input = page.locator('#cong1022-widget textarea');
        await input.fill('Cho em hỏi làm giấy khai sinh cho con cần giấy tờ gì ạ?');
        await input.press('Enter');
        const out = page.locator('#cong1022-widget li.row.out');
        // The receipt comes from the system (not the bot): shown as a notice line.
        await page.locator('#cong1022-widget li.row.system', { hasText: 'đã nhận được tin nhắn của anh/chị' }).waitFor({ timeout: 15_000 });
        await out
          .filter({ hasText: /khai sinh/i })
          .first()
          .waitFor({ timeout: 15_000 });
        await page.locator('#cong1022-widget li.row.in', { hasText: 'Đã gửi' }).waitFor();
        await page.waitForTimeout(400);
        await page.screenshot({ path: path.join(screenshotDir(), `widget-gateway-${view.name}.png`) });
        // The same conversation after a reload, from the gateway's history (the chat stays open).
        await page.reload();
        await page.locator('#cong1022-widget .panel').waitFor({ state: 'visible' });
        await out
          .filter({ hasText: /khai sinh/i })
          .first()
          .waitFor();
        expect(await page.locator('#cong1022-widget li.row.in').count()).toBe(1);
      } finally {
        await context.close();
      }
    });
  }
});

describe('pre-chat form and "seen by operator" between the widget and the console', () => {
  let t: TestGateway;
  let host: http.Server;
  let hostUrl: string;
  let browser: Browser;
  const pages = consolePages(() => browser);

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestGateway({ kind: 'postgres', env: { LIVECHAT_ENABLED: 'true' } });
    ({ host, hostUrl } = await serveHostPage(`${t.url}/widget.js`));
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
    await t?.stop();
    await t?.citizenApp.stop();
  });

  test('an admin switches the form on; the visitor fills it and writes; the operator opens the conversation; the widget shows "Đã xem"', async () => {
    // The admin turns the form on in the console's settings, name required.
    const consolePage = await pages.newPage();
    await signIn(consolePage, t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    await consolePage.goto(`${t.url}/settings`);
    const card = consolePage.locator('.card', { hasText: 'Trò chuyện trực tuyến: thông tin trước khi chat' });
    await card.getByLabel('Bật biểu mẫu trước khi trò chuyện').check();
    await card.getByLabel('Họ và tên').selectOption('required');
    await consolePage.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await consolePage.getByText('Đã lưu cài đặt').waitFor();

    // The visitor sees the form instead of the composer and cannot start without the consent.
    const visitor = await pages.newPage();
    await visitor.goto(hostUrl);
    await visitor.locator('#cong1022-widget button.launcher').click();
    const form = visitor.locator('#cong1022-widget form.prechat');
    await form.waitFor();
    expect(await visitor.locator('#cong1022-widget form.composer').isHidden()).toBe(true);
    await form.getByText(/Nghị định 13\/2023\/NĐ-CP/).waitFor();
    await form.getByRole('button', { name: 'Bắt đầu trò chuyện' }).click();
    await form.locator('.notice', { hasText: 'Vui lòng nhập họ và tên.' }).waitFor();
    await form.getByLabel('Họ và tên *').fill('Phạm Thị Thu');
    await form.getByLabel('Số điện thoại (không bắt buộc)').fill('0918 123 456');
    await form.getByRole('button', { name: 'Bắt đầu trò chuyện' }).click();
    await form.locator('.notice', { hasText: 'Vui lòng đánh dấu đồng ý' }).waitFor();
    await form.getByRole('checkbox').check();
    await visitor.screenshot({ path: path.join(screenshotDir(), 'widget-prechat.png') });
    await form.getByRole('button', { name: 'Bắt đầu trò chuyện' }).click();
    await form.waitFor({ state: 'hidden' });

    const input = visitor.locator('#cong1022-widget textarea');
    await input.fill('Cho tôi hỏi thủ tục đăng ký thường trú');
    await input.press('Enter');
    const mine = visitor.locator('#cong1022-widget li.row.in', { hasText: 'đăng ký thường trú' });
    await mine.locator('.meta', { hasText: 'Đã gửi' }).waitFor({ timeout: 15_000 });
    const visitorId = await visitor.evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.endsWith(':visitor'))!));
    const conv = await waitForValue(
      async () =>
        (
          await t.gw.ctx.db.query<{ id: string }>(`SELECT id FROM conversations WHERE channel = 'livechat' AND external_user_id = $1`, [
            visitorId,
          ])
        ).rows[0],
      (r) => !!r,
    );
    expect(await mine.locator('.seen').count()).toBe(0);

    // The operator opens the conversation: the citizen's name, phone and consent are there, and the widget says "Đã xem".
    await consolePage.goto(`${t.url}/inbox/${conv.id}`);
    await consolePage.locator('.msg-in', { hasText: 'đăng ký thường trú' }).waitFor();
    await consolePage.locator('.cv-name', { hasText: 'Phạm Thị Thu' }).waitFor();
    await consolePage.locator('.cv-sub', { hasText: '0918123456' }).waitFor();
    await mine.locator('.seen', { hasText: 'Đã xem' }).waitFor({ timeout: 10_000 });
    await mine.scrollIntoViewIfNeeded();
    await visitor.screenshot({ path: path.join(screenshotDir(), 'widget-seen.png') });
    await consolePage.getByRole('tab', { name: 'Người dân' }).click();
    await consolePage.locator('.cc-consent', { hasText: 'Đã đồng ý lúc' }).waitFor();
    expect(pages.pageErrors).toEqual([]);
  }, 120_000);
});

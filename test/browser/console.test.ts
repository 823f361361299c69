/**
 * The web console in real Chromium against a whole gateway (on PostgreSQL, with a fake citizen app): an operator
 * sees an escalation arrive live, takes over and replies; a supervisor exports XLSX; an admin edits a
 * procedure and the bot's next answer changes; an agency user cannot see another agency's tickets.
 * Screenshots of the main screens go to the screenshot directory (SCREENSHOT_DIR).
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import request from 'supertest';
import { createUser } from '../../src/auth/passwords';
import type { Queryable } from '../../src/db/database';
import { ensureConsoleBuilt, launchBrowser, screenshotDir } from '../support/browser';
import { closeAfterSuite, consolePages, signIn } from './console-pages';
import { connect as connectVisitor } from '../adapters/livechat/harness';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';
import { ACTOR_LABELS, CHANNEL_LABELS, PRIORITY_LABELS, TICKET_STATUS_LABELS } from '../../src/wire/labels';

const PASSWORD = 'mat-khau-1022';
const VIEWPORT = { width: 1366, height: 768 };

const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();

/**
 * Realistic data so the screenshots show a working hotline: a few conversations on several channels
 * (bot answers with intents, receipts, an operator reply, a note, an urgent report) and two weeks of
 * history for the dashboard.
 */
async function seedShowcase(db: Queryable, users: Record<string, string>): Promise<void> {
  const agencyId = async (code: string) => (await db.query<{ id: string }>('SELECT id FROM agencies WHERE code = $1', [code])).rows[0].id;
  let seq = 9000;
  const code = () => `1022-${new Date().getFullYear()}-${String(++seq).padStart(6, '0')}`;
  const receipt = 'Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận được thông tin góp ý, phản ánh của Quý khách, xin cám ơn.';
  type Msg = {
    at: number;
    dir: 'in' | 'out';
    author?: string;
    text: string;
    status?: string;
    intent?: [string, number];
    purpose?: string;
    qr?: string[];
    by?: string;
  };
  /** A citizen's question `at` minutes ago, answered by the bot right away with the intent it found (name, confidence) and quick replies. */
  const answeredByBot = (at: number, question: string, answer: string, intent: [string, number], qr: string[], status?: string): Msg[] => [
    { at, dir: 'in', text: question },
    { at: at - 0.1, dir: 'out', text: answer, intent, qr, ...(status && { status }) },
  ];
  /** A citizen's conversation on `channel` (their id there, their name), with its messages, events and ticket. */
  const conv = async (
    channel: string,
    ext: string,
    name: string,
    story: {
      phone?: string;
      email?: string;
      state: string;
      assignee?: string;
      msgs: Msg[];
      events?: { at: number; type: string; by?: string; data?: Record<string, unknown> }[];
      ticket?: {
        title: string;
        content: string;
        field: string;
        agency?: string;
        priority?: string;
        status?: string;
        dueHours: number;
        firstResponse?: number;
      };
    },
  ) => {
    const c = { channel, ext, name, ...story };
    const started = Math.max(...c.msgs.map((m) => m.at));
    const last = Math.min(...c.msgs.map((m) => m.at));
    const contact = (
      await db.query<{ id: string }>('INSERT INTO contacts (display_name, phone, email) VALUES ($1, $2, $3) RETURNING id', [
        c.name,
        c.phone ?? null,
        c.email ?? null,
      ])
    ).rows[0].id;
    const identity = (
      await db.query<{ id: string }>(
        'INSERT INTO contact_identities (contact_id, channel, external_id, display_name, last_interaction_at, followed) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [contact, c.channel, c.ext, c.name, ago(last), c.channel === 'zalo' ? true : null],
      )
    ).rows[0].id;
    const conversation = (
      await db.query<{ id: string }>(
        `INSERT INTO conversations (contact_id, identity_id, channel, external_user_id, state, assignee_id, last_inbound_at, last_message_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id`,
        [contact, identity, c.channel, c.ext, c.state, c.assignee ? users[c.assignee] : null, ago(last), ago(started)],
      )
    ).rows[0].id;
    let ticketId: string | null = null;
    let ticketCode = '';
    if (c.ticket) {
      const t = c.ticket;
      ticketCode = code();
      ticketId = (
        await db.query<{ id: string }>(
          `INSERT INTO tickets (code, status, channel, field, agency_id, assignee_id, priority, title, content, contact_id, conversation_id, created_by, due_at, first_response_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'bot', $12, $13, $14, $14) RETURNING id`,
          [
            ticketCode,
            t.status ?? 'new',
            c.channel,
            t.field,
            t.agency ? await agencyId(t.agency) : null,
            c.assignee ? users[c.assignee] : null,
            t.priority ?? 'normal',
            t.title,
            t.content,
            contact,
            conversation,
            new Date(Date.now() - started * 60_000 + t.dueHours * 3_600_000).toISOString(),
            t.firstResponse ? ago(t.firstResponse) : null,
            ago(started - 0.1),
          ],
        )
      ).rows[0].id;
    }
    await db.query(`INSERT INTO events (conversation_id, type, actor_kind, created_at) VALUES ($1, 'conversation_opened', 'citizen', $2)`, [
      conversation,
      ago(started),
    ]);
    for (const m of c.msgs) {
      const author = m.author ?? (m.dir === 'in' ? 'citizen' : 'bot');
      const status = m.dir === 'in' ? 'received' : (m.status ?? 'read');
      await db.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_user_id, author_name, purpose, text, quick_replies, ticket_id, status, meta, created_at, sent_at, delivered_at, read_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12::jsonb, $13, $14, $15, $16)`,
        [
          conversation,
          c.channel,
          m.dir,
          author,
          m.by ? users[m.by] : null,
          m.dir === 'in' ? c.name : m.by ? 'Nguyễn Thị Lan' : null,
          m.dir === 'out' ? (m.purpose ?? (author === 'bot' ? 'answer' : 'reply')) : null,
          m.text.replace('{code}', ticketCode),
          JSON.stringify((m.qr ?? []).map((t) => ({ title: t, payload: t }))),
          ticketId,
          status,
          JSON.stringify(m.intent ? { intent: { name: m.intent[0], confidence: m.intent[1] } } : {}),
          ago(m.at),
          m.dir === 'out' ? ago(m.at) : null,
          m.dir === 'out' && status !== 'sent' ? ago(m.at - 0.1) : null,
          m.dir === 'out' && status === 'read' ? ago(m.at - 0.5) : null,
        ],
      );
    }
    for (const e of c.events ?? []) {
      await db.query(
        `INSERT INTO events (ticket_id, conversation_id, type, actor_kind, actor_user_id, actor_name, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
        [
          ticketId,
          conversation,
          e.type,
          e.by ? 'operator' : 'bot',
          e.by ? users[e.by] : null,
          e.by ? 'Nguyễn Thị Lan' : null,
          JSON.stringify(e.data ?? {}),
          ago(e.at),
        ],
      );
    }
  };

  await conv('zalo', '5120948812377', 'Huỳnh Thanh Tâm', {
    phone: '0918234567',
    state: 'operator',
    assignee: 'lan',
    msgs: [
      {
        at: 48,
        dir: 'in',
        text: 'Đường Nguyễn Thái Học đoạn trước chợ phường 4 bị ngập sâu từ tối qua tới giờ, xe máy chết máy hàng loạt. Nhờ tổng đài báo giúp.',
      },
      { at: 47.9, dir: 'out', author: 'system', purpose: 'receipt', text: receipt },
      {
        at: 47.8,
        dir: 'out',
        text: 'Để chuyển đúng nơi xử lý, anh/chị vui lòng cho biết thêm: địa chỉ cụ thể (số nhà, tên đường, phường/xã).',
        intent: ['su_co_ha_tang', 0.91],
      },
      { at: 45, dir: 'in', text: 'Khoảng số 120 Nguyễn Thái Học, phường Cao Lãnh' },
      {
        at: 44.9,
        dir: 'out',
        text: 'Cám ơn anh/chị. Thông tin đã được chuyển tổng đài viên với mã phiếu {code}.',
        intent: ['su_co_ha_tang', 0.88],
      },
      {
        at: 30,
        dir: 'out',
        author: 'operator',
        by: 'lan',
        text: 'Chào anh Tâm, em là Lan ở Tổng đài 1022. Em đã chuyển Sở Xây dựng và UBND phường Cao Lãnh kiểm tra, bố trí bơm thoát nước ạ.',
      },
      { at: 12, dir: 'in', text: 'Cám ơn em. Khi nào có người xuống vậy em?' },
    ],
    events: [
      { at: 44.8, type: 'escalated', data: { reason: 'report_complete' } },
      { at: 31, type: 'taken_over', by: 'lan' },
      {
        at: 29,
        type: 'forwarded',
        by: 'lan',
        data: { agencyName: 'Sở Xây dựng tỉnh Đồng Tháp', note: 'Ngập sâu trước chợ phường 4, đề nghị kiểm tra hệ thống thoát nước' },
      },
      { at: 28, type: 'note', by: 'lan', data: { text: 'Đã gọi Đội quản lý đô thị phường Cao Lãnh, hẹn phản hồi trước 11 giờ.' } },
    ],
    ticket: {
      title: 'Ngập đường Nguyễn Thái Học trước chợ phường 4',
      content: 'Đường Nguyễn Thái Học trước chợ phường 4 ngập sâu; khoảng số 120, phường Cao Lãnh.',
      field: 'moi_truong',
      agency: 'so_xay_dung',
      priority: 'high',
      status: 'forwarded',
      dueHours: 24,
      firstResponse: 30,
    },
  });
  await conv('facebook', '7712093344551928', 'Trần Ngọc Hân', {
    state: 'waiting',
    msgs: [
      ...answeredByBot(
        9,
        'cho em hỏi bằng lái B2 của em hết hạn 2 tháng rồi thì đổi ở đâu, có phải thi lại không ạ',
        'Đổi giấy phép lái xe: nộp tại Phòng Cảnh sát giao thông – Công an tỉnh hoặc trực tuyến trên Cổng Dịch vụ công quốc gia.',
        ['tt_doi_gplx', 0.86],
        ['Hồ sơ cần gì', 'Lệ phí', 'Gặp tổng đài viên'],
        'delivered',
      ),
      { at: 6, dir: 'in', text: 'Gặp tổng đài viên' },
      {
        at: 5.9,
        dir: 'out',
        author: 'system',
        purpose: 'ticket_receipt',
        text: 'Yêu cầu của Quý khách đã được tiếp nhận với mã phiếu {code}.',
        status: 'delivered',
      },
    ],
    events: [{ at: 5.9, type: 'escalated', data: { reason: 'asked_for_operator' } }],
    ticket: {
      title: 'Hỏi đổi giấy phép lái xe B2 quá hạn',
      content: 'Bằng lái B2 hết hạn 2 tháng, đổi ở đâu, có phải thi lại không.',
      field: 'giao_thong',
      dueHours: 72,
    },
  });
  await conv('email', 'minhthu.nguyen@gmail.com', 'Nguyễn Minh Thư', {
    email: 'minhthu.nguyen@gmail.com',
    state: 'waiting',
    msgs: [
      {
        at: 95,
        dir: 'in',
        text: 'Kính gửi Tổng đài 1022,\n\nCon tôi sinh ở TP.HCM nhưng thường trú ở Đồng Tháp. Tôi muốn đăng ký khai sinh cho cháu tại xã Mỹ Thọ thì cần giấy tờ gì?\n\nTrân trọng.',
      },
      { at: 94.9, dir: 'out', author: 'system', purpose: 'receipt', text: receipt, status: 'sent' },
    ],
    events: [{ at: 94.8, type: 'escalated', data: { reason: 'fallback' } }],
    ticket: {
      title: 'Đăng ký khai sinh cho con sinh ngoài tỉnh',
      content: 'Con sinh ở TP.HCM, thường trú Đồng Tháp, đăng ký khai sinh tại xã Mỹ Thọ.',
      field: 'ho_tich',
      dueHours: 72,
    },
  });
  await conv('livechat', 'v_8f2a91c0', 'Khách truy cập cổng tỉnh', {
    state: 'bot',
    msgs: answeredByBot(
      20,
      'thẻ bhyt bị mất thì cấp lại ở đâu',
      'Cấp lại thẻ BHYT do mất: nộp tại Bảo hiểm xã hội nơi cư trú hoặc qua ứng dụng VssID. Không mất lệ phí.',
      ['tt_the_bhyt', 0.93],
      ['Hỏi thủ tục khác', 'Gặp tổng đài viên'],
    ),
  });

  // Two weeks of history for the dashboard: most conversations answered by the bot.
  const channels = ['zalo', 'zalo', 'zalo', 'facebook', 'facebook', 'edongthap', 'edongthap', 'livechat', 'email'];
  const fields = ['ho_tich', 'cu_tru', 'giao_thong', 'dat_dai', 'moi_truong', 'ha_tang_dien', 'bao_hiem', 'dvc'];
  const agencies = await Promise.all(['so_xay_dung', 'so_tu_phap', 'ca_tinh_csgt', 'bhxh_tinh', 'vpdk_dat_dai'].map(agencyId));
  let r = 7;
  const rand = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 160; i++) {
    const d = new Date(Date.now() - Math.floor(rand() * 13) * 86_400_000);
    d.setUTCHours([0, 1, 2, 2, 3, 3, 4, 6, 7, 7, 8, 9, 12, 13, 14][Math.floor(rand() * 15)], Math.floor(rand() * 60));
    if (d.getTime() > Date.now()) d.setTime(d.getTime() - 86_400_000);
    const ch = channels[Math.floor(rand() * channels.length)];
    const contact = (await db.query<{ id: string }>(`INSERT INTO contacts (display_name) VALUES ('Người dân') RETURNING id`)).rows[0].id;
    const identity = (
      await db.query<{ id: string }>('INSERT INTO contact_identities (contact_id, channel, external_id) VALUES ($1, $2, $3) RETURNING id', [
        contact,
        ch,
        `hist-${i}`,
      ])
    ).rows[0].id;
    const conversation = (
      await db.query<{ id: string }>(
        `INSERT INTO conversations (contact_id, identity_id, channel, external_user_id, state, created_at, last_message_at, closed_at) VALUES ($1, $2, $3, $4, 'closed', $5, $5, $5) RETURNING id`,
        [contact, identity, ch, `hist-${i}`, d.toISOString()],
      )
    ).rows[0].id;
    await db.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_kind, text, status, created_at) VALUES ($1, $2, 'in', 'citizen', '…', 'received', $3)`,
      [conversation, ch, d.toISOString()],
    );
    if (rand() < 0.3) {
      const closed = rand() < 0.75;
      const op = rand() < 0.5 ? 'lan' : 'khoa';
      const fr = new Date(d.getTime() + (5 + rand() * 90) * 60_000);
      await db.query(
        `INSERT INTO tickets (code, status, channel, field, agency_id, assignee_id, priority, title, content, conversation_id, contact_id, created_by, due_at, first_response_at, closed_at, csat, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'Phiếu đã xử lý', '', $8, $9, 'bot', $10, $11, $12, $13, $14, $14)`,
        [
          code(),
          closed ? 'closed' : 'forwarded',
          ch,
          fields[Math.floor(rand() * fields.length)],
          rand() < 0.6 ? agencies[Math.floor(rand() * agencies.length)] : null,
          users[op],
          rand() < 0.08 ? 'urgent' : 'normal',
          conversation,
          contact,
          new Date(d.getTime() + 72 * 3_600_000).toISOString(),
          fr.toISOString(),
          closed ? new Date(Math.min(Date.now(), d.getTime() + (2 + rand() * 60) * 3_600_000)).toISOString() : null,
          closed && rand() < 0.7 ? [5, 5, 5, 4, 4, 4, 3, 2, 5, 4][Math.floor(rand() * 10)] : null,
          d.toISOString(),
        ],
      );
      await db.query(
        `INSERT INTO events (conversation_id, type, actor_kind, actor_user_id, created_at) VALUES ($1, 'taken_over', 'operator', $2, $3)`,
        [conversation, users[op], fr.toISOString()],
      );
      await db.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_user_id, text, status, created_at) VALUES ($1, $2, 'out', 'operator', $3, '…', 'read', $4)`,
        [conversation, ch, users[op], fr.toISOString()],
      );
    }
  }
  await db.query(
    `INSERT INTO canned_replies (shortcut, title, text) VALUES
       ('chao', 'Lời chào', 'Chào {ten}, em là tổng đài viên Tổng đài 1022 tỉnh Đồng Tháp. Em có thể hỗ trợ gì ạ?'),
       ('camon', 'Cảm ơn', 'Cám ơn anh/chị đã liên hệ Tổng đài 1022. Chúc anh/chị một ngày tốt lành!')`,
  );
}

/** Retries `fn` until it returns true (Jest has no expect.poll). */
async function until(fn: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('web console in Chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  const users: Record<string, string> = {};
  const shots = screenshotDir();
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `console-${name}.png`) });
  const pages = consolePages(() => browser);
  const { contexts, newPage: openPage } = pages;

  /** Saves a screenshot of every open page when a step fails, then rethrows. */
  async function onFailure<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      for (const [i, c] of contexts.entries())
        for (const p of c.pages())
          await p.screenshot({ path: path.join(shots, `console-failure-${name}-${i}.png`) }).catch(() => undefined);
      throw err;
    }
  }

  /** A browser scenario of at most two minutes; `name` tags the screenshots taken if it fails. */
  function scenario(name: string, title: string, body: () => Promise<void>): void {
    test(title, () => onFailure(name, body), 120_000);
  }

  // Reduced motion: charts and skeletons render their final state, so screenshots are stable.
  const newPage = (viewport = VIEWPORT, extra: BrowserContextOptions = {}) =>
    openPage({ viewport, acceptDownloads: true, reducedMotion: 'reduce', ...extra });

  const login = (page: Page, username: string, password = PASSWORD, screenshot?: string) =>
    signIn(page, t.url, username, password, screenshot ? () => shot(page, screenshot) : undefined);

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestGateway({ kind: 'postgres', env: { LIVECHAT_ENABLED: 'true' }, firstAdminMustChangePassword: true });
    const db = t.gw.ctx.db;
    const agency = async (c: string) => (await db.query<{ id: string }>('SELECT id FROM agencies WHERE code = $1', [c])).rows[0].id;
    for (const [key, u] of Object.entries({
      lan: { username: 'lan.nt', displayName: 'Nguyễn Thị Lan', role: 'operator' as const },
      khoa: { username: 'khoa.tm', displayName: 'Trần Minh Khoa', role: 'operator' as const },
      phuc: { username: 'phuc.lh', displayName: 'Lê Hoàng Phúc', role: 'supervisor' as const },
      thao: { username: 'thao.ntp', displayName: 'Nguyễn Thị Phương Thảo', role: 'admin' as const },
      xd: { username: 'xaydung', displayName: 'Phạm Văn Tài', role: 'agency' as const, agencyId: await agency('so_xay_dung') },
      tp: { username: 'tuphap', displayName: 'Võ Thị Hạnh', role: 'agency' as const, agencyId: await agency('so_tu_phap') },
    })) {
      users[key] = (await createUser(db, { ...u, password: PASSWORD })).id;
    }
    await seedShowcase(db, users);
    browser = await launchBrowser();
  }, 240_000);

  closeAfterSuite(pages, () => ({ browser, gateway: t }));
  afterEach(() => {
    expect(t.citizenApp.violations).toEqual([]);
  });

  scenario('operator', 'an operator sees a new escalation arrive live, takes over, replies; the citizen receives it', async () => {
    const page = await newPage();
    await login(page, 'lan.nt', PASSWORD, 'login');
    await page.waitForURL(/\/inbox$/);
    const waitingTab = page.getByRole('tab', { name: /^Chờ/ });
    await waitingTab.locator('.state-count').waitFor();
    const waitingBefore = Number(await waitingTab.locator('.state-count').textContent());
    await until(() => page.title().then((x) => x === `(${waitingBefore}) Cổng 1022`), 10_000, 'the title badge');

    // A citizen asks for an operator in the citizen app; the inbox updates without a reload.
    const citizen = 'u-console-e2e';
    await t
      .postCitizen(
        citizenMessage(citizen, 'Tôi muốn gặp tổng đài viên để trao đổi việc riêng', { name: 'Đặng Thị Thu Hà', phone: '0912345678' }),
      )
      .expect(200);
    const row = page.locator('.conv-row', { hasText: 'Đặng Thị Thu Hà' });
    await row.waitFor({ timeout: 20_000 });
    await until(
      () => page.title().then((x) => x === `(${waitingBefore + 1}) Cổng 1022`),
      10_000,
      'the title badge to count the new escalation',
    );
    expect(await row.locator('.chip', { hasText: 'Chờ tiếp nhận' }).count()).toBe(1);

    await row.click();
    await page.locator('.cv-name', { hasText: 'Đặng Thị Thu Hà' }).waitFor();
    await page.locator('.msg-in', { hasText: 'trao đổi việc riêng' }).waitFor();
    await page.locator('.cv-actions').getByRole('button', { name: 'Tiếp nhận' }).click();
    await page.locator('.cv-name .chip', { hasText: 'Đang xử lý' }).waitFor();

    // An internal note stays inside the console.
    const note = 'Người dân cần bản sao trích lục bản đồ địa chính — kiểm tra với Văn phòng đăng ký đất đai.';
    await page.getByRole('tab', { name: 'Ghi chú nội bộ' }).click();
    await page.getByLabel('Ghi chú nội bộ').fill(note);
    await page.getByLabel('Ghi chú nội bộ').press('Enter');
    await page.locator('.note-card', { hasText: 'trích lục bản đồ địa chính' }).waitFor();

    // The reply: Enter sends; the citizen app receives it.
    const reply =
      'Chào chị Hà, em là Lan ở Tổng đài 1022. Hồ sơ cấp Giấy chứng nhận nộp tại Văn phòng đăng ký đất đai, em gửi chị danh mục giấy tờ ngay ạ.';
    await page.getByRole('tab', { name: 'Trả lời' }).click();
    const box = page.getByLabel('Nội dung trả lời');
    await box.fill(reply);
    await box.press('Enter');
    await t.citizenApp.waitFor(() => t.citizenApp.to(citizen).some((m) => m.text === reply), 15_000, 'the operator reply');
    const bubble = page.locator('.msg-op', { hasText: 'Hồ sơ cấp Giấy chứng nhận' });
    await bubble.waitFor();
    await bubble
      .locator('.delivery[data-status="sent"], .delivery[data-status="delivered"], .delivery[data-status="read"]')
      .waitFor({ timeout: 15_000 });
    expect(await box.inputValue()).toBe('');
    expect(t.citizenApp.to(citizen).some((m) => m.text.includes('trích lục bản đồ'))).toBe(false);

    await page.mouse.move(0, 0);
    await page.locator('.toast').last().waitFor({ state: 'detached', timeout: 10_000 });
    await shot(page, 'inbox');
    await page.locator('.cv-side').screenshot({ path: path.join(shots, 'console-ticket-panel.png') });
  });

  scenario('supervisor', 'a supervisor sees the dashboard and exports XLSX with the right rows', async () => {
    const page = await newPage();
    await login(page, 'phuc.lh');
    await page.waitForURL(/\/dashboard$/);
    await page.locator('.kpi-value').first().waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await shot(page, 'dashboard');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Phiếu Excel' }).click()]);
    const file = path.join(shots, 'console-export.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).value).toBe('Mã phiếu');
    const exported = new Set<string>();
    for (let i = 2; i <= ws.rowCount; i++) {
      const v = ws.getRow(i).getCell(1).value;
      if (v) exported.add(String(v));
    }
    // The last 7 days in Vietnam time, as the dashboard shows them.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const to = new Date(`${today}T00:00:00+07:00`).getTime() + 86_400_000;
    const from = to - 7 * 86_400_000;
    const expected = await t.gw.ctx.db.query<{ code: string }>('SELECT code FROM tickets WHERE created_at >= $1 AND created_at < $2', [
      new Date(from).toISOString(),
      new Date(to).toISOString(),
    ]);
    expect(expected.rows.length).toBeGreaterThan(5);
    expect([...exported].sort()).toEqual(expected.rows.map((r) => r.code).sort());
    // Vietnamese labels, not internal codes: headers, statuses, channels, priorities, who created it; durations as h:mm.
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    expect(headers).toEqual(
      expect.arrayContaining(['Trạng thái', 'Kênh tiếp nhận', 'Mức độ', 'Tạo bởi', 'Thời gian đến phản hồi đầu (giờ:phút)']),
    );
    const column = (h: string) =>
      [...Array(ws.rowCount - 1).keys()].map((i) => ws.getRow(i + 2).getCell(headers.indexOf(h) + 1).value).filter((v) => v !== null);
    const labelled: [string, Record<string, string>][] = [
      ['Trạng thái', TICKET_STATUS_LABELS],
      ['Kênh tiếp nhận', CHANNEL_LABELS],
      ['Mức độ', PRIORITY_LABELS],
      ['Tạo bởi', ACTOR_LABELS],
    ];
    for (const [h, labels] of labelled) {
      const values = column(h);
      expect(values.length).toBeGreaterThan(5);
      for (const v of values) {
        expect(Object.values(labels)).toContain(v);
        expect(Object.keys(labels)).not.toContain(v);
      }
    }
    expect(column('Kênh tiếp nhận')).toEqual(expect.arrayContaining(['Zalo', 'e-DongThap']));
    const toFirst = headers.indexOf('Thời gian đến phản hồi đầu (giờ:phút)') + 1;
    const timed = [...Array(ws.rowCount - 1).keys()].map((i) => ws.getRow(i + 2).getCell(toFirst)).find((c) => c.value !== null)!;
    expect(timed.numFmt).toBe('[h]:mm');

    // "Tất cả trạng thái" on the tickets page stays chosen (it used to snap back to "Đang mở"), also after a reload.
    await page.goto(`${t.url}/tickets`);
    const statusSelect = page.locator('select[aria-label="Trạng thái"]');
    await statusSelect.selectOption('all');
    await page.waitForURL(/[?&]status=all\b/);
    await page.locator('.tickets-table').waitFor();
    expect(await statusSelect.inputValue()).toBe('all');
    await page.reload();
    await page.locator('.tickets-table').waitFor();
    expect(await page.locator('select[aria-label="Trạng thái"]').inputValue()).toBe('all');

    // The same dashboard on a phone.
    const phone = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await phone.goto(`${t.url}/`);
    await phone.evaluate((token) => localStorage.setItem('cong1022.token', token), (await t.login('phuc.lh', PASSWORD)).slice(7));
    await phone.goto(`${t.url}/dashboard`);
    await phone.locator('.kpi-value').first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone, 'dashboard-phone');
  });

  scenario(
    'admin',
    "an admin changes the first password, edits a procedure with a live preview, and the bot's next answer shows the change",
    async () => {
      const page = await newPage();
      await login(page, 'admin', 'admin-password-1');
      await page.locator('.auth-h1', { hasText: 'Đổi mật khẩu' }).waitFor();
      await page.getByLabel('Mật khẩu hiện tại').fill('admin-password-1');
      await page.getByLabel('Mật khẩu mới', { exact: true }).fill('quan-tri-1022-moi');
      await page.getByLabel('Nhập lại mật khẩu mới').fill('quan-tri-1022-moi');
      await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
      await page.locator('.toast', { hasText: 'Đã đổi mật khẩu' }).waitFor();
      await page.locator('.shell .kpi-value').first().waitFor();

      await page.goto(`${t.url}/kb/tt_khai_sinh`);
      const summary = page.getByLabel('Tóm tắt');
      await summary.waitFor();
      const marker = 'Từ tháng này, cha mẹ có thể nhận bản điện tử giấy khai sinh qua VNeID.';
      // The short answer opens with the summary's first sentence: put the news first.
      await summary.fill(`${marker} ${(await summary.inputValue()).trim()}`);
      await page.locator('.preview-body .phone-bubble', { hasText: 'bản điện tử giấy khai sinh' }).first().waitFor({ timeout: 15_000 });
      await page.locator('.kb-form-head .chip', { hasText: 'Chưa lưu' }).waitFor();
      await shot(page, 'kb-editor');
      await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
      await page.locator('.toast', { hasText: 'Đã lưu phiên bản 2' }).waitFor();

      // Version history with the diff.
      await page.getByRole('button', { name: 'Lịch sử' }).click();
      await page
        .locator('.versions li.current', { hasText: 'v2' })
        .locator('.diff-after', { hasText: 'bản điện tử giấy khai sinh' })
        .waitFor();
      await page.keyboard.press('Escape');

      // The bot uses the new text within seconds.
      const citizen = 'u-console-kb';
      let sent = 0;
      await until(
        async () => {
          if (t.citizenApp.to(citizen).some((m) => m.text.includes('bản điện tử giấy khai sinh'))) return true;
          if (sent === 0 || t.citizenApp.to(citizen).filter((m) => /khai sinh/i.test(m.text)).length >= sent) {
            sent++;
            // A general question: its answer is the overview, which opens with the summary (a question about documents leads with them).
            await t.postCitizen(citizenMessage(citizen, 'Cho em hỏi về thủ tục đăng ký khai sinh cho con ạ')).expect(200);
          }
          return false;
        },
        30_000,
        "the bot's answer with the edited summary",
      );

      // Another admin saves the same procedure while this one has unsaved edits: warned at once, with who and which version.
      await summary.fill(`${(await summary.inputValue()).trim()} Bản nháp chưa lưu.`);
      await page.locator('.kb-form-head .chip', { hasText: 'Chưa lưu' }).waitFor();
      const other = await t.login('thao.ntp', PASSWORD);
      const current = (await request(t.app).get('/api/kb/procedures/tt_khai_sinh').set('authorization', other).expect(200)).body;
      await request(t.app)
        .put('/api/kb/procedures/tt_khai_sinh')
        .set('authorization', other)
        .send({
          procedure: { ...current.procedure, notes: [...(current.procedure.notes ?? []), 'Ghi chú do quản trị viên thứ hai thêm.'] },
          baseVersion: current.version,
        })
        .expect(200);
      await page
        .locator('.banner-danger', { hasText: `Nguyễn Thị Phương Thảo vừa lưu phiên bản ${current.version + 1}` })
        .waitFor({ timeout: 10_000 });
      await shot(page, 'kb-conflict');
      await page.getByRole('button', { name: 'Tải bản mới nhất' }).click();
      await page.locator('.kb-form-head', { hasText: `Phiên bản ${current.version + 1}` }).waitFor();
      expect(await page.locator('.kb-form-head .chip', { hasText: 'Chưa lưu' }).count()).toBe(0);
    },
  );

  scenario('failed', 'an operator finds a reply that failed for good and re-sends it; the citizen receives it', async () => {
    t.citizenApp.alwaysFail = 503;
    await t.postCitizen(citizenMessage('u-failed-page', 'cho hỏi làm căn cước ở đâu')).expect(200);
    await until(
      async () => (await t.gw.ctx.db.query(`SELECT 1 FROM messages WHERE status = 'failed' AND purpose = 'receipt'`)).rowCount > 0,
      15_000,
      'a failed receipt',
    );
    t.citizenApp.alwaysFail = null;
    const page = await newPage();
    await login(page, 'lan.nt');
    await page.getByRole('link', { name: 'Tin gửi lỗi' }).click();
    const failedReceipts = page.locator('tr', { hasText: 'HTTP 503' }).filter({ hasText: 'Tin báo nhận' });
    const row = failedReceipts.first();
    await row.waitFor();
    await shot(page, 'failed-deliveries');
    await row.getByRole('button', { name: 'Gửi lại' }).click();
    await t.citizenApp.waitFor(
      () => t.citizenApp.to('u-failed-page').some((m) => m.text.startsWith('Tổng đài')),
      15_000,
      'the re-sent receipt',
    );
    await until(async () => (await failedReceipts.count()) === 0, 15_000, 'the re-sent receipt to leave the list');
  });

  scenario('agency', "an agency user sees only its agency's tickets", async () => {
    const staff = await t.login('lan.nt', PASSWORD);
    const create = async (agency: string, title: string) =>
      (
        await request(t.app)
          .post('/api/tickets')
          .set('authorization', staff)
          .send({
            channel: 'phone',
            title,
            content: `${title}. Người dân gọi 1022 phản ánh.`,
            agency,
            callerName: 'Lý Văn Bảy',
            callerPhone: '0939111222',
            field: agency === 'so_xay_dung' ? 'ha_tang_giao_thong' : 'tu_phap',
          })
          .expect(201)
      ).body.code as string;
    const mine = await create('so_xay_dung', 'Ổ gà lớn trên cầu Đình Trung');
    const theirs = await create('so_tu_phap', 'Chậm cấp lý lịch tư pháp');

    const page = await newPage();
    await login(page, 'xaydung');
    await page.waitForURL(/\/tickets$/);
    await page.locator('.tickets-table').waitFor();
    await page.locator('.tickets-table tr', { hasText: mine }).waitFor();
    expect(await page.locator('.tickets-table tr', { hasText: theirs }).count()).toBe(0);
    expect(await page.locator('.nav-item').allTextContents()).toEqual(['Phiếu được chuyển', 'Tài khoản']);
    await shot(page, 'agency-tickets');

    // Searching or opening the other agency's ticket shows nothing.
    await page.getByLabel('Tìm phiếu').fill(theirs);
    await page
      .locator('.empty-title', { hasText: 'Chưa có phiếu nào được chuyển đến' })
      .or(page.locator('.empty-title', { hasText: 'Không có phiếu phù hợp' }))
      .waitFor();
    await page.goto(`${t.url}/tickets/${theirs}`);
    await page.locator('.empty-title', { hasText: 'Không tìm thấy phiếu' }).waitFor();
    const status = await page.evaluate(
      async (code) =>
        (await fetch(`/api/tickets/${code}`, { headers: { authorization: `Bearer ${localStorage.getItem('cong1022.token')}` } })).status,
      theirs,
    );
    expect([403, 404]).toContain(status);

    await page.goto(`${t.url}/tickets/${mine}`);
    await page.locator('h1', { hasText: 'Ổ gà lớn trên cầu Đình Trung' }).waitFor();
    await page.getByLabel('Nội dung trả lời').waitFor();
    // The reply box is in view without scrolling.
    const replyBox = await page.getByLabel('Nội dung trả lời').boundingBox();
    expect(replyBox!.y + 40).toBeLessThan(VIEWPORT.height);
    await shot(page, 'agency-ticket');
  });

  scenario(
    'live',
    "live: a live-chat citizen's typing shows in the conversation, the operator's reaches the widget; an admin's new canned reply and a password reset reach an open console",
    async () => {
      // A visitor on the province's site asks for an operator.
      const visitor = await connectVisitor(t.url);
      try {
        await visitor.socket.timeout(5000).emitWithAck('message', { clientId: 'c1', text: 'Cho tôi gặp tổng đài viên' } as never);
        let conversationId = '';
        await until(
          async () => {
            const r = await t.gw.ctx.db.query<{ id: string }>(
              `SELECT id FROM conversations WHERE channel = 'livechat' AND external_user_id = $1 AND state = 'waiting'`,
              [visitor.session.visitorId],
            );
            conversationId = r.rows[0]?.id ?? '';
            return !!conversationId;
          },
          20_000,
          'the live-chat escalation',
        );

        const page = await newPage();
        await login(page, 'khoa.tm');
        await page.waitForURL(/\/inbox$/);
        await page.goto(`${t.url}/inbox/${conversationId}`);
        await page.locator('.msg-in', { hasText: 'Cho tôi gặp tổng đài viên' }).waitFor();
        await page.locator('.cv-actions').getByRole('button', { name: 'Tiếp nhận' }).click();
        await page.locator('.cv-name .chip', { hasText: 'Đang xử lý' }).waitFor();

        // The citizen types, then stops.
        visitor.socket.emit('typing', { on: true } as never);
        await page.locator('.typing-note', { hasText: 'Người dân đang soạn tin…' }).waitFor();
        await shot(page, 'citizen-typing');
        visitor.socket.emit('typing', { on: false } as never);
        await page.locator('.typing-note').waitFor({ state: 'detached' });

        // The operator types: the widget shows her name.
        await page.getByLabel('Nội dung trả lời').pressSequentially('Chào anh', { delay: 20 });
        await until(
          () =>
            visitor.received.some((r) => r.event === 'typing' && (r.payload as { authorName?: string }).authorName === 'Trần Minh Khoa'),
          10_000,
          "the operator's typing in the widget",
        );

        // An admin adds a canned reply elsewhere: this open composer offers it without a reload.
        const admin = await t.login('admin', 'quan-tri-1022-moi');
        await request(t.app)
          .post('/api/canned-replies')
          .set('authorization', admin)
          .send({ shortcut: 'giohc', title: 'Giờ hành chính', text: 'Tổng đài viên làm việc từ 7 giờ đến 17 giờ các ngày làm việc.' })
          .expect(201);
        const box = page.getByLabel('Nội dung trả lời');
        await box.fill('/giohc');
        await page.locator('.canned-pop', { hasText: 'Giờ hành chính' }).waitFor({ timeout: 10_000 });
        await box.fill('');

        // The admin resets this operator's password: the open console signs out at once.
        await request(t.app).post(`/api/users/${users.khoa}/reset-password`).set('authorization', admin).expect(200);
        await page.getByLabel('Tên đăng nhập').waitFor({ timeout: 10_000 });
        await page.locator('.toast', { hasText: 'Phiên đăng nhập đã hết hạn' }).waitFor();
      } finally {
        visitor.socket.disconnect();
      }
    },
  );

  scenario('reconnect', 'a console that loses its live connection says so, then catches up on what it missed once back', async () => {
    const page = await newPage();
    // The test cuts the console's WebSocket and refuses new ones until it lets them through again.
    await page.addInitScript(() => {
      const w = window as unknown as { __cut: boolean; __sockets: WebSocket[] };
      const Native = window.WebSocket;
      w.__cut = false;
      w.__sockets = [];
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(w.__cut ? 'ws://127.0.0.1:9/' : url, protocols);
          w.__sockets.push(this);
        }
      };
    });
    const cut = (on: boolean) =>
      page.evaluate((on) => {
        const w = window as unknown as { __cut: boolean; __sockets: WebSocket[] };
        w.__cut = on;
        if (on) for (const s of w.__sockets) s.close();
      }, on);
    await t.postCitizen(citizenMessage('u-reconnect-1', 'Cho tôi gặp tổng đài viên về hồ sơ đất đai', { name: 'Lâm Văn Hậu' })).expect(200);
    await login(page, 'lan.nt');
    await page.waitForURL(/\/inbox$/);
    await page.locator('.conv-row', { hasText: 'Lâm Văn Hậu' }).click();
    await page.locator('.msg-in', { hasText: 'hồ sơ đất đai' }).waitFor();
    await page.locator('.live-dot.live-online').waitFor();

    await cut(true);
    const banner = page.getByRole('status').filter({ hasText: 'Mất kết nối trực tiếp với máy chủ' });
    await banner.waitFor({ timeout: 10_000 });
    // While offline: the open conversation's citizen writes again and another citizen asks for an operator.
    await t
      .postCitizen(citizenMessage('u-reconnect-1', 'Tôi bổ sung: thửa đất số 125, tờ bản đồ số 7', { name: 'Lâm Văn Hậu' }))
      .expect(200);
    await t.postCitizen(citizenMessage('u-reconnect-2', 'Tôi muốn gặp tổng đài viên', { name: 'Cao Thị Bích' })).expect(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await page.locator('.msg-in', { hasText: 'thửa đất số 125' }).count()).toBe(0);
    expect(await page.locator('.conv-row', { hasText: 'Cao Thị Bích' }).count()).toBe(0);

    await cut(false);
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    await page.locator('.msg-in', { hasText: 'thửa đất số 125' }).waitFor({ timeout: 10_000 });
    await page.locator('.conv-row', { hasText: 'Cao Thị Bích' }).waitFor({ timeout: 10_000 });
  });
  scenario(
    'forward',
    "an operator on a browser far from Vietnam finds an agency by search and sets a deadline in Vietnam time; the agency's open console rings its bell",
    async () => {
      const staff = await t.login('lan.nt', PASSWORD);
      const code = (
        await request(t.app)
          .post('/api/tickets')
          .set('authorization', staff)
          .send({
            channel: 'phone',
            title: 'Đèn chiếu sáng hỏng trên đường Nguyễn Huệ',
            content: 'Người dân gọi 1022: đèn đường hỏng cả tuần, buổi tối rất tối.',
            callerName: 'Trịnh Văn Lộc',
            callerPhone: '0939555666',
            field: 'ha_tang_giao_thong',
          })
          .expect(201)
      ).body.code as string;

      // The agency's focal point has the console open.
      const agencyPage = await newPage();
      await login(agencyPage, 'xaydung');
      await agencyPage.waitForURL(/\/tickets$/);
      const bell = agencyPage.getByRole('button', { name: /^Thông báo/ });
      await bell.waitFor();
      const unreadBefore = Number((await bell.getAttribute('aria-label'))?.match(/\((\d+) chưa đọc\)/)?.[1] ?? 0);

      // The operator's browser runs on New York time (UTC-5 in May): the deadline is still read on Vietnam's clock.
      const page = await newPage(VIEWPORT, { timezoneId: 'America/New_York' });
      await login(page, 'lan.nt');
      await page.goto(`${t.url}/tickets/${code}`);
      await page.getByRole('button', { name: 'Chuyển cơ quan' }).click();
      const dialog = page.getByRole('dialog');
      // 134 agencies: a search without diacritics narrows the list.
      const picker = dialog.getByRole('combobox', { name: 'Cơ quan xử lý' });
      const allOptions = await picker.locator('option').count();
      await dialog.getByLabel('Tìm cơ quan xử lý').fill('xay dung');
      await until(async () => (await picker.locator('option').count()) < allOptions / 4, 5_000, 'the agency list to narrow');
      expect(await picker.locator('option').allTextContents()).toContain('Sở Xây dựng tỉnh Đồng Tháp');
      await picker.selectOption({ label: 'Sở Xây dựng tỉnh Đồng Tháp' });
      await dialog.locator('input.date-input-native').fill('2030-05-20T14:30', { force: true });
      await dialog.getByRole('button', { name: 'Hạn trả lời: 14:30 20/05/2030' }).waitFor();
      await shot(page, 'forward-dialog');
      await dialog.getByRole('button', { name: 'Chuyển cơ quan' }).click();
      await page.locator('.toast', { hasText: `Đã chuyển phiếu ${code} đến Sở Xây dựng tỉnh Đồng Tháp` }).waitFor();
      const saved = await t.gw.ctx.db.query<{ due_at: Date; agency: string }>(
        'SELECT t.due_at, a.code AS agency FROM tickets t JOIN agencies a ON a.id = t.agency_id WHERE t.code = $1',
        [code],
      );
      expect(saved.rows[0].agency).toBe('so_xay_dung');
      expect(new Date(saved.rows[0].due_at).toISOString()).toBe('2030-05-20T07:30:00.000Z'); // 14:30 in Vietnam

      // The bell of the open agency console counts it without a reload, and leads to the ticket.
      await until(
        async () => (await bell.getAttribute('aria-label')) === `Thông báo (${unreadBefore + 1} chưa đọc)`,
        15_000,
        'the bell to ring',
      );
      await bell.click();
      const item = agencyPage.getByRole('menuitem').filter({ hasText: code });
      expect(await item.textContent()).toContain('Phiếu mới chuyển đến');
      expect(await item.textContent()).toContain('hạn 14:30 20/05/2030');
      await shot(agencyPage, 'agency-bell');
      await item.click();
      await agencyPage.locator('h1', { hasText: 'Đèn chiếu sáng hỏng trên đường Nguyễn Huệ' }).waitFor();
    },
  );

  scenario('channels', 'an admin sees each channel with what is missing, tests one, and copies the widget snippet', async () => {
    const page = await newPage(VIEWPORT, { permissions: ['clipboard-read', 'clipboard-write'] });
    await login(page, 'thao.ntp');
    await page.locator('.shell').waitFor();
    await page.getByRole('link', { name: 'Kênh kết nối' }).click();
    await page.waitForURL(/\/channels$/);
    const card = (channel: string) => page.locator(`.channel-card.channel-${channel}`);
    await card('zalo').waitFor();
    expect(await card('zalo').textContent()).toContain('Chưa cấu hình');
    expect(await card('zalo').textContent()).toContain('Thiếu biến cấu hình: ZALO_APP_ID, ZALO_APP_SECRET');
    expect(await card('phone').textContent()).toContain('Không có phép kiểm tra.');
    const edt = card('edongthap');
    expect(await edt.textContent()).toContain('Đang bật');
    expect(await edt.textContent()).toContain('Gửi thành công gần nhất');
    await edt.getByRole('button', { name: 'Kiểm tra' }).click();
    await edt.locator('.alert-ok', { hasText: 'Kết nối tốt.' }).waitFor();
    t.citizenApp.violations.length = 0; // the check is a HEAD request, outside the callback contract

    const snippet = await card('livechat').getByLabel('Mã nhúng khung chat').textContent();
    expect(snippet).toBe(`<script src="${t.url}/widget.js" data-title="Tổng đài 1022" async></script>`);
    await card('livechat').getByRole('button', { name: 'Sao chép' }).click();
    await page.locator('.toast', { hasText: 'Đã sao chép mã nhúng' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
    await shot(page, 'channels');
  });
});

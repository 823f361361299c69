/**
 * `npm run seed:tickets -- --count 200000 [--days 365]`: fills the configured database
 * (DATABASE_URL, or PGlite under DATA_DIR) with a realistic year of hotline traffic, fast, with
 * set-based SQL (`INSERT … SELECT … FROM generate_series`), never row by row:
 *
 * - conversations on every channel (Zalo most, then Messenger, the citizen app, live chat, e-mail),
 *   more in office hours; about 40 % resolved by the bot, the others escalated to a ticket;
 * - phone-call tickets without a conversation (10 % of tickets);
 * - contacts (some citizens come back), identities, messages (citizen questions, receipts, bot
 *   answers, operator replies with delivery status), and the processing-log events;
 * - tickets across fields, agencies and operators, with statuses, due times, first-response and
 *   closing times and CSAT consistent with their age.
 *
 * Migrations run first; the knowledge base (fields, agencies) is seeded from KNOWLEDGE_DIR when the
 * tables are empty; 12 operators `seed-op-01…12` (password `seed-password-1`) are created if missing.
 */
import 'dotenv/config';
import { resolve } from 'node:path';
import { ensureFirstAdmin, hashPassword } from '../src/auth/passwords';
import { loadConfig } from '../src/config';
import { openDatabase, type Database } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { bulkLoadHistory } from '../src/store/stats-rollup';
import { seedKnowledge } from '../src/knowledge/seed';
import { readKnowledge } from '../src/knowledge/read-files';
import { loadTrainingData } from '../src/nlu';

/** Options of a seeding run. */
export interface SeedOptions {
  /** Tickets to create (default: 200,000). */
  count: number;
  /** Spread over this many days before now (default: 365). */
  days: number;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
}

/** What a run created. */
export interface SeedSummary {
  tickets: number;
  conversations: number;
  contacts: number;
  messages: number;
  events: number;
  ms: number;
}

const QUESTIONS = [
  'Cho em hỏi làm giấy khai sinh cho con cần giấy tờ gì ạ',
  'Thủ tục đăng ký kết hôn ở xã cần mang theo gì',
  'Tôi muốn hỏi về cấp đổi căn cước cho người trên 60 tuổi',
  'Xin hỏi đăng ký thường trú online trên VNeID thế nào',
  'Đường trước nhà tôi bị ngập nước nhiều ngày chưa ai xử lý',
  'Phản ánh đèn đường ở khóm 3 bị hư cả tháng nay',
  'Cho hỏi lệ phí cấp sổ đỏ lần đầu là bao nhiêu',
  'Hồ sơ xin giấy phép xây dựng nhà ở riêng lẻ gồm những gì',
  'Làm sao tra cứu tình trạng hồ sơ đã nộp trên cổng dịch vụ công',
  'Tôi muốn rút bảo hiểm xã hội một lần thì làm ở đâu',
  'Thẻ bảo hiểm y tế của con tôi hết hạn, gia hạn thế nào',
  'Đổi giấy phép lái xe hạng B2 sang thẻ PET cần gì',
  'Khu dân cư có người đổ rác thải bừa bãi ra kênh',
  'Cán bộ tiếp nhận hồ sơ thái độ không đúng mực',
  'Xin hỏi chứng thực bản sao giấy tờ ở đâu nhanh nhất',
  'Tôi cần gặp tổng đài viên để hỏi việc riêng',
  'Đăng ký hộ kinh doanh cá thể cần những giấy tờ nào',
  'Trợ cấp thất nghiệp nộp hồ sơ trong bao lâu sau khi nghỉ việc',
  'Hỏi thủ tục cấp lý lịch tư pháp số 1',
  'Có người lấn chiếm vỉa hè bán hàng gây cản trở giao thông',
];
const SURNAMES = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Huỳnh',
  'Hoàng',
  'Võ',
  'Phan',
  'Trương',
  'Bùi',
  'Đặng',
  'Đỗ',
  'Ngô',
  'Hồ',
  'Dương',
  'Lý',
];
const MIDDLES = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hữu', 'Thu', 'Quốc', 'Hoàng', 'Kim'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Em',
  'Giang',
  'Hoa',
  'Hùng',
  'Lan',
  'Linh',
  'Mai',
  'Nam',
  'Phúc',
  'Quang',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Tuấn',
  'Vy',
  'Yến',
  'Khoa',
  'Hạnh',
  'Phát',
];
const OPERATOR_NAMES = ['Lan', 'Hùng', 'Mai', 'Tuấn', 'Thảo', 'Phúc', 'Ngọc', 'Khoa', 'Trang', 'Nam', 'Yến', 'Sơn'];

const sqlArray = (xs: string[]) => `(ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]::text[])`;

/** Seeds `count` tickets and their traffic into an already migrated database with fields, agencies and users; rebuilds the dashboard's roll-ups. */
export async function seedTickets(db: Database, opts: SeedOptions): Promise<SeedSummary> {
  const log = opts.log ?? ((l: string) => console.log(l));
  let t0 = 0;
  const summary = await bulkLoadHistory(db, async () => {
    const s = await insertHistory(db, opts, log);
    t0 = performance.now();
    return s;
  });
  log(`  daily roll-ups rebuilt: ${Math.round(performance.now() - t0)} ms`);
  return summary;
}

async function insertHistory(db: Database, opts: SeedOptions, log: (line: string) => void): Promise<SeedSummary> {
  const started = performance.now();
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const r = await db.query(sql, params);
    log(`  ${what}: ${r.rowCount ? `${r.rowCount} rows, ` : ''}${Math.round(performance.now() - t0)} ms`);
    return r.rowCount;
  };

  const fields = (await db.query<{ code: string }>('SELECT code FROM fields ORDER BY sort')).rows.map((r) => r.code);
  const agencies = (await db.query<{ id: string }>(`SELECT id FROM agencies WHERE active ORDER BY kind, code LIMIT 60`)).rows.map(
    (r) => r.id,
  );
  if (fields.length === 0 || agencies.length === 0) throw new Error('seed the knowledge base first (fields and agencies are empty)');
  const pw = await hashPassword('seed-password-1');
  for (let i = 0; i < OPERATOR_NAMES.length; i++) {
    await db.query(
      `INSERT INTO users (username, display_name, password_hash, role) VALUES ($1, $2, $3, 'operator') ON CONFLICT (username) DO NOTHING`,
      [`seed-op-${String(i + 1).padStart(2, '0')}`, `Tổng đài viên ${OPERATOR_NAMES[i]}`, pw],
    );
  }
  const operators = (await db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'operator' AND active ORDER BY username`)).rows.map(
    (r) => r.id,
  );

  const tickets = opts.count;
  const ticketConvs = Math.round(tickets * 0.9);
  const phoneTickets = tickets - ticketConvs;
  const botConvs = Math.round(ticketConvs * 0.66); // ~40 % of conversations resolved by the bot
  const convs = ticketConvs + botConvs;
  const contacts = Math.round((convs + phoneTickets) * 0.8);
  const tag = `s${Date.now().toString(36)}`;
  log(
    `seeding ${tickets} tickets: ${convs} conversations (${botConvs} bot-only), ${phoneTickets} phone calls, ${contacts} contacts, over ${opts.days} days`,
  );

  await db.query('DROP TABLE IF EXISTS seed_c');
  await db.query('DROP TABLE IF EXISTS seed_t');
  // One row per conversation: its channel, time (more in office hours, Vietnam time) and whether it escalated.
  await step(
    'plan conversations',
    `CREATE TEMP TABLE seed_c AS
     SELECT n, gen_random_uuid() AS conv_id, gen_random_uuid() AS identity_id,
            (1 + (n::bigint * 7919) % $3::int)::int AS contact_n,
            CASE WHEN r1 < 0.45 THEN 'zalo' WHEN r1 < 0.70 THEN 'facebook' WHEN r1 < 0.85 THEN 'edongthap' WHEN r1 < 0.95 THEN 'livechat' ELSE 'email' END AS channel,
            LEAST(now() - interval '2 minutes',
                  ((date_trunc('day', (now() - random() * ($4::int * interval '1 day')) AT TIME ZONE 'Asia/Ho_Chi_Minh')
                    + CASE WHEN random() < 0.8 THEN 7 + floor(random() * 10) ELSE floor(random() * 24) END * interval '1 hour'
                    + random() * interval '59 minutes') AT TIME ZONE 'Asia/Ho_Chi_Minh')) AS created_at,
            n <= $2::int AS has_ticket,
            1 + floor(random() * ${QUESTIONS.length})::int AS q
     FROM (SELECT n, random() AS r1 FROM generate_series(1, $1::int) n) g`,
    [convs, ticketConvs, contacts, opts.days],
  );
  // One row per ticket: the escalated conversations, then the phone calls.
  await step(
    'plan tickets',
    `CREATE TEMP TABLE seed_t AS
     SELECT x.*,
            CASE WHEN r_pr < 0.02 THEN 'urgent' WHEN r_pr < 0.12 THEN 'high' WHEN r_pr < 0.20 THEN 'low' ELSE 'normal' END AS priority,
            (${sqlArray(fields)})[1 + floor(random() * ${fields.length})::int] AS field,
            CASE WHEN random() < 0.55 THEN (${sqlArray(agencies)}::uuid[])[1 + floor(random() * ${agencies.length})::int] END AS agency_id,
            CASE WHEN random() < 0.88 THEN (${sqlArray(operators)}::uuid[])[1 + floor(random() * ${operators.length})::int] END AS assignee_id,
            random() AS r_status, random() AS r_time, random() AS r_csat
     FROM (
       SELECT c.conv_id, c.identity_id, c.contact_n, c.channel, c.created_at, c.q, random() AS r_pr FROM seed_c c WHERE c.has_ticket
       UNION ALL
       SELECT NULL, NULL, (1 + (n::bigint * 104729) % $1::int)::int, 'phone',
              LEAST(now() - interval '2 minutes', ((date_trunc('day', (now() - random() * ($3::int * interval '1 day')) AT TIME ZONE 'Asia/Ho_Chi_Minh')
                + (7 + floor(random() * 10)) * interval '1 hour' + random() * interval '59 minutes') AT TIME ZONE 'Asia/Ho_Chi_Minh')),
              1 + floor(random() * ${QUESTIONS.length})::int, random()
       FROM generate_series(1, $2::int) n) x`,
    [contacts, phoneTickets, opts.days],
  );
  await db.query(`ALTER TABLE seed_t ADD COLUMN id uuid DEFAULT gen_random_uuid()`);
  await db.query(
    `ALTER TABLE seed_t ADD COLUMN status text, ADD COLUMN due_at timestamptz,
       ADD COLUMN first_response_at timestamptz, ADD COLUMN answered_at timestamptz, ADD COLUMN closed_at timestamptz, ADD COLUMN csat smallint, ADD COLUMN code text`,
  );
  // Statuses, times and scores consistent with the age of each ticket.
  await step(
    'derive ticket fields',
    `UPDATE seed_t SET
       due_at = created_at + CASE priority WHEN 'urgent' THEN interval '4 hours' WHEN 'high' THEN interval '24 hours' WHEN 'low' THEN interval '120 hours' ELSE interval '72 hours' END,
       status = CASE
         WHEN created_at < now() - interval '14 days' THEN CASE WHEN r_status < 0.93 THEN 'closed' WHEN r_status < 0.97 THEN 'answered' ELSE 'forwarded' END
         WHEN created_at < now() - interval '2 days' THEN CASE WHEN r_status < 0.6 THEN 'closed' WHEN r_status < 0.75 THEN 'answered' WHEN r_status < 0.9 THEN 'forwarded' ELSE 'in_progress' END
         ELSE CASE WHEN r_status < 0.25 THEN 'new' WHEN r_status < 0.4 THEN 'assigned' WHEN r_status < 0.6 THEN 'in_progress' WHEN r_status < 0.75 THEN 'forwarded' WHEN r_status < 0.85 THEN 'answered' ELSE 'closed' END
       END`,
  );
  await step(
    'derive ticket times',
    `UPDATE seed_t SET
       assignee_id = CASE WHEN status = 'new' THEN NULL ELSE assignee_id END,
       status = CASE WHEN status = 'forwarded' AND agency_id IS NULL THEN 'in_progress' ELSE status END,
       first_response_at = CASE WHEN status NOT IN ('new', 'assigned') OR r_time < 0.3
         THEN LEAST(now() - interval '1 minute', created_at + (2 + r_time * r_time * 600) * interval '1 minute') END,
       answered_at = CASE WHEN status IN ('answered', 'closed') THEN LEAST(now() - interval '1 minute', created_at + (0.5 + r_time * r_time * 120) * interval '1 hour') END,
       closed_at = CASE WHEN status = 'closed' THEN LEAST(now() - interval '1 minute', created_at + (1 + r_time * r_time * 200) * interval '1 hour') END,
       csat = CASE WHEN status = 'closed' AND r_csat < 0.35 THEN CASE WHEN r_csat < 0.02 THEN 1 WHEN r_csat < 0.04 THEN 2 WHEN r_csat < 0.08 THEN 3 WHEN r_csat < 0.17 THEN 4 ELSE 5 END END`,
  );
  // Codes 1022-YYYY-NNNNNN continue each year's counter.
  await step(
    'number tickets',
    `UPDATE seed_t s SET code = '1022-' || y.yr || '-' || lpad((COALESCE(tc.last, 0) + y.rn)::text, 6, '0')
     FROM (SELECT id, extract(year FROM created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int AS yr,
                  row_number() OVER (PARTITION BY extract(year FROM created_at AT TIME ZONE 'Asia/Ho_Chi_Minh') ORDER BY created_at, id) AS rn FROM seed_t) y
     LEFT JOIN ticket_counters tc ON tc.year = y.yr
     WHERE s.id = y.id`,
  );
  await db.query(
    `INSERT INTO ticket_counters (year, last)
     SELECT yr, max(n) FROM (SELECT split_part(code, '-', 2)::int AS yr, split_part(code, '-', 3)::int AS n FROM seed_t) x GROUP BY yr
     ON CONFLICT (year) DO UPDATE SET last = GREATEST(ticket_counters.last, EXCLUDED.last)`,
  );

  // Contacts: planned with their ids first, so that conversations and tickets can refer to them.
  await db.query('DROP TABLE IF EXISTS seed_k');
  await step(
    'plan contacts',
    `CREATE TEMP TABLE seed_k AS
     SELECT n, gen_random_uuid() AS id,
            (${sqlArray(SURNAMES)})[1 + n % ${SURNAMES.length}] || ' ' || (${sqlArray(MIDDLES)})[1 + (n / 7) % ${MIDDLES.length}] || ' ' || (${sqlArray(GIVEN)})[1 + (n / 3) % ${GIVEN.length}] AS display_name,
            CASE WHEN n % 10 < 7 THEN '09' || lpad(((n::bigint * 48271) % 100000000)::text, 8, '0') END AS phone,
            CASE WHEN n % 10 = 9 THEN 'congdan.${tag}.' || n || '@example.vn' END AS email
     FROM generate_series(1, $1::int) n`,
    [contacts],
  );
  await db.query('CREATE INDEX ON seed_k (n)');
  const contactCount = await step(
    'contacts',
    `INSERT INTO contacts (id, display_name, phone, email, created_at) SELECT id, display_name, phone, email, now() - interval '400 days' FROM seed_k`,
  );
  await step(
    'identities',
    `INSERT INTO contact_identities (id, contact_id, channel, external_id, display_name, followed, last_interaction_at, created_at)
     SELECT c.identity_id, k.id, c.channel,
            CASE WHEN c.channel = 'email' THEN 'u${tag}-' || c.n || '@example.vn' ELSE '${tag}-' || c.n END,
            k.display_name, CASE WHEN c.channel = 'zalo' THEN true END, c.created_at + interval '30 seconds', c.created_at
     FROM seed_c c JOIN seed_k k ON k.n = c.contact_n`,
  );
  await step(
    'conversations',
    `INSERT INTO conversations (id, contact_id, identity_id, channel, external_user_id, state, assignee_id, subject, last_inbound_at, last_message_at, created_at, closed_at)
     SELECT c.conv_id, k.id, c.identity_id, c.channel,
            CASE WHEN c.channel = 'email' THEN 'u${tag}-' || c.n || '@example.vn' ELSE '${tag}-' || c.n END,
            CASE WHEN t.status IS NULL THEN (CASE WHEN c.created_at > now() - interval '1 hour' THEN 'bot' ELSE 'closed' END)
                 WHEN t.status IN ('closed', 'answered') THEN 'closed'
                 WHEN t.status = 'new' THEN 'waiting' ELSE 'operator' END,
            CASE WHEN t.status IS NOT NULL AND t.status NOT IN ('closed', 'answered', 'new') THEN t.assignee_id END,
            CASE WHEN c.channel = 'email' THEN left(${sqlArray(QUESTIONS)}[c.q], 60) END,
            c.created_at + interval '30 seconds',
            GREATEST(c.created_at + interval '30 seconds', COALESCE(t.first_response_at, c.created_at)),
            c.created_at,
            CASE WHEN t.status IS NULL AND c.created_at <= now() - interval '1 hour' THEN c.created_at + interval '10 minutes'
                 WHEN t.status IN ('closed', 'answered') THEN COALESCE(t.closed_at, t.answered_at) END
     FROM seed_c c JOIN seed_k k ON k.n = c.contact_n LEFT JOIN seed_t t ON t.conv_id = c.conv_id`,
  );
  const ticketCount = await step(
    'tickets',
    `INSERT INTO tickets (id, code, status, channel, field, agency_id, assignee_id, priority, intent, title, content, resolution, contact_id, conversation_id,
                          created_by, created_by_user_id, caller_name, caller_phone, due_at, first_response_at, answered_at, closed_at, csat, created_at, updated_at)
     SELECT t.id, t.code, t.status, t.channel, t.field, t.agency_id, t.assignee_id, t.priority,
            CASE WHEN t.channel = 'phone' THEN NULL ELSE 'gap_tong_dai_vien' END,
            left(${sqlArray(QUESTIONS)}[t.q], 90), ${sqlArray(QUESTIONS)}[t.q],
            CASE WHEN t.status = 'closed' THEN 'Đã hướng dẫn công dân' END,
            k.id, t.conv_id, CASE WHEN t.channel = 'phone' THEN 'operator' ELSE 'bot' END,
            CASE WHEN t.channel = 'phone' THEN t.assignee_id END,
            CASE WHEN t.channel = 'phone' THEN k.display_name END, CASE WHEN t.channel = 'phone' THEN k.phone END,
            t.due_at, t.first_response_at, t.answered_at, t.closed_at, t.csat, t.created_at,
            COALESCE(t.closed_at, t.answered_at, t.first_response_at, t.created_at)
     FROM seed_t t JOIN seed_k k ON k.n = t.contact_n`,
  );

  let messages = 0;
  messages += await step(
    'messages: citizen questions',
    `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_name, text, external_id, ticket_id, status, meta, created_at)
     SELECT c.conv_id, c.channel, 'in', 'citizen', NULL, ${sqlArray(QUESTIONS)}[c.q], 'in-${tag}-' || c.n, t.id, 'received',
            jsonb_build_object('intent', jsonb_build_object('name', CASE WHEN c.has_ticket THEN 'gap_tong_dai_vien' ELSE 'tt_khai_sinh' END, 'confidence', 0.6 + (c.q % 4) / 10.0)),
            c.created_at
     FROM seed_c c LEFT JOIN seed_t t ON t.conv_id = c.conv_id`,
  );
  messages += await step(
    'messages: receipts',
    `INSERT INTO messages (conversation_id, channel, direction, author_kind, purpose, text, status, created_at, sent_at, delivered_at, read_at)
     SELECT c.conv_id, c.channel, 'out', 'system', 'receipt', 'Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận được thông tin góp ý, phản ánh của Quý khách, xin cám ơn.',
            CASE WHEN c.n % 20 = 0 THEN 'read' ELSE 'delivered' END, c.created_at + interval '2 seconds', c.created_at + interval '3 seconds',
            c.created_at + interval '5 seconds', CASE WHEN c.n % 20 = 0 THEN c.created_at + interval '1 minute' END
     FROM seed_c c`,
  );
  messages += await step(
    'messages: bot answers and ticket receipts',
    `INSERT INTO messages (conversation_id, channel, direction, author_kind, purpose, text, ticket_id, status, meta, created_at, sent_at)
     SELECT c.conv_id, c.channel, 'out', 'bot', CASE WHEN t.id IS NULL THEN 'answer' ELSE 'ticket_receipt' END,
            CASE WHEN t.id IS NULL THEN 'Đăng ký khai sinh: hồ sơ gồm tờ khai, giấy chứng sinh; nộp tại UBND cấp xã hoặc trực tuyến. Anh/chị cần hỏi thêm gì không?'
                 ELSE 'Yêu cầu của Quý khách đã được tiếp nhận với mã phiếu ' || t.code || '.' END,
            t.id, 'sent', jsonb_build_object('intent', CASE WHEN t.id IS NULL THEN 'tt_khai_sinh' ELSE 'gap_tong_dai_vien' END, 'confidence', 0.8),
            c.created_at + interval '4 seconds', c.created_at + interval '5 seconds'
     FROM seed_c c LEFT JOIN seed_t t ON t.conv_id = c.conv_id`,
  );
  messages += await step(
    'messages: operator replies',
    `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_user_id, author_name, purpose, text, ticket_id, status, error, created_at, sent_at, delivered_at)
     SELECT t.conv_id, t.channel, 'out', 'operator', t.assignee_id, u.display_name, 'reply',
            'Chào anh/chị, tổng đài viên xin trả lời: ' || ${sqlArray(QUESTIONS)}[t.q] || ' — anh/chị vui lòng liên hệ bộ phận một cửa để được hướng dẫn.',
            t.id, CASE WHEN t.r_time < 0.01 THEN 'failed' ELSE 'delivered' END, CASE WHEN t.r_time < 0.01 THEN 'window_closed: quá thời hạn của kênh' END,
            t.first_response_at, t.first_response_at + interval '1 second', CASE WHEN t.r_time >= 0.01 THEN t.first_response_at + interval '3 seconds' END
     FROM seed_t t JOIN users u ON u.id = t.assignee_id WHERE t.conv_id IS NOT NULL AND t.first_response_at IS NOT NULL`,
  );

  let events = 0;
  events += await step(
    'events: conversations opened, messages received, bot decisions',
    `INSERT INTO events (conversation_id, ticket_id, type, actor_kind, actor_name, data, created_at)
     SELECT c.conv_id, CASE WHEN e.k > 1 THEN t.id END, (ARRAY['conversation_opened', 'message_received', 'bot_decision'])[e.k],
            (ARRAY['system', 'citizen', 'bot'])[e.k], (ARRAY['Hệ thống', NULL, 'Trợ lý ảo 1022'])[e.k],
            CASE e.k WHEN 1 THEN jsonb_build_object('channel', c.channel)
                     WHEN 2 THEN jsonb_build_object('channel', c.channel)
                     ELSE jsonb_build_object('intent', CASE WHEN c.has_ticket THEN (CASE WHEN c.n % 9 = 0 THEN 'nlu_fallback' ELSE 'gap_tong_dai_vien' END) ELSE 'tt_khai_sinh' END, 'confidence', 0.7) END,
            c.created_at + e.k * interval '1 second'
     FROM seed_c c CROSS JOIN generate_series(1, 3) e(k) LEFT JOIN seed_t t ON t.conv_id = c.conv_id`,
  );
  events += await step(
    'events: tickets created and escalated',
    `INSERT INTO events (conversation_id, ticket_id, type, actor_kind, actor_user_id, actor_name, data, created_at)
     SELECT t.conv_id, t.id, e.type, CASE WHEN t.conv_id IS NULL THEN 'operator' ELSE 'bot' END,
            CASE WHEN t.conv_id IS NULL THEN t.assignee_id END, CASE WHEN t.conv_id IS NULL THEN 'Tổng đài viên' ELSE 'Trợ lý ảo 1022' END,
            jsonb_build_object('code', t.code, 'priority', t.priority), t.created_at + interval '5 seconds'
     FROM seed_t t CROSS JOIN (VALUES ('ticket_created'), ('escalated')) e(type)
     WHERE e.type = 'ticket_created' OR t.conv_id IS NOT NULL`,
  );
  events += await step(
    'events: operators (taken over, replied, forwarded, closed, rated)',
    `INSERT INTO events (conversation_id, ticket_id, type, actor_kind, actor_user_id, actor_name, data, created_at)
     SELECT t.conv_id, t.id, x.type, x.kind, CASE WHEN x.kind = 'operator' THEN t.assignee_id END, CASE WHEN x.kind = 'operator' THEN u.display_name END, x.data, x.at
     FROM seed_t t LEFT JOIN users u ON u.id = t.assignee_id
     CROSS JOIN LATERAL (VALUES
       ('taken_over', 'operator', '{}'::jsonb, t.first_response_at - interval '1 minute', t.conv_id IS NOT NULL AND t.first_response_at IS NOT NULL AND t.assignee_id IS NOT NULL),
       ('replied', 'operator', '{}'::jsonb, t.first_response_at, t.first_response_at IS NOT NULL AND t.assignee_id IS NOT NULL),
       ('forwarded', 'operator', jsonb_build_object('changes', jsonb_build_object('agency', true)), t.created_at + interval '20 minutes', t.agency_id IS NOT NULL AND t.assignee_id IS NOT NULL),
       ('closed', 'operator', jsonb_build_object('resolution', 'Đã hướng dẫn công dân'), t.closed_at, t.closed_at IS NOT NULL AND t.assignee_id IS NOT NULL),
       ('csat_recorded', 'citizen', jsonb_build_object('score', t.csat), t.closed_at + interval '2 minutes', t.csat IS NOT NULL)
     ) x(type, kind, data, at, keep)
     WHERE x.keep`,
  );
  await db.query('DROP TABLE IF EXISTS seed_c');
  await db.query('DROP TABLE IF EXISTS seed_t');
  await db.query('DROP TABLE IF EXISTS seed_k');
  const t0 = performance.now();
  // As autovacuum would have done by then: statistics, and the visibility map for index-only scans.
  await db.query('VACUUM ANALYZE');
  log(`  vacuum analyze: ${Math.round(performance.now() - t0)} ms`);
  return {
    tickets: ticketCount,
    conversations: convs,
    contacts: contactCount,
    messages,
    events,
    ms: Math.round(performance.now() - started),
  };
}

/** Migrates, makes sure the knowledge base and an admin exist. */
export async function prepareDatabase(
  db: Database,
  knowledgeDir: string,
  botDir: string,
  admin = { username: 'admin', password: 'doimatkhau-1022' },
): Promise<void> {
  await migrate(db);
  await ensureFirstAdmin(db, admin.username, admin.password);
  const fields = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fields');
  if (fields.rows[0].n === 0) await seedKnowledge(db, readKnowledge(resolve(knowledgeDir)), loadTrainingData(resolve(botDir)));
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const count = arg('count', 200_000);
  const days = arg('days', 365);
  const db = await openDatabase(config.DATABASE_URL, config.DATA_DIR);
  try {
    await prepareDatabase(db, config.KNOWLEDGE_DIR, config.BOT_DIR, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD });
    const s = await seedTickets(db, { count, days });
    console.log(
      `done in ${(s.ms / 1000).toFixed(1)} s: ${s.tickets} tickets, ${s.conversations} conversations, ${s.contacts} contacts, ${s.messages} messages, ${s.events} events (database: ${db.kind})`,
    );
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

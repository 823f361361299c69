/**
 * Agencies are told and reminded: when a ticket is forwarded to an agency its focal points get a mail
 * (code, field, summary, console link, deadline in Vietnam time) and a bell item, the citizen is told
 * to whom it went; before and after the deadline the agency is reminded, each reminder once across
 * nodes. Overdue tickets reach supervisors as floor alerts (`raiseDueAlerts` in routing.ts), which
 * share the one definition of "overdue" used here.
 */
import { message } from '../bot/definition';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import { enqueueJob, type Job } from '../jobs/queue';
import { PermanentJobError } from '../jobs/worker';
import { createMailer, MailError, mailAddresses, type Mailer } from '../notify/mailer';
import { vnDeadline } from '../reports/processing-log';
import {
  claimDueReminders,
  getNotificationMail,
  insertForwardNotification,
  setNotificationMail,
  type AgencyNotificationKind,
} from '../store/agency-notifications';
import { getConversation } from '../store/conversations';
import type { AgencyRow } from '../store/directory';
import { getTicketById, ticketEvent, type Ticket, type TicketLevel } from '../store/tickets';
import { CONTENT_TYPE_LABELS, PRIORITY_LABELS, label } from '../wire/labels';
import { queueSystemMessage } from './conversation-actions';

/** The job kind that mails one agency notification (runs in the delivery lane). */
export const AGENCY_MAIL_JOB = 'agency_mail';
/** How often every node looks for reminders that became due (default: every minute). */
export const REMINDER_EVERY_MS = 60_000;
/** The "deadline near" reminder comes this many hours before the deadline at most (less for short deadlines). */
const DUE_SOON_HOURS = 24;

/** The jurisdiction level an agency's kind implies (null: an enterprise or other body, set by hand). */
function levelOfAgency(kind: AgencyRow['kind']): TicketLevel | null {
  return kind === 'commune' ? 'xa' : kind === 'department' ? 'tinh' : kind === 'vertical' ? 'co_quan_doc' : null;
}

const mailers = new WeakMap<object, Mailer | null>();
/** This gateway's mailer (one SMTP transport per configuration), null when mail is not configured. */
function mailerOf(ctx: AppContext): Mailer | null {
  if (!mailers.has(ctx.config)) mailers.set(ctx.config, createMailer(ctx.config));
  return mailers.get(ctx.config) ?? null;
}

/**
 * In the forward's transaction: the agency's notification (and its mail job), the ticket's level when
 * none was set, and a notice to the citizen saying to whom the ticket went. The caller wakes the
 * workers after the commit (`ctx.wake()`).
 */
export async function recordForward(
  ctx: AppContext,
  tx: Queryable,
  ticket: Ticket,
  agency: Pick<AgencyRow, 'id' | 'name' | 'kind'>,
  dueAt: Date | null,
  note: string | null,
): Promise<void> {
  const n = await insertForwardNotification(tx, { agencyId: agency.id, ticketId: ticket.id, dueAt, note, mail: !!mailerOf(ctx) });
  if (n.mailStatus === 'pending') await enqueueMail(tx, n.id);
  const level = ticket.level ? null : levelOfAgency(agency.kind);
  if (level) await tx.query('UPDATE tickets SET level = COALESCE(level, $2) WHERE id = $1', [ticket.id, level]);
  const conv = ticket.conversationId ? await getConversation(tx, ticket.conversationId) : null;
  if (conv && conv.state !== 'closed') {
    const text = message(ctx.bot, 'ticket_forwarded', {
      code: ticket.code,
      agency: agency.name,
      due: dueAt ? vnDeadline(dueAt) : 'theo quy định',
    });
    await queueSystemMessage(ctx, tx, conv, { purpose: 'notice', text, ticketId: ticket.id });
  }
}

const enqueueMail = (tx: Queryable, notificationId: string) =>
  enqueueJob(tx, AGENCY_MAIL_JOB, `agency-mail:${notificationId}`, { notificationId }, { maxAttempts: 10 });

/**
 * Records the reminders that became due (each once across nodes), queues their mails and tells the
 * agencies' open consoles. Returns how many were recorded.
 */
export async function remindAgencies(ctx: AppContext): Promise<number> {
  const reminders = await ctx.db.transaction(async (tx) => {
    const due = await claimDueReminders(tx, DUE_SOON_HOURS, !!mailerOf(ctx));
    for (const r of due) if (r.mailStatus === 'pending') await enqueueMail(tx, r.id);
    return due;
  });
  for (const r of reminders) {
    const t = await getTicketById(ctx.db, r.ticketId);
    if (t) ctx.bus.emit('ticket', ticketEvent(t, 'agency_reminder', r.agencyId));
  }
  if (reminders.length) ctx.wake(AGENCY_MAIL_JOB);
  return reminders.length;
}

const SUBJECTS: Record<AgencyNotificationKind, string> = {
  forwarded: 'Tổng đài 1022 chuyển phiếu đề nghị xử lý',
  due_soon: 'Nhắc hạn: phiếu sắp đến hạn trả lời',
  overdue: 'Phiếu đã quá hạn trả lời',
};

/** The mail of one notification: subject and plain text, in Vietnamese. */
async function composeAgencyMail(
  ctx: AppContext,
  n: { kind: AgencyNotificationKind; agencyName: string; dueAt: Date | null; note: string | null },
  t: Ticket,
): Promise<{ subject: string; text: string }> {
  const field = t.field
    ? ((await ctx.db.query<{ name: string }>('SELECT name FROM fields WHERE code = $1', [t.field])).rows[0]?.name ?? t.field)
    : 'Chưa phân loại';
  const base = ctx.config.PUBLIC_BASE_URL ?? `http://localhost:${ctx.config.PORT}`;
  const link = `${base.replace(/\/+$/, '')}/tickets/${encodeURIComponent(t.code)}`;
  const due = n.dueAt ?? t.dueAt;
  const opening: Record<AgencyNotificationKind, string> = {
    forwarded: `Tổng đài 1022 chuyển đến Quý cơ quan phiếu ${t.code} để xem xét, xử lý và trả lời.`,
    due_soon: `Phiếu ${t.code} đã chuyển đến Quý cơ quan sắp đến hạn trả lời nhưng chưa có kết quả.`,
    overdue: `Phiếu ${t.code} đã chuyển đến Quý cơ quan đã quá hạn trả lời. Đề nghị Quý cơ quan khẩn trương xử lý; Tổng đài đã báo giám sát viên.`,
  };
  const summary = t.content.length > 1500 ? `${t.content.slice(0, 1500).replace(/\s+\S*$/, '')} […]` : t.content;
  const lines = [
    `Kính gửi: ${n.agencyName},`,
    '',
    opening[n.kind],
    '',
    `Mã phiếu: ${t.code}`,
    `Lĩnh vực: ${field}`,
    `Loại nội dung: ${label(CONTENT_TYPE_LABELS, t.contentType, 'Chưa phân loại')}`,
    `Mức độ: ${label(PRIORITY_LABELS, t.priority)}`,
    `Hạn trả lời: ${due ? `${vnDeadline(due)} (giờ Việt Nam)` : 'chưa đặt'}`,
    `Tóm tắt: ${t.title}`,
    ...(summary && summary !== t.title ? ['', 'Nội dung:', summary] : []),
    ...(n.note ? ['', `Ghi chú của Tổng đài: ${n.note}`] : []),
    '',
    `Xem và trả lời phiếu trên Cổng 1022: ${link}`,
    '',
    'Thư này được gửi tự động từ Cổng 1022, vui lòng không trả lời thư này.',
  ];
  return { subject: `[${t.code}] ${SUBJECTS[n.kind]}`, text: lines.join('\n') };
}

/** Job handler: mails one notification to the agency's addresses; SMTP errors are retried, a 5xx answer is not. */
export async function sendAgencyMail(ctx: AppContext, job: Job): Promise<void> {
  const id = String(job.payload.notificationId);
  const n = await getNotificationMail(ctx.db, id);
  if (!n || n.mailStatus !== 'pending') return;
  const mailer = mailerOf(ctx);
  const to = mailAddresses(n.agencyEmail);
  const ticket = await getTicketById(ctx.db, n.ticketId);
  if (!mailer || to.length === 0 || !ticket) {
    await setNotificationMail(ctx.db, id, { error: 'no mail address or mail not configured', failed: true });
    return;
  }
  const mail = await composeAgencyMail(ctx, n, ticket);
  try {
    await mailer.send({ to, ...mail });
  } catch (err) {
    const permanent = err instanceof MailError && err.permanent;
    await setNotificationMail(ctx.db, id, { error: (err as Error).message, failed: permanent || job.attempts >= job.maxAttempts });
    if (permanent) throw new PermanentJobError((err as Error).message);
    throw err;
  }
  await setNotificationMail(ctx.db, id, { sent: to });
  ctx.log.info({ ticketCode: ticket.code, kind: n.kind }, 'agency notified by mail');
}

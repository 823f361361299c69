/** `/api/tickets…`: list, read (with messages and the processing log), create, change, reply (held for approval in that mode), note, close. */
import { z } from 'zod';
import type { Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { User } from '../store/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { proposeAgencyAnswer } from '../operations/agency-answers';
import { actorOf, agencyIdOfCode, closeTicket, ticketForUser } from '../operations/conversation-actions';
import { addNote, replyToCitizen } from '../operations/operator-messages';
import { agencyReplyMode } from '../operations/settings';
import { getConversation } from '../store/conversations';
import { listEvents, logEvent } from '../store/events';
import { toApiMessage } from '../store/message-view';
import { listMessages } from '../store/messages';
import { recordForward } from '../operations/agency-notify';
import type { AgencyKind } from '../knowledge/schema';
import {
  CONTENT_TYPES,
  createTicket,
  getTicketById,
  listTickets,
  PRIORITIES,
  ticketEvent,
  TICKET_LEVELS,
  TICKET_STATUSES,
  updateTicket,
  type Ticket,
  type TicketFilter,
} from '../store/tickets';
import { vnTimeOf } from '../store/dashboard';
import { auditAccess } from './access-audit';
import { ANY_ROLE, STAFF, type RouteInput, type RouteSpec, type RouteTable } from './route';

/** A `from`/`to` query value: a date alone is a whole day in Vietnam time (`to` inclusive), as on the dashboard. */
const vnTime = (end: boolean) =>
  z
    .string()
    .optional()
    .transform((s, c) => {
      if (!s) return undefined;
      const d = vnTimeOf(s, end);
      if (!d) c.addIssue({ code: 'custom', message: `Ngày giờ không hợp lệ: ${s}` });
      return d ?? undefined;
    });

const flag = z.enum(['1', 'true', '0', 'false', '']).optional();

/** The ticket filters of a query string (the list, statistics and exports). */
export const ticketFilterQuery = z.object({
  status: z.string().optional().describe('one status or a comma-separated list'),
  channel: z.string().optional(),
  field: z.string().optional().describe('field code'),
  agency: z.string().optional().describe('agency code'),
  priority: z.string().optional(),
  contentType: z.enum(CONTENT_TYPES).or(z.literal('')).optional().describe('content type code'),
  level: z.enum(TICKET_LEVELS).or(z.literal('')).optional().describe('jurisdiction level code'),
  assignee: z
    .union([z.literal('me'), z.literal(''), z.guid()])
    .optional()
    .describe('`me` or a user id'),
  q: z.string().max(200).optional().describe('a ticket code, or words of the title, content, name or phone'),
  from: vnTime(false).describe('YYYY-MM-DD (a whole day, Vietnam time) or an ISO time'),
  to: vnTime(true).describe('YYYY-MM-DD (inclusive, Vietnam time) or an ISO time'),
  overdue: flag.describe('1: open and past due'),
  urgent: flag.describe('1: urgent only'),
});

/** Filters from a parsed query, restricted to the user's agency for the agency role. */
export function ticketFilterOf(q: z.output<typeof ticketFilterQuery>, user: User): TicketFilter {
  return {
    status: q.status || undefined,
    channel: q.channel || undefined,
    field: q.field || undefined,
    agency: q.agency || undefined,
    priority: q.priority || undefined,
    contentType: q.contentType || undefined,
    level: q.level || undefined,
    assigneeId: q.assignee === 'me' ? user.id : q.assignee || undefined,
    q: q.q?.trim() || undefined,
    from: q.from,
    to: q.to,
    overdue: q.overdue === '1' || q.overdue === 'true',
    urgent: q.urgent === '1' || q.urgent === 'true',
    agencyId: user.role === 'agency' ? (user.agencyId ?? '00000000-0000-0000-0000-000000000000') : undefined,
  };
}

const createSchema = z.object({
  channel: z.enum(['phone', 'email', 'zalo', 'facebook', 'livechat', 'edongthap']).default('phone'),
  title: z.string().trim().min(1).max(300),
  content: z.string().max(20000).default(''),
  field: z.string().nullable().optional(),
  agency: z.string().nullable().optional(),
  priority: z.enum(PRIORITIES).default('normal'),
  contentType: z.enum(CONTENT_TYPES).nullable().optional().describe('hoi_dap, phan_anh, kien_nghi, khieu_nai, to_cao, to_giac, khac'),
  level: z.enum(TICKET_LEVELS).nullable().optional().describe('jurisdiction level: xa, tinh, trung_uong, co_quan_doc'),
  callerName: z.string().max(200).nullable().optional(),
  callerPhone: z.string().max(30).nullable().optional(),
  dueAt: z.coerce.date().nullable().optional(),
  /** A phone call's recording, uploaded first through POST /api/attachments. */
  recordingAttachmentId: z.string().uuid().nullable().optional(),
});

const patchSchema = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  field: z.string().nullable().optional(),
  agency: z.string().nullable().optional(),
  assignee: z.string().uuid().nullable().optional(),
  priority: z.enum(PRIORITIES).optional(),
  contentType: z.enum(CONTENT_TYPES).nullable().optional(),
  level: z.enum(TICKET_LEVELS).nullable().optional(),
  dueAt: z.coerce.date().nullable().optional(),
  resolution: z.string().max(20000).nullable().optional(),
  note: z.string().max(5000).optional(),
});

/** Statuses an agency user may set: working on it, or answered (closing and routing are the hotline's). */
const AGENCY_STATUSES: readonly string[] = ['in_progress', 'answered'];

/** Whether an agency user may make this change. */
function agencyMayPatch(body: z.infer<typeof patchSchema>): boolean {
  const allowed = new Set(['status', 'resolution', 'note']);
  const touched = Object.entries(body).filter(([, v]) => v !== undefined);
  return touched.every(([k]) => allowed.has(k)) && (body.status === undefined || AGENCY_STATUSES.includes(body.status));
}

const codeParams = z.object({ code: z.string().describe('ticket code, e.g. 1022-2026-000123') });

type Schema = z.ZodType | undefined;

/** A route on one ticket: its handler receives the ticket and the signed-in user instead of the path params. */
export type TicketRouteSpec<Q extends Schema, B extends Schema> = Omit<RouteSpec<typeof codeParams, Q, B>, 'params' | 'handler'> & {
  handler(ticket: Ticket, user: User, input: RouteInput<typeof codeParams, Q, B>, res: Response): unknown;
};

/** Declares a route on one ticket (`/tickets/:code…`), answering 404 for a ticket the user may not see. */
export function addTicketRoute<Q extends Schema = undefined, B extends Schema = undefined>(
  ctx: AppContext,
  routes: RouteTable,
  { handler, ...spec }: TicketRouteSpec<Q, B>,
): void {
  routes.add<typeof codeParams, Q, B>({
    ...spec,
    params: codeParams,
    responses: { 404: 'no such ticket (or not this agency’s)', ...spec.responses },
    handler: async (input, req, res) => {
      const user = currentUser(req);
      return handler(await ticketForUser(ctx, user, input.params.code), user, input, res);
    },
  });
}
const replyBody = z.object({
  text: z.string().trim().min(1).max(20000),
  final: z.boolean().optional().describe('the final answer: the ticket becomes answered'),
});

/** The ticket routes (mounted under /api after authentication). */
export function ticketRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/tickets',
    roles: ANY_ROLE,
    summary: 'Tickets, newest first (an agency user: only those forwarded to its agency)',
    use: [auditAccess(ctx, 'search', 'tickets', { searchOnly: true })],
    query: ticketFilterQuery.extend({
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      pageSize: z.coerce.number().int().min(1).default(50).describe('at most 200 (larger: 200)'),
    }),
    responses: { 200: '`{items: Ticket[], total, page, pageSize}`' },
    handler: async ({ query }, req, res) => {
      const user = currentUser(req);
      const { page } = query;
      const pageSize = Math.min(200, query.pageSize);
      const result = await listTickets(ctx.db, ticketFilterOf(query, user), page, pageSize);
      res.json({ ...result, page, pageSize });
    },
  });

  addTicketRoute(ctx, routes, {
    method: 'get',
    path: '/tickets/:code',
    roles: ANY_ROLE,
    summary: "A ticket with its conversation's messages and its processing log",
    use: [auditAccess(ctx, 'view', 'ticket')],
    responses: { 200: '`Ticket & {conversation: {id, state, assigneeId, lastInboundAt} | null, messages, events}`' },
    handler: async (t) => {
      const [messages, events, conversation] = await Promise.all([
        t.conversationId ? listMessages(ctx.db, t.conversationId) : Promise.resolve([]),
        listEvents(ctx.db, t.id, t.conversationId),
        t.conversationId ? getConversation(ctx.db, t.conversationId) : Promise.resolve(null),
      ]);
      return {
        ...t,
        conversation: conversation && {
          id: conversation.id,
          state: conversation.state,
          assigneeId: conversation.assigneeId,
          lastInboundAt: conversation.lastInboundAt,
        },
        messages: messages.map((m) => toApiMessage(m, (i) => ctx.knowledge.title(i))),
        events,
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/tickets',
    roles: STAFF,
    summary: 'Create a ticket, e.g. from a phone call',
    description:
      'The creator becomes the assignee; the deadline defaults to the bot definition’s due hours for the priority. `callerPhone` finds or creates the contact.',
    body: createSchema,
    responses: { 201: 'the ticket', 400: 'unknown agency or recording' },
    handler: async ({ body }, req, res) => {
      const user = currentUser(req);
      const agencyId = await agencyIdOfCode(ctx, body.agency);
      const ticket = await ctx.db.transaction(async (tx) => {
        let contactId: string | null = null;
        if (body.callerPhone || body.callerName) {
          const existing = body.callerPhone
            ? await tx.query<{ id: string }>('SELECT id FROM contacts WHERE phone = $1 LIMIT 1', [body.callerPhone])
            : { rows: [] };
          contactId =
            existing.rows[0]?.id ??
            (
              await tx.query<{ id: string }>('INSERT INTO contacts (display_name, phone) VALUES ($1, $2) RETURNING id', [
                body.callerName ?? null,
                body.callerPhone ?? null,
              ])
            ).rows[0].id;
          if (body.callerPhone) {
            await tx.query(
              `INSERT INTO contact_identities (contact_id, channel, external_id, display_name, last_interaction_at) VALUES ($1, 'phone', $2, $3, now())
               ON CONFLICT (channel, external_id) DO UPDATE SET last_interaction_at = now()`,
              [contactId, body.callerPhone, body.callerName ?? null],
            );
          }
        }
        const t = await createTicket(tx, {
          channel: body.channel,
          title: body.title,
          content: body.content,
          field: body.field ?? null,
          agencyId: agencyId ?? null,
          priority: body.priority,
          contentType: body.contentType ?? null,
          level: body.level ?? null,
          contactId,
          createdBy: 'operator',
          createdByUserId: user.id,
          assigneeId: user.id,
          callerName: body.callerName ?? null,
          callerPhone: body.callerPhone ?? null,
          dueAt: body.dueAt ?? new Date(Date.now() + (ctx.bot.tickets.due_hours[body.priority] ?? 72) * 3_600_000),
        });
        if (body.recordingAttachmentId) {
          const rec = await tx.query(
            `UPDATE tickets SET recording_attachment_id = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM attachments WHERE id = $2)`,
            [t.id, body.recordingAttachmentId],
          );
          if (rec.rowCount === 0) throw new HttpError(400, 'Không tìm thấy tệp ghi âm đã tải lên');
        }
        await logEvent(tx, {
          type: 'ticket_created',
          actor: actorOf(user),
          ticketId: t.id,
          data: {
            code: t.code,
            channel: body.channel,
            priority: body.priority,
            recordingAttachmentId: body.recordingAttachmentId ?? undefined,
          },
        });
        return t;
      });
      ctx.bus.emit('ticket', ticketEvent(ticket, 'created'));
      res.status(201).json(ticket);
    },
  });

  addTicketRoute(ctx, routes, {
    method: 'patch',
    path: '/tickets/:code',
    roles: ANY_ROLE,
    summary: 'Change status, field, agency (forward), assignee, priority, content type, level, deadline or resolution',
    description:
      'A new agency makes the ticket `forwarded` (the agency is mailed and the citizen told, as by `POST …/forward`); `status: closed` closes the conversation too. Agency users may only record the resolution (their proposed result), add a note, and set the status to `in_progress` or `answered`: not the deadline, field, agency, assignee or priority.',
    body: patchSchema,
    responses: { 200: 'the ticket', 400: 'unknown agency', 403: 'a field an agency user may not change' },
    handler: async (t, user, { body }, res) => {
      if (user.role === 'agency' && !agencyMayPatch(body)) {
        throw new HttpError(403, 'Đầu mối cơ quan chỉ được ghi kết quả xử lý và chuyển phiếu sang "đang xử lý" hoặc "đã trả lời"');
      }
      if (body.status === 'closed') {
        await closeTicket(ctx, user, t, body.resolution ?? null);
        res.json(await getTicketById(ctx.db, t.id));
        return;
      }
      const agencyId = await agencyIdOfCode(ctx, body.agency);
      const patch = {
        status: body.status ?? (agencyId && agencyId !== t.agency?.id ? ('forwarded' as const) : undefined),
        field: body.field,
        agencyId,
        assigneeId: body.assignee,
        priority: body.priority,
        contentType: body.contentType,
        level: body.level,
        dueAt: body.dueAt,
        resolution: body.resolution,
      };
      await ctx.db.transaction(async (tx) => {
        await updateTicket(tx, t.id, patch);
        const changes: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (v !== undefined && k !== 'note') changes[k] = v;
        const type = agencyId && agencyId !== t.agency?.id ? 'forwarded' : body.assignee !== undefined ? 'assigned' : 'updated';
        await logEvent(tx, {
          type,
          actor: actorOf(user),
          ticketId: t.id,
          conversationId: t.conversationId,
          data: { changes, note: body.note },
        });
        if (type === 'forwarded') {
          const agency = (
            await tx.query<{ id: string; name: string; kind: AgencyKind }>('SELECT id, name, kind FROM agencies WHERE id = $1', [agencyId])
          ).rows[0];
          const dueAt = body.dueAt === undefined ? t.dueAt : body.dueAt;
          await recordForward(ctx, tx, { ...t, level: body.level === undefined ? t.level : body.level }, agency, dueAt, body.note ?? null);
        }
      });
      ctx.wake();
      const updated = (await getTicketById(ctx.db, t.id))!;
      ctx.bus.emit('ticket', ticketEvent(updated, 'updated'));
      res.json(updated);
    },
  });

  addTicketRoute(ctx, routes, {
    method: 'post',
    path: '/tickets/:code/reply',
    roles: ANY_ROLE,
    summary: "An answer to the citizen, sent on the ticket's channel",
    description:
      'In the `approval` agency reply mode (settings), an agency user’s answer is held as a proposal for staff to approve: 202 `{pending: true, proposalId}`. Staff answers are never held.',
    body: replyBody,
    responses: {
      202: '`{messageId}`, or `{pending: true, proposalId}` for a held agency answer',
      409: 'no conversation (a phone ticket), conversation closed, channel not enabled, or reply window closed',
    },
    handler: async (t, user, { body }, res) => {
      if (user.role === 'agency' && (await agencyReplyMode(ctx.db)) === 'approval') {
        res.status(202).json(await proposeAgencyAnswer(ctx, user, t, body.text, body.final ?? false));
        return;
      }
      res.status(202).json(await replyToCitizen(ctx, user, { ticket: t }, body.text, { final: body.final }));
    },
  });

  addTicketRoute(ctx, routes, {
    method: 'post',
    path: '/tickets/:code/notes',
    roles: ANY_ROLE,
    summary: 'An internal note (never sent to the citizen)',
    body: z.object({ text: z.string().trim().min(1).max(5000) }),
    responses: { 201: '`{ok: true}`' },
    handler: async (t, user, { body }, res) => {
      await addNote(ctx, user, { ticket: t }, body.text);
      res.status(201).json({ ok: true });
    },
  });
}

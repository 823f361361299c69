/** `/api/tickets…`: list, read (with messages and the processing log), create, change, reply, note, close. */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import type { User } from '../auth/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { actorOf, addNote, closeTicket, replyToTicket, ticketForUser } from '../operations/conversation-actions';
import { getConversation } from '../store/conversations';
import { listEvents, logEvent } from '../store/events';
import { toApiMessage } from '../store/message-view';
import { listMessages } from '../store/messages';
import { createTicket, getTicketById, listTickets, PRIORITIES, TICKET_STATUSES, updateTicket, type TicketFilter } from '../store/tickets';
import { vnTimeOf } from '../store/dashboard';

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

/** Filters from a query string, restricted to the user's agency for the agency role. */
export function ticketFilterOf(req: Request, user: User): TicketFilter {
  const q = z
    .object({
      status: z.string().optional(),
      channel: z.string().optional(),
      field: z.string().optional(),
      agency: z.string().optional(),
      priority: z.string().optional(),
      assignee: z.string().optional(),
      q: z.string().max(200).optional(),
      from: vnTime(false),
      to: vnTime(true),
      overdue: z.enum(['1', 'true', '0', 'false', '']).optional(),
      urgent: z.enum(['1', 'true', '0', 'false', '']).optional(),
    })
    .parse(req.query);
  return {
    status: q.status || undefined,
    channel: q.channel || undefined,
    field: q.field || undefined,
    agency: q.agency || undefined,
    priority: q.priority || undefined,
    assigneeId: q.assignee === 'me' ? user.id : q.assignee || undefined,
    q: q.q?.trim() || undefined,
    from: q.from,
    to: q.to,
    overdue: q.overdue === '1' || q.overdue === 'true',
    urgent: q.urgent === '1' || q.urgent === 'true',
    agencyId: user.role === 'agency' ? user.agencyId ?? '00000000-0000-0000-0000-000000000000' : undefined,
  };
}

const createSchema = z.object({
  channel: z.enum(['phone', 'email', 'zalo', 'facebook', 'livechat', 'edongthap']).default('phone'),
  title: z.string().trim().min(1).max(300),
  content: z.string().max(20000).default(''),
  field: z.string().nullable().optional(),
  agency: z.string().nullable().optional(),
  priority: z.enum(PRIORITIES).default('normal'),
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
  dueAt: z.coerce.date().nullable().optional(),
  resolution: z.string().max(20000).nullable().optional(),
  note: z.string().max(5000).optional(),
});

/** The ticket routes (mounted under /api after authentication). */
export function ticketRouter(ctx: AppContext): Router {
  const r = Router();
  const staff = requireRole('admin', 'supervisor', 'operator');
  const anyRole = requireRole('admin', 'supervisor', 'operator', 'agency');

  const agencyIdOf = async (code: string | null | undefined): Promise<string | null | undefined> => {
    if (code === undefined) return undefined;
    if (code === null || code === '') return null;
    const a = await ctx.db.query<{ id: string }>('SELECT id FROM agencies WHERE code = $1', [code]);
    if (!a.rows[0]) throw new HttpError(400, `Không có cơ quan mã ${code}`);
    return a.rows[0].id;
  };

  r.get('/tickets', anyRole, async (req, res) => {
    const user = currentUser(req);
    const page = Math.max(1, Number(req.query.page) || 1);
    const pageSize = Math.min(200, Math.max(1, Number(req.query.pageSize) || 50));
    const result = await listTickets(ctx.db, ticketFilterOf(req, user), page, pageSize);
    res.json({ ...result, page, pageSize });
  });

  r.get('/tickets/:code', anyRole, async (req, res) => {
    const user = currentUser(req);
    const t = await ticketForUser(ctx, user, String(req.params.code));
    const [messages, events, conversation] = await Promise.all([
      t.conversationId ? listMessages(ctx.db, t.conversationId) : Promise.resolve([]),
      listEvents(ctx.db, t.id, t.conversationId),
      t.conversationId ? getConversation(ctx.db, t.conversationId) : Promise.resolve(null),
    ]);
    res.json({
      ...t,
      conversation: conversation && { id: conversation.id, state: conversation.state, assigneeId: conversation.assigneeId, lastInboundAt: conversation.lastInboundAt },
      messages: messages.map(toApiMessage),
      events,
    });
  });

  r.post('/tickets', staff, async (req, res) => {
    const user = currentUser(req);
    const body = createSchema.parse(req.body);
    const agencyId = await agencyIdOf(body.agency);
    const ticket = await ctx.db.transaction(async (tx) => {
      let contactId: string | null = null;
      if (body.callerPhone || body.callerName) {
        const existing = body.callerPhone ? await tx.query<{ id: string }>('SELECT id FROM contacts WHERE phone = $1 LIMIT 1', [body.callerPhone]) : { rows: [] };
        contactId = existing.rows[0]?.id ?? (await tx.query<{ id: string }>('INSERT INTO contacts (display_name, phone) VALUES ($1, $2) RETURNING id', [body.callerName ?? null, body.callerPhone ?? null])).rows[0].id;
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
        contactId,
        createdBy: 'operator',
        createdByUserId: user.id,
        assigneeId: user.id,
        callerName: body.callerName ?? null,
        callerPhone: body.callerPhone ?? null,
        dueAt: body.dueAt ?? new Date(Date.now() + (ctx.bot.tickets.due_hours[body.priority] ?? 72) * 3_600_000),
      });
      if (body.recordingAttachmentId) {
        const rec = await tx.query(`UPDATE tickets SET recording_attachment_id = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM attachments WHERE id = $2)`, [t.id, body.recordingAttachmentId]);
        if (rec.rowCount === 0) throw new HttpError(400, 'Không tìm thấy tệp ghi âm đã tải lên');
      }
      await logEvent(tx, { type: 'ticket_created', actor: actorOf(user), ticketId: t.id, data: { code: t.code, channel: body.channel, priority: body.priority, recordingAttachmentId: body.recordingAttachmentId ?? undefined } });
      return t;
    });
    ctx.bus.emit('ticket', { ticketId: ticket.id, code: ticket.code, status: ticket.status, priority: ticket.priority, agencyId: ticket.agency?.id ?? null, reason: 'created' });
    res.status(201).json(ticket);
  });

  r.patch('/tickets/:code', anyRole, async (req, res) => {
    const user = currentUser(req);
    const t = await ticketForUser(ctx, user, String(req.params.code));
    const body = patchSchema.parse(req.body);
    if (user.role === 'agency' && (body.agency !== undefined || body.assignee !== undefined || body.priority !== undefined)) {
      throw new HttpError(403, 'Đầu mối cơ quan chỉ được cập nhật trạng thái và kết quả xử lý');
    }
    if (body.status === 'closed') {
      await closeTicket(ctx, user, t, body.resolution ?? null);
      res.json(await getTicketById(ctx.db, t.id));
      return;
    }
    const agencyId = await agencyIdOf(body.agency);
    const patch = {
      status: body.status ?? (agencyId && agencyId !== t.agency?.id ? ('forwarded' as const) : undefined),
      field: body.field,
      agencyId,
      assigneeId: body.assignee,
      priority: body.priority,
      dueAt: body.dueAt,
      resolution: body.resolution,
    };
    await ctx.db.transaction(async (tx) => {
      await updateTicket(tx, t.id, patch);
      const changes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) if (v !== undefined && k !== 'note') changes[k] = v;
      const type = agencyId && agencyId !== t.agency?.id ? 'forwarded' : body.assignee !== undefined ? 'assigned' : 'updated';
      await logEvent(tx, { type, actor: actorOf(user), ticketId: t.id, conversationId: t.conversationId, data: { changes, note: body.note } });
    });
    const updated = (await getTicketById(ctx.db, t.id))!;
    ctx.bus.emit('ticket', { ticketId: t.id, code: t.code, status: updated.status, priority: updated.priority, agencyId: updated.agency?.id ?? null, reason: 'updated' });
    res.json(updated);
  });

  r.post('/tickets/:code/reply', anyRole, async (req, res) => {
    const user = currentUser(req);
    const t = await ticketForUser(ctx, user, String(req.params.code));
    const body = z.object({ text: z.string().trim().min(1).max(20000), final: z.boolean().optional() }).parse(req.body);
    res.status(202).json(await replyToTicket(ctx, user, t, body.text, body.final));
  });

  r.post('/tickets/:code/notes', anyRole, async (req, res) => {
    const user = currentUser(req);
    const t = await ticketForUser(ctx, user, String(req.params.code));
    const body = z.object({ text: z.string().trim().min(1).max(5000) }).parse(req.body);
    await addNote(ctx, user, t, body.text);
    res.status(201).json({ ok: true });
  });

  return r;
}

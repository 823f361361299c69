/**
 * The operators' inbox: conversation list and view, replies with files, notes, typing, attachments,
 * contacts (card and merge) and canned replies. See docs/console-api.md ("Inbox").
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import {
  mergeContactsAction,
  noteOnConversation,
  operatorTyping,
  replyInConversation,
  replyWindowOf,
  uploadAttachment,
} from '../operations/inbox-actions';
import { readAttachment } from '../storage/attachments';
import { createCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply } from '../store/canned-replies';
import { listEvents, logEvent } from '../store/events';
import { announceChange } from '../realtime/announce';
import { agencyIdByCode, getContactCard, getConversationSummary, INBOX_STATES, isUuid, listConversations } from '../store/inbox';
import { toApiMessage } from '../store/message-view';
import { listMessages } from '../store/messages';
import { getTicketById } from '../store/tickets';
import { actorOf } from '../operations/conversation-actions';

const listQuery = z.object({
  state: z.enum(INBOX_STATES).default('open'),
  channel: z.string().max(40).optional(),
  field: z.string().max(80).optional(),
  agency: z.string().max(80).optional(),
  urgent: z.enum(['1', 'true', '0', 'false', '']).optional(),
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const shortcut = z
  .string()
  .trim()
  .regex(/^\/?[a-z0-9_-]{1,40}$/i, 'chỉ gồm chữ không dấu, số, "-" hoặc "_" (tối đa 40 ký tự)')
  .transform((s) => (s.startsWith('/') ? s.slice(1) : s).toLowerCase());

/** The inbox routes (mounted under /api after authentication). */
export function inboxRouter(ctx: AppContext): Router {
  const r = Router();
  const staff = requireRole('admin', 'supervisor', 'operator');
  const editors = requireRole('admin', 'supervisor');
  const anyRole = requireRole('admin', 'supervisor', 'operator', 'agency');
  const windowOf = replyWindowOf(ctx);

  r.get('/conversations', staff, async (req, res) => {
    const user = currentUser(req);
    const q = listQuery.parse(req.query);
    const result = await listConversations(
      ctx.db,
      {
        state: q.state,
        channel: q.channel || undefined,
        field: q.field || undefined,
        agencyId: q.agency ? await agencyIdByCode(ctx.db, q.agency) : undefined,
        urgent: q.urgent === '1' || q.urgent === 'true',
        q: q.q?.trim() || undefined,
        userId: user.id,
      },
      q.page,
      q.pageSize,
      windowOf,
    );
    res.json({ ...result, page: q.page, pageSize: q.pageSize });
  });

  r.get('/conversations/:id', staff, async (req, res) => {
    const summary = await getConversationSummary(ctx.db, String(req.params.id), windowOf);
    if (!summary) throw new HttpError(404, 'Không tìm thấy cuộc hội thoại');
    const latest = await ctx.db.query<{ id: string }>('SELECT id FROM tickets WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 1', [summary.id]);
    const ticketId = latest.rows[0]?.id ?? null;
    const [contact, messages, ticket, events] = await Promise.all([
      getContactCard(ctx.db, summary.contact.id),
      listMessages(ctx.db, summary.id, 1000),
      ticketId ? getTicketById(ctx.db, ticketId) : Promise.resolve(null),
      listEvents(ctx.db, ticketId, summary.id),
    ]);
    res.json({ conversation: summary, contact, messages: messages.map(toApiMessage), ticket, events });
  });

  r.post('/conversations/:id/reply', staff, async (req, res) => {
    const body = z
      .object({ text: z.string().trim().max(20000).default(''), attachmentIds: z.array(z.string()).max(10).default([]) })
      .refine((b) => b.text.length > 0 || b.attachmentIds.length > 0, { message: 'Cần nội dung trả lời hoặc tệp đính kèm', path: ['text'] })
      .parse(req.body ?? {});
    res.status(202).json(await replyInConversation(ctx, currentUser(req), String(req.params.id), body.text, body.attachmentIds));
  });

  r.post('/conversations/:id/notes', staff, async (req, res) => {
    const body = z.object({ text: z.string().trim().min(1, 'Ghi chú không được để trống').max(5000) }).parse(req.body ?? {});
    await noteOnConversation(ctx, currentUser(req), String(req.params.id), body.text);
    res.status(201).json({ ok: true });
  });

  r.post('/conversations/:id/typing', staff, async (req, res) => {
    const body = z.object({ on: z.boolean() }).parse(req.body ?? {});
    const delivered = await operatorTyping(ctx, currentUser(req), String(req.params.id), body.on);
    res.json({ ok: true, delivered });
  });

  // Attachments: raw body, type from Content-Type, name from X-Filename (percent-encoded for non-ASCII names).
  r.post(
    '/attachments',
    staff,
    (req: Request, _res: Response, next: NextFunction) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > ctx.config.ATTACHMENT_MAX_BYTES) {
        throw new HttpError(413, `Tệp quá lớn (tối đa ${Math.floor(ctx.config.ATTACHMENT_MAX_BYTES / 1024 / 1024)} MB)`);
      }
      next();
    },
    express.raw({ type: () => true, limit: ctx.config.ATTACHMENT_MAX_BYTES }),
    async (req, res) => {
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const mime = String(req.headers['content-type'] ?? 'application/octet-stream');
      const name = fileNameOf(req.headers['x-filename']);
      res.status(201).json(await uploadAttachment(ctx, currentUser(req), data, mime, name));
    },
  );
  r.use('/attachments', (err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const status = (err as { status?: number })?.status;
    if (status === 413) return next(new HttpError(413, `Tệp quá lớn (tối đa ${Math.floor(ctx.config.ATTACHMENT_MAX_BYTES / 1024 / 1024)} MB)`));
    next(err);
  });

  r.get('/attachments/:id', anyRole, async (req, res) => {
    const user = currentUser(req);
    const id = String(req.params.id);
    if (!isUuid(id)) throw new HttpError(404, 'Không tìm thấy tệp');
    if (user.role === 'agency') {
      // A focal point reads only files of tickets forwarded to its agency.
      const ok = await ctx.db.query(
        `SELECT 1 FROM tickets t WHERE t.agency_id = $2 AND (t.recording_attachment_id = $1::uuid OR EXISTS (
           SELECT 1 FROM messages m WHERE m.conversation_id = t.conversation_id AND m.attachments @> jsonb_build_array(jsonb_build_object('attachmentId', $1::text))))
         LIMIT 1`,
        [id, user.agencyId],
      );
      if (ok.rows.length === 0) throw new HttpError(404, 'Không tìm thấy tệp');
    }
    const file = await readAttachment(ctx.db, ctx.blobs, id);
    if (!file) throw new HttpError(404, 'Không tìm thấy tệp');
    const inline = /^image\/(png|jpe?g|gif|webp)$|^application\/pdf$/.test(file.mimeType);
    res.setHeader('Content-Type', file.mimeType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${asciiName(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    res.send(file.data);
  });

  r.get('/contacts/:id', staff, async (req, res) => {
    const card = await getContactCard(ctx.db, String(req.params.id));
    if (!card) throw new HttpError(404, 'Không tìm thấy liên hệ');
    res.json(card);
  });

  r.post('/contacts/merge', staff, async (req, res) => {
    const body = z.object({ keepId: z.string().min(1), mergeId: z.string().min(1) }).parse(req.body ?? {});
    await mergeContactsAction(ctx, currentUser(req), body.keepId, body.mergeId);
    res.json(await getContactCard(ctx.db, body.keepId));
  });

  r.get('/canned-replies', staff, async (_req, res) => {
    res.json(await listCannedReplies(ctx.db));
  });

  r.post('/canned-replies', editors, async (req, res) => {
    const user = currentUser(req);
    const body = z.object({ shortcut, title: z.string().trim().min(1).max(200), text: z.string().trim().min(1).max(5000) }).parse(req.body ?? {});
    const created = await createCannedReply(ctx.db, { ...body, userId: user.id });
    if (!created) throw new HttpError(409, `Phím tắt /${body.shortcut} đã được dùng`);
    await logEvent(ctx.db, { type: 'canned_reply_created', actor: actorOf(user), data: { id: created.id, shortcut: created.shortcut } });
    announceChange(ctx, 'canned', user);
    res.status(201).json(created);
  });

  r.patch('/canned-replies/:id', editors, async (req, res) => {
    const user = currentUser(req);
    const id = String(req.params.id);
    if (!isUuid(id)) throw new HttpError(404, 'Không tìm thấy câu trả lời mẫu');
    const body = z
      .object({ shortcut: shortcut.optional(), title: z.string().trim().min(1).max(200).optional(), text: z.string().trim().min(1).max(5000).optional() })
      .parse(req.body ?? {});
    let updated;
    try {
      updated = await updateCannedReply(ctx.db, id, { ...body, userId: user.id });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new HttpError(409, `Phím tắt /${body.shortcut} đã được dùng`);
      throw err;
    }
    if (!updated) throw new HttpError(404, 'Không tìm thấy câu trả lời mẫu');
    await logEvent(ctx.db, { type: 'canned_reply_updated', actor: actorOf(user), data: { id, changes: Object.keys(body) } });
    announceChange(ctx, 'canned', user);
    res.json(updated);
  });

  r.delete('/canned-replies/:id', editors, async (req, res) => {
    const user = currentUser(req);
    const id = String(req.params.id);
    if (!isUuid(id) || !(await deleteCannedReply(ctx.db, id))) throw new HttpError(404, 'Không tìm thấy câu trả lời mẫu');
    await logEvent(ctx.db, { type: 'canned_reply_deleted', actor: actorOf(user), data: { id } });
    announceChange(ctx, 'canned', user);
    res.status(204).end();
  });

  return r;
}

/** The name of an uploaded file from X-Filename (percent-decoded; path parts dropped). */
function fileNameOf(header: string | string[] | undefined): string {
  let name = Array.isArray(header) ? header[0] : header ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    /* keep as sent */
  }
  name = name.replace(/^.*[\\/]/, '').replace(/[\u0000-\u001f"]/g, '').trim();
  return name.slice(0, 200) || 'tep-dinh-kem';
}

/** An ASCII fallback for the `filename=` parameter. */
function asciiName(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
}

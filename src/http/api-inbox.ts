/**
 * The operators' inbox: conversation list and view, replies with files, notes, typing, attachments,
 * contacts (card and merge) and canned replies. See docs/console-api.md.
 */
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { mergeContactsAction, operatorTyping, replyWindowOf, uploadAttachment } from '../operations/inbox-actions';
import { addNote, replyToCitizen } from '../operations/operator-messages';
import { createCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply } from '../store/canned-replies';
import { listEvents, logEvent } from '../store/events';
import { announceChange } from '../realtime/announce';
import { agencyIdByCode, getContactCard, getConversationSummary, INBOX_STATES, isUuid, listConversations } from '../store/inbox';
import { toApiMessage } from '../store/message-view';
import { listMessages } from '../store/messages';
import { getTicketById } from '../store/tickets';
import { actorOf } from '../operations/conversation-actions';
import { auditAccess } from './access-audit';
import { openDownload, sendAttachment } from './downloads';
import { ANY_ROLE, idParams, STAFF, SUPERVISORS, type RouteTable } from './route';

const listQuery = z.object({
  state: z.enum(INBOX_STATES).default('open'),
  channel: z.string().max(40).optional(),
  field: z.string().max(80).optional(),
  agency: z.string().max(80).optional(),
  urgent: z.enum(['1', 'true', '0', 'false', '']).optional(),
  q: z
    .string()
    .max(200)
    .optional()
    .describe('a ticket code, part of a code or phone number, a name, an e-mail, the channel id, or message words'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const shortcut = z
  .string()
  .trim()
  .regex(/^\/?[a-z0-9_-]{1,40}$/i, 'chỉ gồm chữ không dấu, số, "-" hoặc "_" (tối đa 40 ký tự)')
  .transform((s) => (s.startsWith('/') ? s.slice(1) : s).toLowerCase());

const conversationParams = idParams('conversation');
const cannedParams = idParams('canned reply');
const cannedText = { title: z.string().trim().min(1).max(200), text: z.string().trim().min(1).max(5000) };

/** The inbox routes (mounted under /api after authentication). */
export function inboxRoutes(ctx: AppContext, routes: RouteTable): void {
  const windowOf = replyWindowOf(ctx);
  const tooLarge = () => new HttpError(413, `Tệp quá lớn (tối đa ${Math.floor(ctx.config.ATTACHMENT_MAX_BYTES / 1024 / 1024)} MB)`);

  routes.add({
    method: 'get',
    path: '/conversations',
    roles: STAFF,
    use: [auditAccess(ctx, 'search', 'conversations', { searchOnly: true })],
    summary: 'The inbox: conversations, newest activity first, with the counters of every tab',
    description:
      '`counts` apply every filter except `state`; `total` is the count for `state`. `field` and `agency` (codes) match any ticket of the conversation; `urgent=1`: an open urgent ticket. Items are ConversationSummary `{id, channel, state, contact, externalUserId, assignee, lastMessage, lastInboundAt, ticket, replyWindow: {closesAt, closed}}` (`ticket`: the latest; `replyWindow.closesAt`: the citizen’s last message plus the channel’s reply window, null when the channel has none or is off).',
    query: listQuery,
    responses: { 200: '`{items: ConversationSummary[], total, counts: {bot, waiting, mine, open, closed, urgent}, page, pageSize}`' },
    handler: async ({ query: q }, req, res) => {
      const user = currentUser(req);
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
    },
  });

  routes.add({
    method: 'get',
    path: '/conversations/:id',
    roles: STAFF,
    summary: 'A conversation: summary, contact card, the last 1,000 messages with delivery status, latest ticket, events',
    params: conversationParams,
    use: [auditAccess(ctx, 'view', 'conversation')],
    responses: { 200: '`{conversation, contact, messages, ticket, events}`', 404: 'no such conversation' },
    handler: async ({ params }, _req, res) => {
      const summary = await getConversationSummary(ctx.db, params.id, windowOf);
      if (!summary) throw new HttpError(404, 'Không tìm thấy cuộc hội thoại');
      const latest = await ctx.db.query<{ id: string }>(
        'SELECT id FROM tickets WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 1',
        [summary.id],
      );
      const ticketId = latest.rows[0]?.id ?? null;
      const [contact, messages, ticket, events] = await Promise.all([
        getContactCard(ctx.db, summary.contact.id),
        listMessages(ctx.db, summary.id, 1000),
        ticketId ? getTicketById(ctx.db, ticketId) : Promise.resolve(null),
        listEvents(ctx.db, ticketId, summary.id),
      ]);
      res.json({
        conversation: summary,
        contact,
        messages: messages.map((m) => toApiMessage(m, (i) => ctx.knowledge.title(i))),
        ticket,
        events,
      });
    },
  });

  routes.add({
    method: 'post',
    path: '/conversations/:id/reply',
    roles: STAFF,
    summary: "An operator's message (text and/or uploaded files); a conversation held by the bot or waiting is taken over",
    description:
      'Attached to the open ticket if any (first response time, status in_progress, assignee if none). Delivery progress arrives as `message` socket events.',
    params: conversationParams,
    body: z
      .object({
        text: z.string().trim().max(20000).default(''),
        attachmentIds: z.array(z.string()).max(10).default([]).describe('ids from POST /api/attachments'),
      })
      .refine((b) => b.text.length > 0 || b.attachmentIds.length > 0, {
        message: 'Cần nội dung trả lời hoặc tệp đính kèm',
        path: ['text'],
      }),
    responses: {
      202: '`{messageId}`',
      400: 'no text or file, or the channel cannot carry files',
      404: 'no such conversation',
      409: 'closed, channel not enabled, or reply window closed',
    },
    handler: async ({ params, body }, req, res) => {
      res
        .status(202)
        .json(await replyToCitizen(ctx, currentUser(req), { conversationId: params.id }, body.text, { attachmentIds: body.attachmentIds }));
    },
  });

  routes.add({
    method: 'post',
    path: '/conversations/:id/notes',
    roles: STAFF,
    summary: 'An internal note (on the open ticket too)',
    params: conversationParams,
    body: z.object({ text: z.string().trim().min(1, 'Ghi chú không được để trống').max(5000) }),
    responses: { 201: '`{ok: true}`', 404: 'no such conversation' },
    handler: async ({ params, body }, req, res) => {
      await addNote(ctx, currentUser(req), { conversationId: params.id }, body.text);
      res.status(201).json({ ok: true });
    },
  });

  routes.add({
    method: 'post',
    path: '/conversations/:id/typing',
    roles: STAFF,
    summary: 'Show the citizen that an operator is typing, where the channel can',
    params: conversationParams,
    body: z.object({ on: z.boolean() }),
    responses: { 200: '`{ok: true, delivered}` (`delivered` false when the channel cannot show it)', 404: 'no such conversation' },
    handler: async ({ params, body }, req, res) => {
      const delivered = await operatorTyping(ctx, currentUser(req), params.id, body.on);
      res.json({ ok: true, delivered });
    },
  });

  // Attachments: raw body, type from Content-Type, name from X-Filename (percent-encoded for non-ASCII names).
  routes.add({
    method: 'post',
    path: '/attachments',
    roles: STAFF,
    summary: 'Upload a file: the raw bytes, Content-Type its type, X-Filename its (percent-encoded) name',
    description:
      'Up to ATTACHMENT_MAX_BYTES (default 10 MiB). Accepted: images (png, jpeg, gif, webp, heic), PDF, audio (mp3, m4a, aac, ogg, wav, amr), video (mp4, mov, 3gp, webm), Word/Excel and plain text.',
    use: [
      (req: Request, _res: Response, next: NextFunction) => {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > ctx.config.ATTACHMENT_MAX_BYTES) throw tooLarge();
        next();
      },
    ],
    rawBody: { contentTypes: ['application/octet-stream'], description: 'the file' },
    responses: { 201: '`{id, name, mimeType, size}`', 413: 'too large', 415: 'type not accepted' },
    handler: async (_input, req, res) => {
      // Streamed into the blob store as it arrives; cut off past ATTACHMENT_MAX_BYTES.
      const data = Buffer.isBuffer(req.body) ? req.body : (req as AsyncIterable<Buffer>);
      const mime = String(req.headers['content-type'] ?? 'application/octet-stream');
      const name = fileNameOf(req.headers['x-filename']);
      res.status(201).json(await uploadAttachment(ctx, currentUser(req), data, mime, name));
    },
  });
  routes.under('/attachments').use((err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const status = (err as { status?: number })?.status;
    if (status === 413) return next(tooLarge());
    next(err);
  });

  routes.add({
    method: 'get',
    path: '/attachments/:id',
    roles: ANY_ROLE,
    summary: 'A stored file (images and PDF inline, others as a download); an agency user only for files of its tickets',
    params: idParams('attachment'),
    use: [auditAccess(ctx, 'view', 'attachment')],
    responses: {
      200: { description: 'the bytes', contentType: 'application/octet-stream' },
      404: 'no such file (or not this agency’s)',
      410: 'its bytes were purged by the retention policy',
    },
    handler: async ({ params }, req, res) => {
      const user = currentUser(req);
      const id = params.id;
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
      await sendAttachment(res, await openDownload(ctx.db, ctx.blobs, id));
    },
  });

  routes.add({
    method: 'get',
    path: '/contacts/:id',
    roles: STAFF,
    summary: 'A contact card: identities on every channel and past tickets (a merged contact answers with the one it was merged into)',
    params: idParams('contact'),
    use: [auditAccess(ctx, 'view', 'contact')],
    responses: { 200: '`{id, displayName, phone, email, identities, tickets}`', 404: 'no such contact' },
    handler: async ({ params }, _req, res) => {
      const card = await getContactCard(ctx.db, params.id);
      if (!card) throw new HttpError(404, 'Không tìm thấy liên hệ');
      res.json(card);
    },
  });

  routes.add({
    method: 'post',
    path: '/contacts/merge',
    roles: STAFF,
    summary: 'Merge two contacts of one person into `keepId`',
    description:
      'Identities, conversations and tickets move to `keepId`; an empty name, phone or e-mail is filled from the other (event `contacts_merged` on each moved conversation).',
    body: z.object({ keepId: z.string().min(1), mergeId: z.string().min(1) }),
    responses: { 200: 'the merged contact card', 400: 'the same contact twice', 404: 'no such contact', 409: 'one was already merged' },
    handler: async ({ body }, req, res) => {
      await mergeContactsAction(ctx, currentUser(req), body.keepId, body.mergeId);
      res.json(await getContactCard(ctx.db, body.keepId));
    },
  });

  routes.add({
    method: 'get',
    path: '/canned-replies',
    roles: STAFF,
    summary: 'Canned replies',
    responses: { 200: '`[{id, shortcut, title, text, updatedAt}]`' },
    handler: () => listCannedReplies(ctx.db),
  });

  routes.add({
    method: 'post',
    path: '/canned-replies',
    roles: SUPERVISORS,
    summary: 'Create a canned reply (a leading "/" of the shortcut is dropped)',
    body: z.object({ shortcut, ...cannedText }),
    responses: { 201: 'the canned reply', 409: 'shortcut taken' },
    handler: async ({ body }, req, res) => {
      const user = currentUser(req);
      const created = await createCannedReply(ctx.db, { ...body, userId: user.id });
      if (!created) throw new HttpError(409, `Phím tắt /${body.shortcut} đã được dùng`);
      await logEvent(ctx.db, { type: 'canned_reply_created', actor: actorOf(user), data: { id: created.id, shortcut: created.shortcut } });
      announceChange(ctx, 'canned', user);
      res.status(201).json(created);
    },
  });

  routes.add({
    method: 'patch',
    path: '/canned-replies/:id',
    roles: SUPERVISORS,
    summary: 'Change a canned reply',
    params: cannedParams,
    body: z.object({ shortcut: shortcut.optional(), title: cannedText.title.optional(), text: cannedText.text.optional() }),
    responses: { 200: 'the canned reply', 404: 'no such canned reply', 409: 'shortcut taken' },
    handler: async ({ params, body }, req, res) => {
      const user = currentUser(req);
      const { id } = params;
      if (!isUuid(id)) throw new HttpError(404, 'Không tìm thấy câu trả lời mẫu');
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
    },
  });

  routes.add({
    method: 'delete',
    path: '/canned-replies/:id',
    roles: SUPERVISORS,
    summary: 'Delete a canned reply',
    params: cannedParams,
    responses: { 204: 'deleted', 404: 'no such canned reply' },
    handler: async ({ params }, req, res) => {
      const user = currentUser(req);
      const { id } = params;
      if (!isUuid(id) || !(await deleteCannedReply(ctx.db, id))) throw new HttpError(404, 'Không tìm thấy câu trả lời mẫu');
      await logEvent(ctx.db, { type: 'canned_reply_deleted', actor: actorOf(user), data: { id } });
      announceChange(ctx, 'canned', user);
      res.status(204).end();
    },
  });
}

/** The name of an uploaded file from X-Filename (percent-decoded; path parts dropped). */
function fileNameOf(header: string | string[] | undefined): string {
  let name = Array.isArray(header) ? header[0] : (header ?? '');
  try {
    name = decodeURIComponent(name);
  } catch {
    /* keep as sent */
  }
  // Control characters and quotes would break the Content-Disposition header.
  name = name
    .replace(/^.*[\\/]/, '')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f"]/g, '')
    .trim();
  return name.slice(0, 200) || 'tep-dinh-kem';
}

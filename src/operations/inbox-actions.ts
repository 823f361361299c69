/**
 * What operators do from the inbox: reply to a conversation (with files), write internal notes,
 * show typing, merge contacts, upload attachments, forward tickets. Each state change runs in one
 * transaction, writes the processing log and is pushed to live consoles through the bus.
 */
import type { Attachment } from '../channels/kit/contract';
import type { User } from '../store/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { queueMessage } from '../pipeline/outbound';
import { windowProblem } from '../pipeline/dispatcher';
import { attachmentProblem } from '../store/attachment-files';
import { getConversation, setConversationState, type Conversation } from '../store/conversations';
import { logEvent } from '../store/events';
import { isUuid, mergeContacts } from '../store/inbox';
import { getTicketById, markFirstResponse, openTicketOfConversation, updateTicket, type Ticket } from '../store/tickets';
import { actorOf } from './conversation-actions';

/** The operator reply window of a channel (ms), null when unlimited or the channel is not enabled. */
export function replyWindowOf(ctx: AppContext): (channel: string) => number | null {
  return (channel) => {
    const caps = ctx.channels.get(channel as never)?.capabilities;
    if (!caps || caps.replyWindowMs === null) return null;
    return caps.operatorReplyWindowMs ?? caps.replyWindowMs;
  };
}

/** A conversation by id, or 404. */
export async function conversationOr404(ctx: AppContext, id: string): Promise<Conversation> {
  const conv = isUuid(id) ? await getConversation(ctx.db, id) : null;
  if (!conv) throw new HttpError(404, 'Không tìm thấy cuộc hội thoại');
  return conv;
}

const kindOf = (mime: string): Attachment['kind'] =>
  mime.startsWith('image/') ? 'image' : mime.startsWith('audio/') ? 'audio' : mime.startsWith('video/') ? 'video' : 'file';

/** Stored attachments by id, as outbound message attachments (400 when one is unknown). */
export async function attachmentsByIds(ctx: AppContext, ids: string[]): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  if (!ids.every(isUuid)) throw new HttpError(400, 'Mã tệp đính kèm không hợp lệ');
  const r = await ctx.db.query<{ id: string; storage_key: string; name: string; mime_type: string; size: number }>(
    'SELECT id, storage_key, name, mime_type, size FROM attachments WHERE id = ANY($1::uuid[])',
    [ids],
  );
  const byId = new Map(r.rows.map((a) => [a.id, a]));
  return ids.map((id) => {
    const a = byId.get(id);
    if (!a) throw new HttpError(400, `Không tìm thấy tệp đính kèm ${id}`);
    return { kind: kindOf(a.mime_type), name: a.name, mimeType: a.mime_type, size: a.size, storageKey: a.storage_key, attachmentId: a.id };
  });
}

/**
 * An operator's message in a conversation: attached to its open ticket (if any), which it marks as
 * responded; a conversation the bot held (or that waited) is taken over by the sender.
 */
export async function replyInConversation(
  ctx: AppContext,
  user: User,
  conversationId: string,
  text: string,
  attachmentIds: string[] = [],
): Promise<{ messageId: string }> {
  const conv = await conversationOr404(ctx, conversationId);
  if (conv.state === 'closed') throw new HttpError(409, 'Cuộc hội thoại đã đóng; không thể gửi thêm tin nhắn');
  const adapter = ctx.channels.get(conv.channel as never);
  if (!adapter) throw new HttpError(409, `Kênh ${conv.channel} chưa được cấu hình; không gửi được tin nhắn`);
  const attachments = await attachmentsByIds(ctx, attachmentIds);
  if (attachments.length > 0 && !adapter.capabilities.attachments)
    throw new HttpError(400, `Kênh ${conv.channel} không gửi được tệp đính kèm`);
  const closed = windowProblem(adapter.capabilities, 'operator', conv.lastInboundAt);
  if (closed)
    throw new HttpError(409, 'Đã quá thời hạn trả lời của kênh: công dân cần nhắn lại trước khi tổng đài viên có thể trả lời', {
      reason: closed,
    });
  const takesOver = conv.state === 'bot' || conv.state === 'waiting';
  const { message, ticket } = await ctx.db.transaction(async (tx) => {
    const ticket = await openTicketOfConversation(tx, conv.id);
    const m = await queueMessage(
      tx,
      {
        conversationId: conv.id,
        channel: conv.channel,
        authorKind: 'operator',
        authorUserId: user.id,
        authorName: user.displayName,
        purpose: 'reply',
        text,
        attachments,
        ticketId: ticket?.id ?? null,
      },
      ctx.delivery.maxAttempts,
    );
    if (takesOver) {
      await setConversationState(tx, conv.id, 'operator', user.id);
      await logEvent(tx, {
        type: 'taken_over',
        actor: actorOf(user),
        conversationId: conv.id,
        ticketId: ticket?.id ?? null,
        data: { by: 'reply' },
      });
    }
    if (ticket) {
      await markFirstResponse(tx, ticket.id);
      if (ticket.status === 'new' || ticket.status === 'assigned') await updateTicket(tx, ticket.id, { status: 'in_progress' });
      if (!ticket.assignee) await updateTicket(tx, ticket.id, { assigneeId: user.id });
    }
    await logEvent(tx, {
      type: 'replied',
      actor: actorOf(user),
      conversationId: conv.id,
      ticketId: ticket?.id ?? null,
      data: { messageId: m.id, attachments: attachments.map((a) => a.name) },
    });
    return { message: m, ticket };
  });
  if (takesOver) {
    adapter.notify?.(conv.externalUserId, { type: 'operator', name: user.displayName });
    ctx.bus.emit('conversation', { conversationId: conv.id, state: 'operator', channel: conv.channel, reason: 'taken_over' });
  }
  ctx.bus.emit('message', { conversationId: conv.id, messageId: message.id, direction: 'out', status: 'queued', channel: conv.channel });
  if (ticket) {
    const t = (await getTicketById(ctx.db, ticket.id))!;
    ctx.bus.emit('ticket', {
      ticketId: t.id,
      code: t.code,
      status: t.status,
      priority: t.priority,
      agencyId: t.agency?.id ?? null,
      reason: 'replied',
    });
  }
  ctx.wake();
  return { messageId: message.id };
}

/** An internal note on a conversation (and its open ticket), never sent to the citizen. */
export async function noteOnConversation(ctx: AppContext, user: User, conversationId: string, text: string): Promise<void> {
  const conv = await conversationOr404(ctx, conversationId);
  const ticket = await openTicketOfConversation(ctx.db, conv.id);
  await logEvent(ctx.db, { type: 'note', actor: actorOf(user), conversationId: conv.id, ticketId: ticket?.id ?? null, data: { text } });
  ctx.bus.emit('conversation', { conversationId: conv.id, state: conv.state, channel: conv.channel, reason: 'note' });
}

/** Shows the citizen that an operator is typing, where the channel can; true when it could. */
export async function operatorTyping(ctx: AppContext, user: User, conversationId: string, on: boolean): Promise<boolean> {
  const conv = await conversationOr404(ctx, conversationId);
  const adapter = ctx.channels.get(conv.channel as never);
  if (!adapter || conv.state === 'closed') return false;
  if (adapter.notify) {
    adapter.notify(conv.externalUserId, { type: 'typing', on, authorName: user.displayName });
    return true;
  }
  if (adapter.typing) {
    await adapter.typing(conv.externalUserId, on).catch(() => undefined);
    return true;
  }
  return false;
}

/** Merges two contacts who are the same person; logged, and every moved conversation is pushed. */
export async function mergeContactsAction(ctx: AppContext, user: User, keepId: string, mergeId: string): Promise<void> {
  if (keepId === mergeId) throw new HttpError(400, 'Hai liên hệ cần gộp phải khác nhau');
  if (!isUuid(keepId) || !isUuid(mergeId)) throw new HttpError(404, 'Không tìm thấy liên hệ');
  const moved = await ctx.db.transaction(async (tx) => {
    const r = await tx.query<{ id: string; merged_into: string | null; display_name: string | null }>(
      'SELECT id, merged_into, display_name FROM contacts WHERE id = ANY($1::uuid[]) FOR UPDATE',
      [[keepId, mergeId]],
    );
    const keep = r.rows.find((c) => c.id === keepId);
    const merge = r.rows.find((c) => c.id === mergeId);
    if (!keep || !merge) throw new HttpError(404, 'Không tìm thấy liên hệ');
    if (keep.merged_into || merge.merged_into) throw new HttpError(409, 'Liên hệ này đã được gộp vào một liên hệ khác');
    const result = await mergeContacts(tx, keepId, mergeId);
    await logEvent(tx, {
      type: 'contacts_merged',
      actor: actorOf(user),
      data: {
        keepId,
        mergeId,
        mergedName: merge.display_name,
        conversations: result.conversations,
        identities: result.identities,
        tickets: result.tickets,
      },
    });
    for (const conversationId of result.conversations) {
      await logEvent(tx, { type: 'contacts_merged', actor: actorOf(user), conversationId, data: { keepId, mergeId } });
    }
    return result.conversations;
  });
  if (moved.length > 0) {
    const convs = await ctx.db.query<{ id: string; state: Conversation['state']; channel: string }>(
      'SELECT id, state, channel FROM conversations WHERE id = ANY($1::uuid[])',
      [moved],
    );
    for (const c of convs.rows)
      ctx.bus.emit('conversation', { conversationId: c.id, state: c.state, channel: c.channel, reason: 'contact_merged' });
  }
}

/** Stores an uploaded file (size and type checked) and returns its metadata. */
export async function uploadAttachment(
  ctx: AppContext,
  user: User,
  data: Buffer,
  mimeType: string,
  name: string,
): Promise<{ id: string; name: string; mimeType: string; size: number }> {
  const mime = mimeType.split(';')[0].trim().toLowerCase();
  if (data.length === 0) throw new HttpError(400, 'Tệp rỗng');
  const problem = attachmentProblem(mime, data.length, ctx.config.ATTACHMENT_MAX_BYTES);
  if (problem) throw new HttpError(data.length > ctx.config.ATTACHMENT_MAX_BYTES ? 413 : 415, `Không nhận tệp: ${problem}`);
  const { key, sha256 } = await ctx.blobs.put(data);
  const r = await ctx.db.query<{ id: string }>(
    'INSERT INTO attachments (storage_key, name, mime_type, size, sha256, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [key, name, mime, data.length, sha256, user.id],
  );
  return { id: r.rows[0].id, name, mimeType: mime, size: data.length };
}

/** Forwards a ticket to an agency with an optional deadline and note (status `forwarded`). */
export async function forwardTicket(
  ctx: AppContext,
  user: User,
  ticket: Ticket,
  agencyCode: string,
  dueAt: Date | null,
  note: string | null,
): Promise<Ticket> {
  const a = await ctx.db.query<{ id: string; code: string; name: string; active: boolean }>(
    'SELECT id, code, name, active FROM agencies WHERE code = $1',
    [agencyCode],
  );
  const agency = a.rows[0];
  if (!agency) throw new HttpError(400, `Không có cơ quan mã ${agencyCode}`);
  if (!agency.active) throw new HttpError(400, `Cơ quan ${agency.name} đã ngừng tiếp nhận`);
  if (ticket.status === 'closed') throw new HttpError(409, `Phiếu ${ticket.code} đã đóng`);
  if (dueAt && dueAt.getTime() < Date.now() - 60_000) throw new HttpError(400, 'Hạn xử lý phải ở tương lai');
  await ctx.db.transaction(async (tx) => {
    await updateTicket(tx, ticket.id, { status: 'forwarded', agencyId: agency.id, ...(dueAt ? { dueAt } : {}) });
    await logEvent(tx, {
      type: 'forwarded',
      actor: actorOf(user),
      ticketId: ticket.id,
      conversationId: ticket.conversationId,
      data: {
        agency: { code: agency.code, name: agency.name },
        from: ticket.agency ? { code: ticket.agency.code, name: ticket.agency.name } : null,
        dueAt: (dueAt ?? ticket.dueAt)?.toISOString() ?? null,
        note,
        changes: { agency: agency.code },
      },
    });
  });
  const updated = (await getTicketById(ctx.db, ticket.id))!;
  ctx.bus.emit('ticket', {
    ticketId: updated.id,
    code: updated.code,
    status: updated.status,
    priority: updated.priority,
    agencyId: agency.id,
    reason: 'forwarded',
  });
  // The agency it was taken from learns that it left.
  if (ticket.agency && ticket.agency.id !== agency.id) {
    ctx.bus.emit('ticket', {
      ticketId: updated.id,
      code: updated.code,
      status: updated.status,
      priority: updated.priority,
      agencyId: ticket.agency.id,
      reason: 'forwarded_away',
    });
  }
  return updated;
}

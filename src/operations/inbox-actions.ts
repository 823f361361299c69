/**
 * What operators do from the inbox besides replies and notes (`operator-messages.ts`): show typing,
 * merge contacts, upload attachments, forward tickets. Each state change runs in one transaction,
 * writes the processing log and is pushed to live consoles through the bus.
 */
import type { User } from '../store/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { AttachmentRefusedError, saveAttachmentBytes } from '../store/attachments';
import { blobPieces, type BlobSource } from '../store/blob-store';
import type { Conversation } from '../store/conversations';
import { getAgency } from '../store/directory';
import { logEvent } from '../store/events';
import { isUuid, mergeContacts } from '../store/inbox';
import { getTicketById, ticketEvent, updateTicket, type Ticket } from '../store/tickets';
import { recordForward } from './agency-notify';
import { actorOf, conversationOr404 } from './conversation-actions';

/** The operator reply window of a channel (ms), null when unlimited or the channel is not enabled. */
export function replyWindowOf(ctx: AppContext): (channel: string) => number | null {
  return (channel) => {
    const caps = ctx.channels.get(channel as never)?.capabilities;
    if (!caps || caps.replyWindowMs === null) return null;
    return caps.operatorReplyWindowMs ?? caps.replyWindowMs;
  };
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

/** Stores an uploaded file (a buffer or the request stream; size and type checked) and returns its metadata. */
export async function uploadAttachment(
  ctx: AppContext,
  user: User,
  data: BlobSource,
  mimeType: string,
  name: string,
): Promise<{ id: string; name: string; mimeType: string; size: number }> {
  try {
    const saved = await saveAttachmentBytes(ctx.db, ctx.blobs, {
      data: refuseEmpty(data),
      name,
      mimeType,
      maxBytes: ctx.config.ATTACHMENT_MAX_BYTES,
      uploadedBy: user.id,
    });
    return { id: saved.id, name, mimeType: saved.mimeType, size: saved.size };
  } catch (err) {
    if (err instanceof AttachmentRefusedError) throw new HttpError(err.kind === 'too_large' ? 413 : 415, `Không nhận tệp: ${err.reason}`);
    throw err;
  }
}

/** Passes the bytes on; an upload without any is refused (400) once it ends. */
function refuseEmpty(data: BlobSource): BlobSource {
  if (Buffer.isBuffer(data)) {
    if (data.length === 0) throw new HttpError(400, 'Tệp rỗng');
    return data;
  }
  return (async function* () {
    let size = 0;
    for await (const piece of blobPieces(data)) {
      size += piece.length;
      yield piece;
    }
    if (size === 0) throw new HttpError(400, 'Tệp rỗng');
  })();
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
  const agency = await getAgency(ctx.db, agencyCode);
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
    await recordForward(ctx, tx, ticket, agency, dueAt ?? ticket.dueAt, note);
  });
  ctx.wake();
  const updated = (await getTicketById(ctx.db, ticket.id))!;
  ctx.bus.emit('ticket', ticketEvent(updated, 'forwarded', agency.id));
  // The agency it was taken from learns that it left.
  if (ticket.agency && ticket.agency.id !== agency.id) ctx.bus.emit('ticket', ticketEvent(updated, 'forwarded_away', ticket.agency.id));
  return updated;
}

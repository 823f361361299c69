/** Operators reading a conversation: the read marker moves forward and the citizen's live chat shows "Đã xem". */
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { advanceReadMarker, getReadMarker, type ReadMarker } from '../store/read-markers';
import type { User } from '../store/users';
import { conversationOr404 } from './conversation-actions';

/**
 * Records that `user`'s console displays the conversation up to `messageId` (its newest message). When
 * the marker moves past a citizen message, the `seen` bus event tells the citizen's channel on every node.
 */
export async function markSeen(ctx: AppContext, user: User, conversationId: string, messageId: string): Promise<ReadMarker> {
  const conv = await conversationOr404(ctx, conversationId);
  const moved = await advanceReadMarker(ctx.db, conv.id, messageId, user.id);
  if (moved) {
    if (moved.citizenExternalId) {
      ctx.bus.emit('seen', {
        conversationId: conv.id,
        channel: conv.channel,
        externalUserId: conv.externalUserId,
        citizenMessageId: moved.citizenExternalId,
        seenAt: moved.seenAt.getTime(),
      });
    }
    return moved;
  }
  // Not moved: an older message (the marker stays), or not a message of this conversation.
  const current = await getReadMarker(ctx.db, conv.id);
  const known = await ctx.db.query('SELECT 1 FROM messages WHERE id = $1 AND conversation_id = $2', [messageId, conv.id]);
  if (!known.rows.length || !current) throw new HttpError(404, 'Không tìm thấy tin nhắn trong cuộc hội thoại');
  return current;
}

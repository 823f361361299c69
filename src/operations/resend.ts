/** An operator re-sends an outbound message that failed for good (e.g. after a provider's long outage). */
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { enqueueDelivery } from '../pipeline/outbound';
import { logEvent } from '../store/events';
import { requeueFailedMessage } from '../store/failed-work';
import type { User } from '../store/users';
import { actorOf } from './conversation-actions';

/** Queues a failed outbound message again, with a fresh give-up time, and logs who did it. */
export async function resendFailedMessage(ctx: AppContext, user: User, messageId: string): Promise<void> {
  const m = await ctx.db.transaction(async (tx) => {
    const row = await requeueFailedMessage(tx, messageId);
    if (!row) return null;
    await enqueueDelivery(tx, row, ctx.delivery);
    await logEvent(tx, {
      type: 'delivery_resent',
      actor: actorOf(user),
      conversationId: row.conversationId,
      ticketId: row.ticketId,
      data: { messageId: row.id, channel: row.channel },
    });
    return row;
  });
  if (!m) throw new HttpError(409, 'Tin nhắn không ở trạng thái gửi thất bại');
  ctx.bus.emit('message', { conversationId: m.conversationId, messageId: m.id, direction: 'out', status: 'queued', channel: m.channel });
  ctx.wake();
}

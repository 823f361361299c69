/**
 * "Seen by operator" to citizens: every node receives each `seen` bus event once and hands it to the
 * conversation's channel, which shows it to the citizen's connections on this node (live chat only:
 * other channels have no `notify`). The read marker itself is stored channel-neutrally (store/read-markers.ts).
 */
import type { AppContext } from '../context';

/** Starts relaying `seen` events to channels; returns the stop function. */
export function relaySeenMarkers(ctx: AppContext): () => void {
  return ctx.bus.on('seen', (e) => {
    ctx.channels.get(e.channel as never)?.notify?.(e.externalUserId, { type: 'seen', messageId: e.citizenMessageId, seenAt: e.seenAt });
  });
}

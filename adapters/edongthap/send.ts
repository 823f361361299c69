/** Normalized outbound → citizen-app callback. */
import type { OutboundMessage, SendResult } from '../../src/channels/kit';
import type { EdtClient } from './client';

/** Sends one message; the app dedupes on `id` (our message id, with the part index when split). */
export async function sendMessage(client: EdtClient, m: OutboundMessage): Promise<SendResult> {
  const id = m.parts > 1 ? `${m.id}:${m.part}` : m.id;
  await client.postMessage({
    id,
    userId: m.externalUserId,
    text: m.text,
    ticketCode: m.ticketCode,
    quickReplies: m.quickReplies.map((q) => q.title),
    timestamp: Date.now(),
  });
  return { providerMessageId: id };
}

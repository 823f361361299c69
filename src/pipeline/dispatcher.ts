/**
 * The one outbound dispatcher: looks up the channel, skips what was already sent, scales the
 * reply to the channel, sends part by part (recording each, so a retry never resends a part),
 * and retries retryable errors with backoff or marks permanent ones failed with the reason.
 *
 * A crash between a provider's success and our record of it can resend that one part: providers
 * that accept an idempotency key get our message id (`OutboundMessage.id`) to drop it.
 */
import { ChannelApiError, type OutboundMessage } from '../channels/kit/contract';
import type { AppContext } from '../context';
import { backoffMs, isFinalAttempt, probeBackedOff, resumeBackedOff, type Job } from '../jobs/queue';
import { RetryLaterError } from '../jobs/worker';
import { getConversation } from '../store/conversations';
import { logEvent, SYSTEM } from '../store/events';
import { getMessage, markFailed, markPartSent, markRetrying, markSending, markSent, type MessageRow } from '../store/messages';
import { DELIVER_JOB } from './outbound';
import { scaleReply } from './scale';

const DONE = new Set(['sent', 'delivered', 'read', 'failed']);

/** Why an outbound message can no longer be delivered on its channel (the reply window closed), or null. */
export function windowProblem(
  caps: { replyWindowMs: number | null; operatorReplyWindowMs?: number | null },
  author: MessageRow['authorKind'],
  lastInboundAt: Date | null,
  now = Date.now(),
): string | null {
  if (caps.replyWindowMs === null) return null;
  if (!lastInboundAt) return null;
  const window = author === 'operator' && caps.operatorReplyWindowMs ? caps.operatorReplyWindowMs : caps.replyWindowMs;
  const age = now - lastInboundAt.getTime();
  return age > window
    ? `window_closed: công dân nhắn lần cuối ${Math.round(age / 3_600_000)} giờ trước, quá thời hạn ${Math.round(window / 3_600_000)} giờ của kênh`
    : null;
}

/** Handles one `deliver` job. */
export async function deliver(ctx: AppContext, job: Job): Promise<void> {
  const id = String(job.payload.messageId);
  const m = await getMessage(ctx.db, id);
  if (!m || DONE.has(m.status)) return;
  const conv = await getConversation(ctx.db, m.conversationId);
  if (!conv) return fail(ctx, m, 'conversation not found');
  const adapter = ctx.channels.get(m.channel as never);
  if (!adapter) return fail(ctx, m, `channel_disabled: kênh ${m.channel} chưa được cấu hình`);
  const closed = windowProblem(adapter.capabilities, m.authorKind, conv.lastInboundAt);
  if (closed) return fail(ctx, m, closed);

  const { parts, quickReplies } = scaleReply(m.text, m.quickReplies, adapter.capabilities);
  const extra = await threadInfo(ctx, m, conv.subject);
  await markSending(ctx.db, m.id);
  try {
    for (let part = m.partsSent; part < parts.length; part++) {
      const last = part === parts.length - 1;
      const outbound: OutboundMessage = {
        id: m.id,
        channel: m.channel as OutboundMessage['channel'],
        externalUserId: conv.externalUserId,
        author: m.authorKind === 'citizen' ? 'system' : m.authorKind,
        authorName: m.authorName ?? undefined,
        purpose: (m.purpose ?? 'answer') as OutboundMessage['purpose'],
        text: parts[part],
        quickReplies: last ? quickReplies : [],
        attachments: last && adapter.capabilities.attachments ? m.attachments : [],
        ticketCode: extra.ticketCode,
        subject: extra.subject,
        inReplyTo: extra.inReplyTo,
        references: extra.references,
        lastInboundAt: conv.lastInboundAt?.getTime() ?? null,
        part,
        parts: parts.length,
      };
      const result = await adapter.send(outbound);
      await markPartSent(ctx.db, m.id, part, result.providerMessageId ?? null);
    }
  } catch (err) {
    const apiErr = err instanceof ChannelApiError ? err : null;
    const reason = err instanceof Error ? err.message : String(err);
    ctx.metrics.deliveryFailures.inc({ channel: m.channel, kind: apiErr && !apiErr.retryable ? 'permanent' : 'retryable' });
    const retryable = apiErr ? apiErr.retryable : true;
    // Given up by time (through a provider's maintenance), not by a number of attempts.
    if (!retryable || isFinalAttempt(job)) {
      return fail(ctx, m, apiErr?.code ? `${apiErr.code}: ${reason}` : reason);
    }
    await markRetrying(ctx.db, m.id, reason);
    const delay = apiErr?.retryAfterMs ?? backoffMs(job.attempts, ctx.delivery.backoffBaseMs, ctx.delivery.backoffCapMs);
    throw new RetryLaterError(reason, delay);
  }
  // A retry that went through means the provider is back: its other backed-off deliveries go now.
  if (job.attempts > 1 && (await resumeBackedOff(ctx.db, DELIVER_JOB, { channel: m.channel })) > 0) ctx.wake();
  await ctx.db.transaction(async (tx) => {
    await markSent(tx, m.id);
    await logEvent(tx, {
      type: m.purpose === 'receipt' || m.purpose === 'ticket_receipt' ? `${m.purpose}_sent` : 'message_sent',
      actor: SYSTEM,
      conversationId: m.conversationId,
      ticketId: m.ticketId,
      data: { messageId: m.id, channel: m.channel, parts: parts.length },
    });
  });
  ctx.metrics.messagesOut.inc({ channel: m.channel, outcome: 'sent' });
  ctx.metrics.deliveryLatency.observe({ channel: m.channel }, (Date.now() - m.createdAt.getTime()) / 1000);
  ctx.bus.emit('message', { conversationId: m.conversationId, messageId: m.id, direction: 'out', status: 'sent', channel: m.channel });
}

async function fail(ctx: AppContext, m: MessageRow, reason: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await markFailed(tx, m.id, reason);
    await logEvent(tx, {
      type: 'delivery_failed',
      actor: SYSTEM,
      conversationId: m.conversationId,
      ticketId: m.ticketId,
      data: { messageId: m.id, reason },
    });
  });
  ctx.metrics.messagesOut.inc({ channel: m.channel, outcome: 'failed' });
  ctx.log.warn({ channel: m.channel, conversationId: m.conversationId, messageId: m.id, reason }, 'delivery failed permanently');
  ctx.bus.emit('message', { conversationId: m.conversationId, messageId: m.id, direction: 'out', status: 'failed', channel: m.channel });
}

/** Ticket code and mail threading of a message: the ticket's code, the conversation's subject and provider ids. */
async function threadInfo(ctx: AppContext, m: MessageRow, subject: string | null) {
  const r = await ctx.db.query<{ code: string | null; refs: string[] | null; last_in: string | null }>(
    `SELECT (SELECT code FROM tickets WHERE id = COALESCE($2::uuid, (SELECT id FROM tickets WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 1))) AS code,
            (SELECT array_agg(external_id ORDER BY created_at) FROM (SELECT external_id, created_at FROM messages
               WHERE conversation_id = $1 AND external_id IS NOT NULL ORDER BY created_at DESC LIMIT 20) x) AS refs,
            (SELECT external_id FROM messages WHERE conversation_id = $1 AND direction = 'in' AND external_id IS NOT NULL
               ORDER BY created_at DESC LIMIT 1) AS last_in`,
    [m.conversationId, m.ticketId],
  );
  const row = r.rows[0];
  return {
    ticketCode: row?.code ?? null,
    subject: subject ?? undefined,
    inReplyTo: row?.last_in ?? undefined,
    references: row?.refs ?? [],
  };
}

/** How often the oldest backed-off delivery of each channel is tried early, to notice a provider that is back. */
export const DELIVERY_PROBE_MS = 5_000;

/** One probe round: per channel, the oldest backed-off delivery becomes runnable now. */
export async function probeDeliveries(ctx: AppContext): Promise<void> {
  if ((await probeBackedOff(ctx.db, DELIVER_JOB, 'channel')) > 0) ctx.wake();
}

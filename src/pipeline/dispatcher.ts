/**
 * The one outbound dispatcher: looks up the channel, skips what was already sent, scales the
 * reply to the channel, sends part by part (recording each, so a retry never resends a part),
 * and retries retryable errors with backoff or marks permanent ones failed with the reason.
 * A successful message costs its share of two statements (the claim that reads it, then sent + event
 * + job removal in one, shared with the other deliveries finishing at the same time); of one when its
 * delivery was written as started (`NewJob.startBy`): the statement that queued it read it.
 *
 * A crash between a provider's success and our record of it can resend that one part: providers
 * that accept an idempotency key get our message id (`OutboundMessage.id`) to drop it.
 */
import { ChannelApiError, type OutboundMessage } from '../channels/kit/contract';
import type { AppContext } from '../context';
import { attachedTo, backoffMs, isFinalAttempt, probeBackedOff, resumeBackedOff, type Job } from '../jobs/queue';
import { RetryLaterError, type CompletedInline } from '../jobs/worker';
import { requeueDeliveries, type DeliveryItem } from '../store/deliveries';
import { failAbandonedDeliveries } from '../store/failed-work';
import { logEvent, SYSTEM } from '../store/events';
import { markFailed, markPartSent, type MessageRow } from '../store/messages';
import { DELIVER_JOB } from './outbound';
import { scaleReply } from './scale';

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

/**
 * Handles one `deliver` job: its messages one after the other, each part recorded as the provider
 * accepts it. A permanent failure fails that message only; a retryable one retries the job, and
 * what was sent is never sent again. The last record also removes the job.
 */
export async function deliver(ctx: AppContext, job: Job): Promise<void | CompletedInline> {
  // Read by the lane's claim (`claimDeliveries`) or by the write that started it (`recordInbounds`);
  // each attempt's outcome is recorded durably (sent, retried or failed, with the attempt counted),
  // and a job whose claim is lost runs again.
  const items = attachedTo<DeliveryItem[]>(job);
  let result: CompletedInline | undefined;
  for (const [i, m] of items.entries()) {
    const last = i === items.length - 1;
    const sent = await deliverOne(ctx, job, m, items.slice(i + 1), last);
    if (sent && last) result = { completedInline: true, successor: sent.successor };
  }
  return result;
}

/** Sends one message; null when it failed for good. Throws `RetryLaterError` to retry the job (with `later` still queued). */
async function deliverOne(
  ctx: AppContext,
  job: Job,
  m: DeliveryItem,
  later: DeliveryItem[],
  lastOfJob: boolean,
): Promise<{ successor: boolean } | null> {
  if (m.externalUserId === null) return fail(ctx, m, 'conversation not found');
  const adapter = ctx.channels.get(m.channel as never);
  if (!adapter) return fail(ctx, m, `channel_disabled: kênh ${m.channel} chưa được cấu hình`);
  const closed = windowProblem(adapter.capabilities, m.authorKind, m.lastInboundAt);
  if (closed) return fail(ctx, m, closed);

  const { parts, quickReplies } = scaleReply(m.text, m.quickReplies, adapter.capabilities);
  // A sent part is recorded before the next one is sent (the last one with the `sent` status), so
  // a retry never resends a part the provider accepted.
  let unrecorded: { part: number; providerId: string | null } | null = null;
  try {
    for (let part = m.partsSent; part < parts.length; part++) {
      if (unrecorded) await markPartSent(ctx.db, m.id, unrecorded.part, unrecorded.providerId);
      const final = part === parts.length - 1;
      const result = await adapter.send({
        id: m.id,
        channel: m.channel as OutboundMessage['channel'],
        externalUserId: m.externalUserId,
        author: m.authorKind === 'citizen' ? 'system' : m.authorKind,
        authorName: m.authorName ?? undefined,
        purpose: (m.purpose ?? 'answer') as OutboundMessage['purpose'],
        text: parts[part],
        quickReplies: final ? quickReplies : [],
        attachments: final && adapter.capabilities.attachments ? m.attachments : [],
        ticketCode: m.ticketCode,
        subject: m.subject ?? undefined,
        inReplyTo: m.inReplyTo ?? undefined,
        references: m.references,
        lastInboundAt: m.lastInboundAt?.getTime() ?? null,
        part,
        parts: parts.length,
      });
      unrecorded = { part, providerId: result.providerMessageId ?? null };
    }
  } catch (err) {
    const apiErr = err instanceof ChannelApiError ? err : null;
    const reason = err instanceof Error ? err.message : String(err);
    ctx.metrics.deliveryFailures.inc({ channel: m.channel, kind: apiErr && !apiErr.retryable ? 'permanent' : 'retryable' });
    const retryable = apiErr ? apiErr.retryable : true;
    // Given up by time (through a provider's maintenance), not by a number of attempts.
    if (!retryable || isFinalAttempt(job)) return fail(ctx, m, apiErr?.code ? `${apiErr.code}: ${reason}` : reason);
    await requeueDeliveries(ctx.db, [m.id, ...later.map((x) => x.id)], reason);
    const delay = apiErr?.retryAfterMs ?? backoffMs(job.attempts, ctx.delivery.backoffBaseMs, ctx.delivery.backoffCapMs);
    throw new RetryLaterError(reason, delay);
  }
  // A retry that went through means the provider is back: its other backed-off deliveries go now.
  if (job.attempts > 1 && (await resumeBackedOff(ctx.db, DELIVER_JOB, { channel: m.channel })) > 0) ctx.wake(DELIVER_JOB);
  const providerId = unrecorded?.providerId ?? null;
  const recorded = await ctx.recordSent({
    id: m.id,
    parts: parts.length,
    providerId,
    event: {
      type: m.purpose === 'receipt' || m.purpose === 'ticket_receipt' ? `${m.purpose}_sent` : 'message_sent',
      actor: SYSTEM,
      conversationId: m.conversationId,
      ticketId: m.ticketId,
      data: { messageId: m.id, channel: m.channel, parts: parts.length },
    },
    completeJobId: lastOfJob ? job.id : null,
  });
  // The next messages of this job answer this one too (mail References).
  if (providerId) for (const x of later) x.references = [...x.references.slice(-19), providerId];
  ctx.metrics.messagesOut.inc({ channel: m.channel, outcome: 'sent' });
  ctx.metrics.deliveryLatency.observe({ channel: m.channel }, (Date.now() - m.createdAt.getTime()) / 1000);
  ctx.bus.emit('message', { conversationId: m.conversationId, messageId: m.id, direction: 'out', status: 'sent', channel: m.channel });
  return recorded;
}

async function fail(ctx: AppContext, m: MessageRow, reason: string): Promise<null> {
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
  reportFailed(ctx, m, reason);
  return null;
}

/** Tells metrics, the log and the open consoles that a message failed for good. */
function reportFailed(ctx: AppContext, m: { id: string; conversationId: string; channel: string }, reason: string): void {
  ctx.metrics.messagesOut.inc({ channel: m.channel, outcome: 'failed' });
  ctx.log.warn({ channel: m.channel, conversationId: m.conversationId, messageId: m.id, reason }, 'delivery failed permanently');
  ctx.bus.emit('message', { conversationId: m.conversationId, messageId: m.id, direction: 'out', status: 'failed', channel: m.channel });
}

/**
 * Fails the messages that a delivery job given up by the job queue left unsent (`jobId`; null: all
 * such jobs, at start), so that they are listed for a re-send; how many.
 */
export async function failAbandoned(ctx: AppContext, jobId: string | null): Promise<number> {
  const failed = await failAbandonedDeliveries(ctx.db, DELIVER_JOB, jobId, SYSTEM);
  for (const m of failed) reportFailed(ctx, m, m.error);
  return failed.length;
}

/** How often the oldest backed-off delivery of each channel is tried early, to notice a provider that is back. */
export const DELIVERY_PROBE_MS = 5_000;

/** One probe round: per channel, the oldest backed-off delivery becomes runnable now. */
export async function probeDeliveries(ctx: AppContext): Promise<void> {
  if ((await probeBackedOff(ctx.db, DELIVER_JOB, 'channel')) > 0) ctx.wake(DELIVER_JOB);
}

/**
 * Processing of one stored inbound item: parse it with its adapter, then for each event store
 * the message, send the receipt, let the bot decide, open tickets — each event in one
 * transaction, so a crash at any point is resumed by re-running the job without duplicates.
 */
import type { InboundEvent, InboundMessage, InboundPostback } from '../channels/kit/contract';
import type { AppContext } from '../context';
import { isTransientDbError, type Queryable } from '../db/database';
import type { Job } from '../jobs/queue';
import { PermanentJobError } from '../jobs/worker';
import { renderTemplate } from '../bot/definition';
import { decide, ratingOf, type BotContext } from '../bot/policy';
import { FALLBACK_INTENT, type ParseResult } from '../nlu/types';
import { resolveIdentity, setFollowed } from '../store/contacts';
import {
  createConversation,
  findOpenConversation,
  getConversation,
  setBotContext,
  touchInbound,
  type Conversation,
} from '../store/conversations';
import { BOT, logEvent, SYSTEM } from '../store/events';
import { applyReceipt, conversationOfProviderIds, inboundExists, insertInbound } from '../store/messages';
import { getTicketByCode } from '../store/tickets';
import { storeAttachments } from '../store/attachments';
import { executeDecision } from './execute-decision';
import { queueMessage } from './outbound';

const TICKET_CODE = /\b1022-\d{4}-\d{6}\b/;

/**
 * Handles one `inbound` job. A failure that would repeat with the same input (a payload the
 * adapter cannot parse, text the database refuses, a bug) fails the job at once: it becomes a
 * dead letter with its reason, visible to operators, and never holds up the citizen's next messages.
 * Only transient failures (the database restarting) are retried.
 */
export async function processInbound(ctx: AppContext, job: Job): Promise<void> {
  try {
    await processStoredEvent(ctx, job);
  } catch (err) {
    if (err instanceof PermanentJobError || isTransientDbError(err)) throw err;
    throw new PermanentJobError(`dead letter: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function processStoredEvent(ctx: AppContext, job: Job): Promise<void> {
  const r = await ctx.db.query<{ channel: string; content_type: string; body: Uint8Array; processed_at: Date | null }>(
    'SELECT channel, content_type, body, processed_at FROM inbound_events WHERE id = $1::bigint',
    [job.payload.eventId],
  );
  const row = r.rows[0];
  if (!row || row.processed_at) return;
  const adapter = ctx.channels.get(row.channel as never);
  let events: InboundEvent[];
  if (!adapter) {
    ctx.log.warn({ channel: row.channel }, 'stored event of a disabled channel left unprocessed');
    events = [];
  } else {
    try {
      events = adapter.parse(Buffer.from(row.body), row.content_type);
    } catch (err) {
      throw new PermanentJobError(`dead letter: the ${row.channel} payload cannot be parsed: ${(err as Error).message}`);
    }
  }
  for (const event of events) await handleEvent(ctx, event);
  await ctx.db.query('UPDATE inbound_events SET processed_at = now() WHERE id = $1::bigint', [job.payload.eventId]);
}

async function handleEvent(ctx: AppContext, e: InboundEvent): Promise<void> {
  switch (e.type) {
    case 'message':
    case 'postback':
      return handleMessage(ctx, e);
    case 'echo':
      return handleEcho(ctx, e);
    case 'delivery':
    case 'read': {
      const ids = await applyReceipt(
        ctx.db,
        e.channel,
        e.externalUserId,
        e.type === 'delivery' ? 'delivered' : 'read',
        e.messageIds,
        e.watermark ? new Date(e.watermark) : undefined,
      );
      for (const messageId of ids) {
        ctx.channels
          .get(e.channel)
          ?.notify?.(e.externalUserId, { type: 'status', messageId, status: e.type === 'delivery' ? 'delivered' : 'read' });
      }
      return;
    }
    case 'follow':
    case 'unfollow':
      await resolveIdentity(ctx.db, e.channel, e.externalUserId, e.contact, null);
      await setFollowed(ctx.db, e.channel, e.externalUserId, e.type === 'follow');
      return;
    case 'unsupported':
      ctx.log.info({ channel: e.channel, reason: e.reason }, 'unsupported event stored, not processed');
      return;
  }
}

/** Finds the conversation a message belongs to: mail threading first, then the open one. */
async function findConversation(tx: Queryable, e: InboundMessage | InboundPostback): Promise<Conversation | null> {
  if (e.type === 'message' && e.channel === 'email') {
    let id = await conversationOfProviderIds(tx, e.channel, e.inReplyTo ?? []);
    const code = `${e.subject ?? ''} ${e.text}`.match(TICKET_CODE)?.[0];
    if (!id && code) id = (await getTicketByCode(tx, code))?.conversationId ?? null;
    if (id) {
      const conv = await getConversation(tx, id);
      if (conv && conv.externalUserId === e.externalUserId) {
        if (conv.state !== 'closed') return conv;
        // A reply to a closed thread reopens it unless the citizen has another one open.
        const open = await findOpenConversation(tx, e.channel, e.externalUserId);
        if (open) return open;
        await tx.query(`UPDATE conversations SET state = 'waiting', closed_at = NULL WHERE id = $1`, [conv.id]);
        return { ...conv, state: 'waiting' };
      }
    }
  }
  const open = await findOpenConversation(tx, e.channel, e.externalUserId);
  if (open) return open;
  // A rating right after an operator closed the conversation belongs to that conversation.
  const text = e.type === 'message' ? e.text : e.payload;
  if (ratingOf(text) !== null) {
    const r = await tx.query<{ id: string }>(
      `SELECT id FROM conversations WHERE channel = $1 AND external_user_id = $2 AND state = 'closed'
         AND closed_at > now() - interval '1 day' AND bot_context ? 'csatTicketId'
       ORDER BY closed_at DESC LIMIT 1`,
      [e.channel, e.externalUserId],
    );
    if (r.rows[0]) return getConversation(tx, r.rows[0].id);
  }
  return null;
}

async function handleMessage(ctx: AppContext, e: InboundMessage | InboundPostback): Promise<void> {
  if (await inboundExists(ctx.db, e.channel, e.externalMessageId)) return;
  const text = e.type === 'message' ? e.text : (e.title ?? e.payload);
  const quickReplyPayload = e.type === 'message' ? e.quickReplyPayload : e.payload;
  const suppress = e.type === 'message' && e.suppressAutoReply === true;
  const attachments = e.type === 'message' ? await storeAttachments(ctx.db, ctx.blobs, e.attachments, ctx.config.ATTACHMENT_MAX_BYTES) : [];
  const adapter = ctx.channels.get(e.channel);
  if (adapter?.typing && !suppress) {
    const state = await ctx.db.query<{ state: string }>(
      `SELECT state FROM conversations WHERE channel = $1 AND external_user_id = $2 AND state <> 'closed'`,
      [e.channel, e.externalUserId],
    );
    if ((state.rows[0]?.state ?? 'bot') === 'bot') void adapter.typing(e.externalUserId, true);
  }
  const parse: ParseResult = text.trim() ? await ctx.nlu.parse(text) : emptyParse(text);
  const style = adapter?.capabilities.longForm ? 'full' : 'short';
  const profile =
    e.type === 'message' && !e.contact?.displayName && adapter?.profile ? await adapter.profile(e.externalUserId).catch(() => null) : null;
  const contactHints = { ...(profile ?? {}), ...(e.type === 'message' ? (e.contact ?? {}) : {}) };

  const outcome = await ctx.db.transaction(async (tx) => {
    const identity = await resolveIdentity(tx, e.channel, e.externalUserId, contactHints, new Date(e.timestamp));
    let conv = await findConversation(tx, e);
    const isNew = !conv;
    if (!conv) {
      conv = await createConversation(tx, {
        contactId: identity.contactId,
        identityId: identity.identityId,
        channel: e.channel,
        externalUserId: e.externalUserId,
        subject: e.type === 'message' ? (e.subject ?? null) : null,
      });
      await logEvent(tx, { type: 'conversation_opened', actor: SYSTEM, conversationId: conv.id, data: { channel: e.channel } });
    }
    const openTicket = await tx.query<{ id: string }>(
      `SELECT id FROM tickets WHERE conversation_id = $1 AND status <> 'closed' ORDER BY created_at DESC LIMIT 1`,
      [conv.id],
    );
    const ticketId = openTicket.rows[0]?.id ?? null;
    // Some providers stamp in whole seconds (IMAP INTERNALDATE): two messages of one second, or one
    // stamped before the last, still read in the order the citizen sent them (the order processed).
    const at = new Date(Math.max(e.timestamp, (conv.lastInboundAt?.getTime() ?? -Infinity) + 1));
    const stored = await insertInbound(tx, {
      conversationId: conv.id,
      channel: e.channel,
      externalId: e.externalMessageId,
      authorKind: 'citizen',
      authorName: identity.displayName,
      text,
      html: e.type === 'message' ? (e.html ?? null) : null,
      attachments,
      meta: { intent: parse.intent, quickReplyPayload, suppressAutoReply: suppress || undefined },
      createdAt: at,
    });
    if (!stored) return null;
    if (ticketId) await tx.query('UPDATE messages SET ticket_id = $2 WHERE id = $1', [stored.id, ticketId]);
    await touchInbound(tx, conv.id, at);
    await logEvent(tx, {
      type: 'message_received',
      actor: { kind: 'citizen', name: identity.displayName },
      conversationId: conv.id,
      ticketId,
      data: { messageId: stored.id, channel: e.channel, suppressAutoReply: suppress || undefined },
    });
    if (suppress) return { conv, decided: false, silent: true };

    if (isNew) {
      await queueMessage(
        tx,
        {
          conversationId: conv.id,
          channel: e.channel,
          authorKind: 'system',
          purpose: 'receipt',
          text: renderTemplate(ctx.bot.receipt, e.channel),
        },
        ctx.delivery,
      );
    }
    const decision = decide({
      def: ctx.bot,
      kb: ctx.knowledge,
      state: conv.state,
      context: conv.botContext as BotContext,
      hasOpenTicket: ticketId !== null,
      text,
      quickReplyPayload,
      parse,
      style,
      now: new Date(),
    });
    await logEvent(tx, {
      type: decision.silent ? 'bot_silent' : 'bot_decision',
      actor: BOT,
      conversationId: conv.id,
      ticketId,
      data: {
        messageId: stored.id,
        intent: decision.intent,
        confidence: round(decision.confidence),
        nluIntent: parse.intent.name,
        ranking: parse.intent_ranking.slice(0, 3).map((r) => ({ name: r.name, confidence: round(r.confidence) })),
        actions: decision.actions.map((a) => (a.type === 'reply' ? `reply:${a.answerId}` : a.type)),
      },
    });
    const context = await executeDecision(ctx, tx, { conv, decision, messageId: stored.id, text, ticketId, parse });
    await setBotContext(tx, conv.id, context as Record<string, unknown>);
    return { conv, decided: true, silent: decision.silent, intent: decision.intent };
  });
  if (!outcome) return;
  ctx.metrics.messagesIn.inc({ channel: e.channel });
  if (outcome.decided) ctx.metrics.botDecisions.inc({ intent: outcome.intent ?? 'none', outcome: outcome.silent ? 'silent' : 'acted' });
  ctx.bus.emit('message', {
    conversationId: outcome.conv.id,
    messageId: e.externalMessageId,
    direction: 'in',
    status: 'received',
    channel: e.channel,
  });
  ctx.wake();
}

/** A message a human sent from the provider's own inbox: recorded as an operator message. */
async function handleEcho(ctx: AppContext, e: Extract<InboundEvent, { type: 'echo' }>): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const conv = await findOpenConversation(tx, e.channel, e.externalUserId);
    if (!conv) return;
    const r = await tx.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_name, text, attachments, external_id, status, sent_at)
       VALUES ($1, $2, 'out', 'operator', 'Hộp thư của nhà cung cấp', $3, $4::jsonb, $5, 'sent', now())
       ON CONFLICT (channel, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id`,
      [conv.id, e.channel, e.text, JSON.stringify(e.attachments), e.externalMessageId],
    );
    if (r.rowCount > 0) {
      await logEvent(tx, {
        type: 'operator_replied_outside',
        actor: { kind: 'operator', name: 'Hộp thư của nhà cung cấp' },
        conversationId: conv.id,
        data: { channel: e.channel },
      });
    }
  });
}

function emptyParse(text: string): ParseResult {
  return { text, intent: { name: FALLBACK_INTENT, confidence: 0 }, intent_ranking: [], entities: [] };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

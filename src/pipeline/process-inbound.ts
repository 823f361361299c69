/**
 * Processing of one stored inbound item: parse it with its adapter, then for each event store the
 * message, let the bot decide, queue the receipt and replies — each message in one transaction
 * (shared with the other citizens' messages processed meanwhile: `inboundWriter`), whose last
 * statement (`recordInbounds`) also finishes the job, so a crash at any point is resumed by
 * re-running the job without duplicates.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelAdapter, ContactHints, InboundEvent, InboundMessage, InboundPostback } from '../channels/kit/contract';
import type { AppContext } from '../context';
import { isTransientDbError, type Database, type Queryable } from '../db/database';
import { GroupWrite } from '../db/group-write';
import { attachedTo, type Job } from '../jobs/queue';
import { PermanentJobError, type CompletedInline } from '../jobs/worker';
import { renderTemplate } from '../bot/definition';
import { decide, ratingOf, type BotContext } from '../bot/policy';
import { answerFit } from '../knowledge/format-answer';
import { FALLBACK_INTENT, type ParseResult } from '../nlu/types';
import { storeAttachments } from '../store/attachments';
import { resolveIdentity, setFollowed } from '../store/contacts';
import {
  conversationOfThread,
  createConversation,
  findOpenConversation,
  findRatedConversation,
  reopenConversation,
  type Conversation,
} from '../store/conversations';
import { BOT, logEvent, SYSTEM } from '../store/events';
import { finishInboundEvent, type InboundEventRow } from '../store/inbound-events';
import {
  isDuplicateMessage,
  openThreads,
  recordInbounds,
  type InboundRecord,
  type RecordedInbound,
  type Thread,
  type ThreadRequest,
} from '../store/inbound-messages';
import { applyReceipt, insertEcho } from '../store/messages';
import { ProcessingBatch } from './batch';
import { executeDecision } from './execute-decision';
import { mediaFetchJobs } from './fetch-media';
import { DELIVER_JOB, deliveryJob } from './outbound';

/**
 * Handles one `inbound` job. A failure that would repeat with the same input (a payload the
 * adapter cannot parse, text the database refuses, a bug) fails the job at once: it becomes a
 * dead letter with its reason, visible to operators, and never holds up the citizen's next messages.
 * Only transient failures (the database restarting) are retried.
 */
export async function processInbound(ctx: AppContext, job: Job): Promise<void | CompletedInline> {
  try {
    return await processStoredEvent(ctx, job);
  } catch (err) {
    if (err instanceof PermanentJobError || isTransientDbError(err)) throw err;
    throw new PermanentJobError(`dead letter: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function processStoredEvent(ctx: AppContext, job: Job): Promise<void | CompletedInline> {
  const eventId = String(job.payload.eventId);
  // Read with the claim (`claimInboundJobs`); null when the raw item is gone.
  const stored = attachedTo<InboundEventRow | null>(job);
  if (!stored || stored.processedAt) return;
  const events = parseStored(ctx, stored.channel, Buffer.from(stored.body), stored.contentType);
  const finish = { eventId, jobId: job.id };
  for (const [i, event] of events.entries()) {
    // The last message's own write stamps the item processed and removes the job.
    const last = i === events.length - 1;
    const written = await handleEvent(ctx, event, last ? finish : null);
    if (written) return { completedInline: true, successor: written.successor };
  }
  return { completedInline: true, successor: await finishInboundEvent(ctx.db, eventId, job.id) };
}

function parseStored(ctx: AppContext, channel: string, body: Buffer, contentType: string): InboundEvent[] {
  const adapter = ctx.channels.get(channel as never);
  if (!adapter) {
    ctx.log.warn({ channel }, 'stored event of a disabled channel left unprocessed');
    return [];
  }
  try {
    return adapter.parse(body, contentType);
  } catch (err) {
    throw new PermanentJobError(`dead letter: the ${channel} payload cannot be parsed: ${(err as Error).message}`);
  }
}

/** The raw item to finish with a message's write. */
type Finish = { eventId: string; jobId: string } | null;

/** Handles one event; a message written with `finish` returns whether the citizen's next job waits. */
async function handleEvent(ctx: AppContext, e: InboundEvent, finish: Finish): Promise<{ successor: boolean } | null> {
  switch (e.type) {
    case 'message':
    case 'postback':
      return handleMessage(ctx, e, finish);
    case 'echo':
      await handleEcho(ctx, e);
      return null;
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
      return null;
    }
    case 'follow':
    case 'unfollow':
      await resolveIdentity(ctx.db, e.channel, e.externalUserId, e.contact, null);
      await setFollowed(ctx.db, e.channel, e.externalUserId, e.type === 'follow');
      return null;
    case 'unsupported':
      ctx.log.info({ channel: e.channel, reason: e.reason }, 'unsupported event stored, not processed');
      return null;
  }
}

/** What the core reads of a message or a button press. */
function readInput(e: InboundMessage | InboundPostback) {
  const message = e.type === 'message' ? e : null;
  const text = e.type === 'message' ? e.text : (e.title ?? e.payload);
  return {
    text,
    /** The text is a satisfaction rating (it may answer a conversation that asked for one). */
    rating: ratingOf(text) !== null,
    quickReplyPayload: e.type === 'message' ? e.quickReplyPayload : e.payload,
    suppress: message?.suppressAutoReply === true,
    html: message?.html ?? null,
    subject: message?.subject ?? null,
    attachments: message?.attachments ?? [],
    threadHints: message?.threadHints ?? null,
  };
}
type Input = ReturnType<typeof readInput>;

/**
 * Stores a citizen's message and acts on it: who wrote and in which conversation, the bot's
 * decision and its actions, then the message with its events, replies and delivery job — in the
 * transaction of a group of messages of other citizens being processed meanwhile (`inboundWriter`).
 * Null when it was already stored; else whether the citizen's next job waits (with `finish`).
 */
async function handleMessage(ctx: AppContext, e: InboundMessage | InboundPostback, finish: Finish): Promise<{ successor: boolean } | null> {
  const input = readInput(e);
  const adapter = ctx.channels.get(e.channel);
  const parse: ParseResult = input.text.trim() ? await ctx.nlu.parse(input.text) : emptyParse(input.text);
  const contact = await contactHints(e, adapter);
  let outcome;
  try {
    outcome = await ctx.writeInbound({
      thread: threadRequest(e, input, contact),
      prepare: (tx, thread) => prepareMessage(ctx, tx, thread, { e, adapter, input, parse, finish }),
    });
  } catch (err) {
    // Stored meanwhile under the same provider id: nothing was written, the replay is dropped.
    if (isDuplicateMessage(err)) return null;
    throw err;
  }
  if (!outcome) return null;
  const { conv, decision, out } = outcome.prepared;
  // What others are told (the floor, the console) once it is committed.
  for (const notice of out.notices) notice();
  ctx.metrics.messagesIn.inc({ channel: e.channel });
  if (decision) ctx.metrics.botDecisions.inc({ intent: decision.intent ?? 'none', outcome: decision.silent ? 'silent' : 'acted' });
  ctx.bus.emit('message', {
    conversationId: conv.id,
    messageId: e.externalMessageId,
    direction: 'in',
    status: 'received',
    channel: e.channel,
  });
  // Replies written as started are already on their way (`reserveDelivery`); others wait for the lane's claim.
  if (out.replies.length > 0 && !outcome.deliveryStarted) ctx.wake(DELIVER_JOB);
  return finish ? { successor: outcome.successor } : null;
}

/** A message made ready in its group's transaction: what to write, and what the caller needs afterwards. */
export interface PreparedInbound {
  record: InboundRecord;
  conv: Conversation;
  decision: { intent: string | null; silent: boolean } | null;
  out: ProcessingBatch;
  /** Room this process's delivery lane keeps for the replies, until the write is committed (or not). */
  delivery: ReservedDelivery | null;
}

/** Room in the delivery lane for one message's replies, written as started (`reserveDelivery`). */
interface ReservedDelivery {
  startBy: { workerId: string; leaseMs: number };
  /** The write is committed and its delivery job was written as started: the lane runs it. */
  adopt(job: Job): void;
  /** The job was written pending (another of the conversation was waiting), or not written: the room goes back. */
  release(): void;
}

/**
 * One message's work inside its group's transaction: the thread it asks for (`openThreads`, one
 * statement for the group), then, given the thread, its other reads, the bot's decision and
 * actions; null when already stored.
 */
export interface InboundUnit {
  thread: ThreadRequest;
  prepare(tx: Queryable, thread: Thread): Promise<PreparedInbound | null>;
}

/** What `writeInbound` gives back: the message as prepared, and whether the citizen's next job waits. */
export interface WrittenInbound {
  prepared: PreparedInbound;
  successor: boolean;
  /** The replies' delivery was written as started and is running in this process's delivery lane. */
  deliveryStarted: boolean;
}

/**
 * The messages being processed in this process, written in groups: a message whose processing
 * starts while a group is in its transaction goes with the next one, whose transaction opens
 * every message's thread in one statement, runs each one's decision in turn, then writes them all
 * in one statement and one commit (group commit, as the intake and the delivery records). Alone, a
 * message goes at once. A message the database refuses (a duplicate, text it cannot store) rolls
 * its group back, and each message of the group is then processed again alone, so it fails alone.
 */
export function inboundWriter(
  db: Database,
  opts: { maxItems: number; maxInFlight: number },
): (unit: InboundUnit) => Promise<WrittenInbound | null> {
  const group = new GroupWrite(async (units: readonly InboundUnit[]) => {
    const prepared: (PreparedInbound | null)[] = [];
    let written: RecordedInbound[];
    try {
      // Reads and writes by key only, planned without table scans: planned on a new database's empty
      // tables, the update of the group's conversations read the whole table for each group as it
      // grew (6,401 rows a group late in the benchmark's burst).
      written = await db.transaction(
        async (tx) => {
          const threads = await openThreads(
            tx,
            units.map((u) => u.thread),
          );
          for (const [i, unit] of units.entries()) prepared.push(await unit.prepare(tx, threads[i]));
          const ready = prepared.filter((p): p is PreparedInbound => p !== null);
          return ready.length
            ? recordInbounds(
                tx,
                ready.map((p) => p.record),
              )
            : [];
        },
        { settings: { enable_seqscan: 'off' } },
      );
    } catch (err) {
      for (const p of prepared) p?.delivery?.release();
      throw err;
    }
    let k = 0;
    return prepared.map((p) => {
      if (!p) return null;
      const { successor, started } = written[k++];
      if (started) p.delivery?.adopt(started);
      else p.delivery?.release();
      return { prepared: p, successor, deliveryStarted: started !== null };
    });
  }, opts);
  return (unit) => group.submit(unit);
}

/**
 * The citizen's thread, the receipt and the bot's decision and actions for one message, in the
 * group's transaction; the record to write. Null when the message is already stored.
 */
async function prepareMessage(
  ctx: AppContext,
  tx: Queryable,
  asked: Thread,
  m: { e: InboundMessage | InboundPostback; adapter: ChannelAdapter | undefined; input: Input; parse: ParseResult; finish: Finish },
): Promise<PreparedInbound | null> {
  const { e, adapter, input, parse } = m;
  const found = await findThread(tx, e, input, asked);
  if (!found) return null;
  const { thread, conv, opened } = found;
  if (adapter?.typing && !input.suppress && conv.state === 'bot') void adapter.typing(e.externalUserId, true);
  const attachments = await storeAttachments(tx, ctx.blobs, input.attachments, ctx.config.ATTACHMENT_MAX_BYTES);
  // Some providers stamp in whole seconds (IMAP INTERNALDATE): two messages of one second, or one
  // stamped before the last, still read in the order the citizen sent them (the order processed).
  const at = new Date(Math.max(e.timestamp, (conv.lastInboundAt?.getTime() ?? -Infinity) + 1));
  const messageId = randomUUID();
  const out = new ProcessingBatch(thread.openTicketId);
  if (opened) out.log({ type: 'conversation_opened', actor: SYSTEM, conversationId: conv.id, data: { channel: e.channel } });
  out.log({
    type: 'message_received',
    actor: { kind: 'citizen', name: thread.identity.displayName },
    conversationId: conv.id,
    ticketId: thread.openTicketId,
    data: { messageId, channel: e.channel, suppressAutoReply: input.suppress || undefined },
  });
  const decision = input.suppress ? null : await decideAndAct(ctx, tx, { conv, opened, thread, input, parse, messageId, out });
  // Provider links expire: our copy of the files is downloaded by a job of its own.
  const mediaJobs = mediaFetchJobs(messageId, attachments);
  // Last, as nothing after it may throw: the room kept is given back or used once the write ends.
  const delivery = out.replies.length ? reserveDelivery(ctx, adapter, conv, out.replies) : null;
  const record: InboundRecord = {
    message: {
      id: messageId,
      conversationId: conv.id,
      channel: e.channel,
      externalId: e.externalMessageId,
      authorName: thread.identity.displayName,
      text: input.text,
      html: input.html,
      attachments,
      ticketId: out.ticketId,
      meta: { intent: parse.intent, quickReplyPayload: input.quickReplyPayload, suppressAutoReply: input.suppress || undefined },
      createdAt: at,
    },
    botContext: decision?.context,
    events: out.events,
    outbound: out.replies,
    jobs: [
      ...(out.replies.length
        ? [
            {
              ...deliveryJob(
                conv.id,
                conv.channel,
                out.replies.map((r) => r.id),
                ctx.delivery,
              ),
              startBy: delivery?.startBy,
            },
          ]
        : []),
      ...mediaJobs,
    ],
    finish: m.finish,
  };
  return { record, conv, decision: decision && { intent: decision.intent, silent: decision.silent }, out, delivery };
}

/**
 * Room in this process's delivery lane for a message's replies, so that they go out as soon as
 * their write is committed, without the lane's claim (`NewJob.startBy`; measured: the claim was
 * the second costliest statement of a conversation). None when no lane runs here or it has no room,
 * on threaded channels (a send reads the conversation's mail ids, written by that same statement),
 * or for replies to another conversation: the job is then claimed as usual.
 */
function reserveDelivery(
  ctx: AppContext,
  adapter: ChannelAdapter | undefined,
  conv: Conversation,
  replies: readonly { conversationId: string }[],
): ReservedDelivery | null {
  const lane = ctx.deliveryLane;
  if (!lane || !adapter || adapter.capabilities.threaded || replies.some((r) => r.conversationId !== conv.id)) return null;
  const startBy = lane.reserve(conv.channel);
  if (!startBy) return null;
  // `inboundWriter` ends each room once: adopted after its commit, or given back.
  return { startBy, adopt: (job) => lane.adopt(job), release: () => lane.unreserve(conv.channel) };
}

/** Contact details from the event, completed by the channel's profile when it has no name. */
async function contactHints(e: InboundMessage | InboundPostback, adapter: ChannelAdapter | undefined): Promise<ContactHints> {
  const own = e.type === 'message' ? (e.contact ?? {}) : {};
  const profile =
    e.type === 'message' && !own.displayName && adapter?.profile ? await adapter.profile(e.externalUserId).catch(() => null) : null;
  return { ...(profile ?? {}), ...own };
}

/**
 * What `openThreads` is asked for a message: without hints or a rating (nearly always), the same
 * statement opens the conversation when none is open.
 */
function threadRequest(e: InboundMessage | InboundPostback, input: Input, contact: ContactHints): ThreadRequest {
  const openNow = !input.threadHints && !input.rating;
  return {
    channel: e.channel,
    externalUserId: e.externalUserId,
    externalMessageId: e.externalMessageId,
    hints: contact,
    interactedAt: new Date(e.timestamp),
    open: openNow ? { id: randomUUID(), subject: input.subject } : null,
  };
}

/**
 * The citizen's identity and conversation, from what `openThreads` found: the open one; else the
 * thread the channel's hints name (reopened for operators); else, for a rating, the conversation
 * that asked for it; else a new one. Null when the message is already stored.
 */
async function findThread(
  tx: Queryable,
  e: InboundMessage | InboundPostback,
  input: Input,
  thread: Thread,
): Promise<{ thread: Thread; conv: Conversation; opened: boolean } | null> {
  if (thread.duplicate) return null;
  if (thread.conversation) return { thread, conv: thread.conversation, opened: thread.opened };
  if (input.threadHints) {
    const earlier = await conversationOfThread(tx, e.channel, e.externalUserId, input.threadHints);
    if (earlier) {
      // A reply to a closed thread reopens it (the citizen has no other open conversation here).
      await reopenConversation(tx, earlier.id);
      return { thread, conv: { ...earlier, state: 'waiting' }, opened: false };
    }
  }
  if (input.rating) {
    const rated = await findRatedConversation(tx, e.channel, e.externalUserId);
    if (rated) return { thread, conv: rated, opened: false };
  }
  const conv = await createConversation(tx, {
    contactId: thread.identity.contactId,
    identityId: thread.identity.identityId,
    channel: e.channel,
    externalUserId: e.externalUserId,
    subject: input.subject,
  });
  return { thread, conv, opened: true };
}

/** The receipt of a new conversation, the bot's decision (logged) and its actions; returns the decision and the bot's new memory. */
async function decideAndAct(
  ctx: AppContext,
  tx: Queryable,
  m: { conv: Conversation; opened: boolean; thread: Thread; input: Input; parse: ParseResult; messageId: string; out: ProcessingBatch },
) {
  const { conv, input, parse, out } = m;
  const caps = ctx.channels.get(conv.channel as never)?.capabilities;
  const decision = decide({
    def: ctx.bot,
    kb: ctx.knowledge,
    state: conv.state,
    context: conv.botContext as BotContext,
    hasOpenTicket: m.thread.openTicketId !== null,
    text: input.text,
    quickReplyPayload: input.quickReplyPayload,
    parse,
    style: caps?.longForm ? 'full' : 'short',
    fit: caps && answerFit(caps),
    now: new Date(),
  });
  // A new conversation's receipt, unless the message opens a ticket: then the ticket's receipt (with its
  // code) is the receipt, after the advice in an emergency (docs/contract.md, "Receipts").
  if (m.opened && !decision.actions.some((a) => a.type === 'open_ticket')) {
    out.queue({
      conversationId: conv.id,
      channel: conv.channel,
      authorKind: 'system',
      purpose: 'receipt',
      text: renderTemplate(ctx.bot.receipt, conv.channel),
    });
  }
  out.log({
    type: decision.silent ? 'bot_silent' : 'bot_decision',
    actor: BOT,
    conversationId: conv.id,
    ticketId: m.thread.openTicketId,
    data: {
      messageId: m.messageId,
      intent: decision.intent,
      confidence: round(decision.confidence),
      nluIntent: parse.intent.name,
      ranking: parse.intent_ranking.slice(0, 3).map((r) => ({ name: r.name, confidence: round(r.confidence) })),
      actions: decision.actions.map((a) => (a.type === 'reply' ? `reply:${a.answerId}` : a.type)),
    },
  });
  const context = await executeDecision(ctx, tx, {
    conv,
    decision,
    messageId: m.messageId,
    text: input.text,
    ticketId: m.thread.openTicketId,
    parse,
    out,
  });
  return { intent: decision.intent, silent: decision.silent, context: context as Record<string, unknown> };
}

/** A message a human sent from the provider's own inbox: recorded as an operator message. */
async function handleEcho(ctx: AppContext, e: Extract<InboundEvent, { type: 'echo' }>): Promise<void> {
  const author = 'Hộp thư của nhà cung cấp';
  await ctx.db.transaction(async (tx) => {
    const conv = await findOpenConversation(tx, e.channel, e.externalUserId);
    if (!conv) return;
    const stored = await insertEcho(tx, {
      conversationId: conv.id,
      channel: e.channel,
      authorName: author,
      text: e.text,
      attachments: e.attachments,
      externalId: e.externalMessageId,
    });
    if (stored) {
      await logEvent(tx, {
        type: 'operator_replied_outside',
        actor: { kind: 'operator', name: author },
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

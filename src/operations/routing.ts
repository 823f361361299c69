/**
 * The hotline floor: automatic assignment of waiting conversations to online operators (capacity,
 * skills, round-robin), supervisors' reassignment, operators' presence, and the floor's alerts
 * (a citizen waiting too long, a ticket past its deadline), each raised once across all nodes.
 *
 * Assignment is race-safe without any in-memory coordination: the conversation is locked with
 * `FOR UPDATE SKIP LOCKED` and changed by one conditional UPDATE (`state = 'waiting'`), and the
 * operator's presence row is locked while their load is recounted, so several nodes (or triggers)
 * assigning at once never give one conversation to two operators nor overfill an operator.
 */
import { z } from 'zod';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import { HttpError } from '../errors';
import { CoalescedRun } from '../jobs/coalesced-run';
import { PeriodicTask } from '../jobs/periodic';
import { raiseAlert } from '../realtime/alerts';
import { vnDeadline } from '../reports/processing-log';
import { getConversation } from '../store/conversations';
import { logEvent, SYSTEM } from '../store/events';
import {
  assignConversation,
  claimLongWaits,
  claimOverdueTickets,
  countFreeOperators,
  listFloorOperators,
  listOverdueTickets,
  listWaiting,
  lockCandidate,
  lockWaiting,
  type FloorOperator,
  type OverdueTicket,
  type WaitingConversation,
} from '../store/floor';
import { kvGet, kvSet } from '../store/kv';
import { expireConnections, getPresence, markIdleAway, renewConnections, setPresenceStatus, type PresenceStatus } from '../store/presence';
import { getUser, type User } from '../store/users';
import { CHANNEL_LABELS, label } from '../wire/labels';
import { actorOf, announceHandler, conversationOr404 } from './conversation-actions';

/** The kv_state key of the floor settings. */
const FLOOR_SETTINGS_KEY = 'floor:settings';

/** What admins set for the floor (`PUT /api/floor/settings`; every key optional). */
export const floorSettingsSchema = z.object({
  autoAssign: z.boolean().describe('assign waiting conversations to online operators automatically (default: true)'),
  longWaitSeconds: z.number().int().min(30).max(86_400).describe('a wait longer than this raises a `long_wait` alert (default: 180)'),
  awayAfterSeconds: z.number().int().min(60).max(86_400).describe('an online operator inactive this long becomes away (default: 600)'),
});

/** The floor settings. */
export type FloorSettings = z.infer<typeof floorSettingsSchema>;

const DEFAULT_SETTINGS: FloorSettings = { autoAssign: true, longWaitSeconds: 180, awayAfterSeconds: 600 };

/** The effective floor settings (defaults where nothing was saved). */
export async function floorSettings(q: Queryable): Promise<FloorSettings> {
  return { ...DEFAULT_SETTINGS, ...((await kvGet<Partial<FloorSettings>>(q, FLOOR_SETTINGS_KEY)) ?? {}) };
}

/** Saves a change to the floor settings; turning auto-assignment on assigns what is waiting at once. */
export async function saveFloorSettings(ctx: AppContext, patch: Partial<FloorSettings>): Promise<FloorSettings> {
  const next = { ...(await floorSettings(ctx.db)), ...patch };
  await kvSet(ctx.db, FLOOR_SETTINGS_KEY, next);
  if (patch.autoAssign) await assignWaiting(ctx);
  return next;
}

/** One automatic assignment. */
export interface Assignment {
  conversationId: string;
  userId: string;
  name: string;
}

/**
 * Assigns one waiting conversation if an operator can take it (null: it is gone, locked elsewhere, or
 * nobody fits; `'busy'`: the operator who fits is held by another assignment right now).
 */
async function assignOne(ctx: AppContext, conversationId: string): Promise<Assignment | 'busy' | null> {
  const done = await ctx.db.transaction(async (tx) => {
    const conv = await lockWaiting(tx, conversationId);
    if (!conv) return null;
    const op = await lockCandidate(tx, conv.field);
    if (op === 'busy') return op;
    if (!op || !(await assignConversation(tx, conversationId, op.id, ['waiting']))) return null;
    await logEvent(tx, {
      type: 'auto_assigned',
      actor: SYSTEM,
      conversationId,
      data: { assigneeId: op.id, assigneeName: op.displayName, field: conv.field },
    });
    return { conversationId, userId: op.id, name: op.displayName };
  });
  if (done && done !== 'busy') {
    const conv = await getConversation(ctx.db, conversationId);
    if (conv) announceHandler(ctx, conv, 'operator', 'assigned', done.name);
    ctx.log.info({ conversationId, userId: done.userId }, 'conversation assigned automatically');
  }
  return done;
}

/**
 * Assigns every waiting conversation an online operator can take now (when auto-assignment is on).
 * Rounds may run at once (a tick, a setting saved, an operator coming online, on several nodes): a
 * conversation passed over because the operator who could take it was held by another round at
 * that moment is tried again in a further pass, so the race leaves no free slot behind.
 */
export async function assignWaiting(ctx: AppContext): Promise<Assignment[]> {
  if (!(await floorSettings(ctx.db)).autoAssign) return [];
  const out: Assignment[] = [];
  const until = Date.now() + RETRY_PASSED_OVER_MS;
  for (;;) {
    let passedOver = false;
    for (const w of await listWaiting(ctx.db)) {
      if ((await countFreeOperators(ctx.db)) === 0) return out;
      const a = await assignOne(ctx, w.id);
      if (a === 'busy') passedOver = true;
      else if (a) out.push(a);
    }
    if (!passedOver || Date.now() > until) return out;
    // The other round's assignment commits within milliseconds.
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** How long a round keeps trying a conversation passed over for a held operator (an assignment holds one for milliseconds). */
const RETRY_PASSED_OVER_MS = 2_000;

/** A supervisor gives a conversation to an operator (or takes it from one), whatever its load. */
export async function reassign(ctx: AppContext, by: User, conversationId: string, toUserId: string): Promise<void> {
  const conv = await conversationOr404(ctx, conversationId);
  const to = await getUser(ctx.db, toUserId);
  if (!to || !to.active || !['operator', 'supervisor', 'admin'].includes(to.role))
    throw new HttpError(400, 'Người nhận không phải tổng đài viên đang hoạt động');
  const from = conv.assigneeId ? await getUser(ctx.db, conv.assigneeId) : null;
  const moved = await ctx.db.transaction(async (tx) => {
    if (!(await assignConversation(tx, conv.id, to.id, ['bot', 'waiting', 'operator']))) return false;
    await logEvent(tx, {
      type: 'reassigned',
      actor: actorOf(by),
      conversationId: conv.id,
      data: { fromId: from?.id ?? null, fromName: from?.displayName ?? null, toId: to.id, toName: to.displayName },
    });
    return true;
  });
  if (!moved) {
    const now = await getConversation(ctx.db, conv.id);
    if (now?.state === 'closed') throw new HttpError(409, 'Cuộc hội thoại đã đóng');
    return; // already theirs
  }
  announceHandler(ctx, conv, 'operator', 'reassigned', to.displayName);
}

/** Sets the caller's presence; the floor hears of it (and an operator coming online may be assigned work). */
export async function setMyPresence(ctx: AppContext, user: User, status: PresenceStatus): Promise<{ status: PresenceStatus }> {
  await setPresenceStatus(ctx.db, user.id, status);
  const now = await getPresence(ctx.db, user.id);
  ctx.bus.emit('presence', { userId: user.id, status: now.status });
  return { status: now.status };
}

const waitMinutes = (since: Date) => Math.max(1, Math.round((Date.now() - since.getTime()) / 60_000));

/** Raises the alerts that became due (each once, whichever node claims it first). */
export async function raiseDueAlerts(ctx: AppContext): Promise<number> {
  const { longWaitSeconds } = await floorSettings(ctx.db);
  const waits = await claimLongWaits(ctx.db, longWaitSeconds);
  for (const w of waits) {
    const who = w.contactName ?? 'Công dân';
    raiseAlert(ctx, 'long_wait', `${who} (${label(CHANNEL_LABELS, w.channel)}) đã chờ tổng đài viên ${waitMinutes(w.waitingSince)} phút`, {
      conversationId: w.conversationId,
    });
  }
  const overdue = await claimOverdueTickets(ctx.db);
  for (const t of overdue) {
    const agency = t.agencyName ? ` — ${t.agencyName}` : '';
    raiseAlert(ctx, 'ticket_overdue', `Phiếu ${t.code} đã quá hạn xử lý (hạn ${vnDeadline(t.dueAt)})${agency}`, {
      ticketId: t.id,
      ...(t.conversationId ? { conversationId: t.conversationId } : {}),
    });
  }
  return waits.length + overdue.length;
}

/**
 * One round of the floor, run by every node periodically: renew this node's console connections,
 * expire dead nodes' ones, make idle operators away, assign waiting conversations, raise due alerts.
 */
async function floorTick(ctx: AppContext, localSocketIds: string[] = []): Promise<void> {
  await renewConnections(ctx.db, localSocketIds);
  const { awayAfterSeconds } = await floorSettings(ctx.db);
  for (const userId of await expireConnections(ctx.db)) ctx.bus.emit('presence', { userId, status: 'offline' });
  for (const userId of await markIdleAway(ctx.db, awayAfterSeconds)) ctx.bus.emit('presence', { userId, status: 'away' });
  await assignWaiting(ctx);
  await raiseDueAlerts(ctx);
}

/** How often each node runs the floor round (default: 10 s). */
const FLOOR_TICK_MS = 10_000;

/**
 * A trigger runs a round at once and once more after this delay: live events are sometimes published
 * inside the transaction that makes the change, so the first round may not see the conversation yet.
 */
const FOLLOW_UP_MS = 1_000;

/** The floor of one node: the periodic round and the assignment triggers. */
export interface FloorRunner {
  /** Starts the periodic round and listens for triggers. */
  start(): void;
  /** Runs one floor round now (with this node's connections). */
  tick(): Promise<void>;
  /** Stops and waits for a round in flight. */
  stop(): Promise<void>;
}

/**
 * The floor on this node: `floorTick` every `everyMs`, and an assignment round whenever a
 * conversation starts waiting, an operator frees a slot (close, release, reassignment) or comes
 * online. Rounds in this process never overlap (a trigger during a round runs one more round).
 */
export function createFloor(ctx: AppContext, localSocketIds: () => string[], everyMs = FLOOR_TICK_MS): FloorRunner {
  const warn = (err: unknown) => ctx.log.warn({ err }, 'floor round failed');
  let stopped = true;
  const rounds = new CoalescedRun(async () => {
    if (!stopped) await assignWaiting(ctx);
  }, warn);
  const timers = new Set<NodeJS.Timeout>();
  const round = () => {
    if (!stopped) void rounds.request();
  };
  const kick = () => {
    round();
    const timer = setTimeout(() => {
      timers.delete(timer);
      round();
    }, FOLLOW_UP_MS).unref();
    timers.add(timer);
  };
  let offs: (() => void)[] = [];
  const tick = () => floorTick(ctx, localSocketIds());
  const task = new PeriodicTask(tick, everyMs, warn);
  return {
    start() {
      stopped = false;
      offs = [
        ctx.bus.on('conversation', (e) => {
          if (e.state !== 'operator' || e.reason === 'reassigned') kick();
        }),
        ctx.bus.on('presence', (e) => {
          if (e.status === 'online') kick();
        }),
      ];
      task.start();
    },
    tick,
    async stop() {
      stopped = true;
      for (const off of offs) off();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await task.stop();
      await rounds.idle();
    },
  };
}

/** What the floor page shows (`GET /api/floor`). */
export interface FloorSnapshot {
  /** Server time, so that the console counts waiting times from the server's clock. */
  now: Date;
  settings: FloorSettings;
  operators: FloorOperator[];
  waiting: WaitingConversation[];
  /** The longest current wait in seconds (0: nobody waits). */
  longestWaitSeconds: number;
  /** Conversations waiting longer than the alert threshold. */
  longWaits: number;
  overdueTickets: { total: number; items: OverdueTicket[] };
}

/** The floor now: operators with status and load, the waiting queue, breaches. */
export async function floorSnapshot(ctx: AppContext): Promise<FloorSnapshot> {
  const settings = await floorSettings(ctx.db);
  const now = new Date();
  const waiting = await listWaiting(ctx.db);
  const waitSeconds = (w: WaitingConversation) => Math.max(0, Math.round((now.getTime() - w.waitingSince.getTime()) / 1000));
  return {
    now,
    settings,
    operators: await listFloorOperators(ctx.db),
    waiting,
    longestWaitSeconds: waiting.reduce((max, w) => Math.max(max, waitSeconds(w)), 0),
    longWaits: waiting.filter((w) => waitSeconds(w) > settings.longWaitSeconds).length,
    overdueTickets: await listOverdueTickets(ctx.db),
  };
}

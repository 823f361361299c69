/**
 * Notifications of changes, for live consoles, live-chat sessions and the caches of every node.
 * This class is the in-process bus (PGlite: one process); on a PostgreSQL server `PgBus`
 * (./pg-bus.ts) extends it so that every node of a cluster receives every event.
 */
import { EventEmitter } from 'node:events';
import type { ConsoleEvents } from '../wire/events';

export type { ReferenceChange, ReferenceList } from '../wire/events';

/** Everything the bus carries: the events open consoles receive, and session revocations. */
export interface BusEvents extends ConsoleEvents {
  /**
   * Sessions were revoked: a user's (deactivated, role changed, password reset; all but `keepTokenHash`'s),
   * or one session (`tokenHash`: logout). Their live connections are closed, on every node.
   */
  session_revoked: { userId: string; keepTokenHash?: string; tokenHash?: string };
  /**
   * Operators have read a conversation up to the citizen's message `citizenMessageId` (its provider id):
   * every node tells its own live-chat connections of that citizen (./seen-relay.ts).
   */
  seen: { conversationId: string; channel: string; externalUserId: string; citizenMessageId: string; seenAt: number };
}

/** Where an event was published: in this process, or on another node of the cluster. */
export type BusOrigin = 'local' | 'remote';

/** A typed event emitter; every subscriber receives each event once, whichever node published it. */
export class Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(1000);

  /** Publishes an event (delivered here at once, synchronously). */
  emit<K extends keyof BusEvents>(kind: K, payload: BusEvents[K]): void {
    this.deliver(kind, payload, 'local');
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof BusEvents>(kind: K, fn: (payload: BusEvents[K], origin: BusOrigin) => void): () => void {
    this.emitter.on(kind, fn);
    return () => this.emitter.off(kind, fn);
  }

  /**
   * Subscribes to "events may have been missed" (the cluster connection was lost and is back):
   * caches reload everything. Never called on the in-process bus.
   */
  onResync(fn: () => void): () => void {
    this.emitter.on(RESYNC, fn);
    return () => this.emitter.off(RESYNC, fn);
  }

  /** Starts receiving other nodes' events (nothing to do in-process). */
  async start(): Promise<void> {}

  /** Stops receiving other nodes' events. */
  async close(): Promise<void> {}

  /** Hands an event to this process's subscribers. */
  protected deliver(kind: keyof BusEvents, payload: unknown, origin: BusOrigin): void {
    this.emitter.emit(kind, payload, origin);
  }

  /** Tells subscribers that events may have been missed. */
  protected resync(): void {
    this.emitter.emit(RESYNC);
  }
}

const RESYNC = Symbol('resync');

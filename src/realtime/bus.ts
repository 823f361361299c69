/** In-process notifications of changes, for live consoles and live-chat sessions. */
import { EventEmitter } from 'node:events';
import type { ConsoleEvents } from '../wire/events';

export type { ReferenceChange, ReferenceList } from '../wire/events';

/** Everything the bus carries: the events open consoles receive, and session revocations. */
export interface BusEvents extends ConsoleEvents {
  /** A user's sessions were revoked (deactivated, role changed, password reset): their live connections are closed. */
  session_revoked: { userId: string; keepTokenHash?: string };
}

/** A typed event emitter. */
export class Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(1000);

  /** Publishes an event. */
  emit<K extends keyof BusEvents>(kind: K, payload: BusEvents[K]): void {
    this.emitter.emit(kind, payload);
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof BusEvents>(kind: K, fn: (payload: BusEvents[K]) => void): () => void {
    this.emitter.on(kind, fn);
    return () => this.emitter.off(kind, fn);
  }
}

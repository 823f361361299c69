/** In-process notifications of changes, for live consoles and live-chat sessions. */
import { EventEmitter } from 'node:events';

/** Everything the bus carries. */
export interface BusEvents {
  conversation: { conversationId: string; state: string; channel: string; reason: string };
  message: { conversationId: string; messageId: string; direction: 'in' | 'out'; status: string; channel: string };
  ticket: { ticketId: string; code: string; status: string; priority: string; agencyId: string | null; reason: string };
  /** A citizen started or stopped typing (live chat). */
  typing: { conversationId: string; channel: string; on: boolean };
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

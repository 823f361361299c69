/** In-process notifications of changes, for live consoles and live-chat sessions. */
import { EventEmitter } from 'node:events';

/** Everything the bus carries. */
export interface BusEvents {
  conversation: { conversationId: string; state: string; channel: string; reason: string };
  message: { conversationId: string; messageId: string; direction: 'in' | 'out'; status: string; channel: string };
  ticket: { ticketId: string; code: string; status: string; priority: string; agencyId: string | null; reason: string };
  /** A citizen started or stopped typing (live chat). */
  typing: { conversationId: string; channel: string; on: boolean };
  /** An admin changed shared reference data: open consoles reload that list (and warn whoever is editing the same item). */
  reference: ReferenceChange;
  /** A user's sessions were revoked (deactivated, role changed, password reset): their live connections are closed. */
  session_revoked: { userId: string; keepTokenHash?: string };
}

/** The lists the console caches or shows, each changed only by admins (or supervisors, for canned replies). */
export type ReferenceList = 'fields' | 'agencies' | 'users' | 'canned' | 'settings' | 'procedures' | 'services' | 'training' | 'review' | 'model';

/** One change to a reference list: which list, which item (when one), and who changed it. */
export interface ReferenceChange {
  list: ReferenceList;
  id?: string;
  /** The version an edit produced (knowledge-base items). */
  version?: number;
  by: { userId: string | null; name: string };
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

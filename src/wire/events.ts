/**
 * The live events the server pushes to open consoles (socket.io namespace `/console`, see
 * `src/realtime/console-socket.ts`). The bus (`src/realtime/bus.ts`, across nodes on PostgreSQL) carries the same payloads.
 */
import type { ConversationState } from '../store/conversations';
import type { MessageStatus } from '../store/messages';
import type { Priority, TicketStatus } from '../store/tickets';

/** Server → console events, by name. */
export interface ConsoleEvents {
  conversation: { conversationId: string; state: ConversationState; channel: string; reason: string };
  message: { conversationId: string; messageId: string; direction: 'in' | 'out'; status: MessageStatus; channel: string };
  ticket: { ticketId: string; code: string; status: TicketStatus; priority: Priority; agencyId: string | null; reason: string };
  /** A citizen started or stopped typing (live chat). */
  typing: { conversationId: string; channel: string; on: boolean };
  /** An admin changed shared reference data: open consoles reload that list (and warn whoever is editing the same item). */
  reference: ReferenceChange;
  /** Something a person must look at now (console banner and sound for every online operator and supervisor). */
  alert: FloorAlert;
  /** An operator's presence changed (chosen, away for inactivity, offline when their last console closed): the floor page reloads. */
  presence: { userId: string; status: 'online' | 'away' | 'offline' };
}

/** Why an alert was raised. */
export type AlertKind = 'emergency' | 'long_wait' | 'ticket_overdue';

/** One alert for the hotline floor: an emergency, a citizen waiting too long, a ticket past its deadline. */
export interface FloorAlert {
  kind: AlertKind;
  conversationId?: string;
  ticketId?: string;
  /** Vietnamese text shown in the banner. */
  message: string;
  at: string;
}

/** The lists the console caches or shows, each changed only by admins (or supervisors, for canned replies). */
export type ReferenceList =
  'fields' | 'agencies' | 'users' | 'canned' | 'settings' | 'procedures' | 'services' | 'training' | 'review' | 'model';

/** One change to a reference list: which list, which item (when one), and who changed it. */
export interface ReferenceChange {
  list: ReferenceList;
  id?: string;
  /** The version an edit produced (knowledge-base items). */
  version?: number;
  by: { userId: string | null; name: string };
}

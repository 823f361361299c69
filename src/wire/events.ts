/**
 * The live events the server pushes to open consoles (socket.io namespace `/console`, see
 * `src/realtime/console-socket.ts`). The in-process bus (`src/realtime/bus.ts`) carries the same payloads.
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

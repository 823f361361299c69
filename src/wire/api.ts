/**
 * The JSON shapes of the console API (docs/console-api.md) as the web console receives them: the
 * server's own types passed through `Serialized` (dates become ISO strings), plus the few shapes a
 * route assembles itself. Types only: the console imports this module with `import type`, so no
 * server code reaches its bundle.
 */
import type { ChannelCapabilities, ChannelName } from '../channels/kit/contract';
import type { Agency as AgencyData, Procedure as ProcedureData, ServiceAnswer as ServiceAnswerData } from '../knowledge/schema';
import type { ChannelPreview as ServerChannelPreview, DiffEntry, kbVersions, tryBot } from '../knowledge/edit';
import type {
  KbListItem,
  ReviewItem as ServerReviewItem,
  TrainingExample as ServerTrainingExample,
  trainingCounts,
} from '../knowledge/store';
import type { ImportResult as ServerImportResult } from '../operations/directory-import';
import type { ConsoleSettings } from '../operations/settings';
import type { CannedReply as ServerCannedReply } from '../store/canned-replies';
import type { ConversationState } from '../store/conversations';
import type { Dashboard as ServerDashboard } from '../store/dashboard';
import type { AgencyRow, FieldRow } from '../store/directory';
import type { EventRow as ServerEventRow } from '../store/events';
import type { ContactCard, ConversationSummary as ServerConversationSummary, InboxCounts } from '../store/inbox';
import type { ApiMessage } from '../store/message-view';
import type { MessageStatus } from '../store/messages';
import type { Proposal as ServerProposal } from '../store/proposals';
import type { Priority, Ticket as ServerTicket, TicketStatus } from '../store/tickets';
import type { StaffUser as ServerStaffUser, User as ServerUser, Role } from '../store/users';
import type { DeadLetter as ServerDeadLetter, FailedDelivery as ServerFailedDelivery } from '../store/failed-work';
import type { AccessRow as ServerAccessRow } from '../store/access-log';
import type { Consent as ServerConsent } from '../store/consents';
import type { ChainReport as ServerChainReport } from '../store/event-chain';
import type { AgencySuggestion as ServerAgencySuggestion } from '../pipeline/suggest-agency';
import type { AgencyNotification as ServerAgencyNotification } from '../store/agency-notifications';
import type { ChannelActivity } from '../store/channel-activity';
import type { Serialized } from './serialized';

export type { ChannelName as Channel, ConversationState, MessageStatus, Priority, Role, TicketStatus };

/** The signed-in user (`GET /api/me`, and `user` of `POST /api/auth/token`). */
export type User = Serialized<ServerUser>;
/** A user as the users page lists them (`GET /api/users`). */
export type StaffUser = Serialized<ServerStaffUser>;
/** `POST /api/auth/token`. */
export interface TokenResponse {
  token: string;
  expiresAt: string;
  user: User;
}

/** A ticket (phiếu). */
export type Ticket = Serialized<ServerTicket>;
/** A suggested agency to forward a ticket to (`GET /api/tickets/:code/agency-suggestions`). */
export type AgencySuggestion = Serialized<ServerAgencySuggestion>;
/** A focal point's notification, and the bell's list (`GET /api/notifications`). */
export type AgencyNotification = Serialized<ServerAgencyNotification>;
export interface AgencyNotifications {
  items: AgencyNotification[];
  unread: number;
}
/** A page of a list (`GET /api/tickets`). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
/** A message of a conversation. */
export type Message = Serialized<ApiMessage>;
/** A file sent or received with a message. */
export type Attachment = Message['attachments'][number];
/** One entry of the processing log. */
export type EventRow = Serialized<ServerEventRow>;
/** `GET /api/tickets/:code`: a ticket with its conversation's messages and its processing log. */
export type TicketDetail = Ticket & {
  conversation: { id: string; state: ConversationState; assigneeId: string | null; lastInboundAt: string | null } | null;
  messages: Message[];
  events: EventRow[];
};

/** One row of the inbox. */
export type ConversationSummary = Serialized<ServerConversationSummary>;
/** The counters of the inbox tabs. */
export type ConversationCounts = InboxCounts;
/** `GET /api/conversations`. */
export type ConversationList = Page<ConversationSummary> & { counts: ConversationCounts };
/** A citizen with identities on every channel and past tickets (`GET /api/contacts/:id`). */
export type Contact = Serialized<ContactCard>;
/** A citizen's identity on one channel. */
export type Identity = Contact['identities'][number];
/** A consent the citizen gave to personal-data processing (`GET /api/contacts/:id/consents`). */
export type Consent = Serialized<Omit<ServerConsent, 'contactId' | 'externalId'>>;
/** `GET /api/conversations/:id`. */
export interface ConversationDetail {
  conversation: ConversationSummary;
  contact: Contact;
  messages: Message[];
  ticket: Ticket | null;
  events: EventRow[];
}

/** A canned reply. */
export type CannedReply = Serialized<ServerCannedReply>;
/** A ticket field (lĩnh vực). */
export type Field = FieldRow;
/** An agency (cơ quan). */
export type Agency = AgencyRow;
/** An agency as sent to `POST /api/agencies` (and, without its code, to `PATCH`). */
export type AgencyInput = AgencyData;
/** `POST /api/agencies/import` and `POST /api/fields/import`. */
export type ImportResult = ServerImportResult;

/** A procedure of the knowledge base. */
export type Procedure = ProcedureData;
/** A procedure in the editor's list (`GET /api/kb/procedures`). */
export type ProcedureSummary = Omit<Serialized<KbListItem>, 'id'>;
/** A service answer. */
export type ServiceAnswer = ServiceAnswerData;
/** A service answer in the editor's list (`GET /api/kb/services`). */
export type ServiceSummary = Serialized<KbListItem>;
/** One saved version of a knowledge-base item, with what it changed. */
export type KbVersion = Serialized<Awaited<ReturnType<typeof kbVersions>>[number]>;
/** One changed path of a knowledge-base item. */
export type KbDiff = DiffEntry;
/** `GET /api/kb/{procedures|services}/:id` under `procedure` or `service`, and what a save or restore answers. */
export type KbItem<K extends 'procedure' | 'service', T> = { [P in K]: T } & {
  version: number;
  updatedAt: string;
  updatedBy: string | null;
  diff?: KbDiff[];
};
/** How a channel shows an answer (`POST /api/kb/preview`, by channel). */
export type ChannelPreview = ServerChannelPreview;
/** `POST /api/bot/try`. */
export type BotTry = Serialized<Awaited<ReturnType<typeof tryBot>>>;
/** The Rasa-format parse result in `BotTry`. */
export type ParseResult = BotTry['parse'];
/** An intent with its number of phrases (`GET /api/training`). */
export type TrainingIntent = Awaited<ReturnType<typeof trainingCounts>>[number] & { label: string };
/** One training phrase. */
export type TrainingExample = Serialized<ServerTrainingExample>;
/** A message waiting in the review queue. */
export type ReviewItem = Serialized<ServerReviewItem>;

/** The supervisors' dashboard (`GET /api/stats/dashboard`). */
export type Dashboard = Serialized<ServerDashboard>;
/** An agency answer waiting for approval. */
export type Proposal = Serialized<ServerProposal>;
/** Console settings (`GET/PUT /api/settings`). */
export type Settings = ConsoleSettings;
/** A text with per-channel variants. */
export type PerChannelText = Settings['receipt'];
/** A channel as the channels page lists it (`GET /api/channels`). */
export interface ChannelInfo {
  channel: ChannelName;
  enabled: boolean;
  capabilities: ChannelCapabilities | null;
  testable: boolean;
  /** Names of the required settings that are unset (never their values). */
  missing: string[];
  /** Recent activity: last inbound, last sent, last failure, queued and failed deliveries. */
  status: Serialized<ChannelActivity>;
  /** A long-running intake (email's IMAP reader): its connection and which node runs it; null for other channels. */
  intake: ChannelIntake | null;
  /** Live chat only: the widget's embed snippet. */
  embed?: WidgetEmbed;
}
/** The connection of a channel's intake and its leader in the cluster. */
export interface ChannelIntake {
  /** Last reported connection state; null before the first report. */
  connected: boolean | null;
  error: string | null;
  /** When the state was reported (ISO time). */
  at: string | null;
  /** This node runs the intake. */
  leadingHere: boolean;
  /** The node (NODE_ID) running it, on a PostgreSQL server; null when none does, or on PGlite. */
  leader: string | null;
}
/** The live-chat embed snippet. */
export interface WidgetEmbed {
  /** The `<script>` tag to paste into the host page. */
  snippet: string;
  /** The gateway address the snippet uses (PUBLIC_BASE_URL). */
  baseUrl: string;
  /** False when PUBLIC_BASE_URL is unset: the snippet names a local address to be replaced. */
  configured: boolean;
}
/** `POST /api/channels/:channel/test`. */
export interface ConnectionTest {
  ok: boolean;
  detail: string;
}
/** An outbound message that failed for good (`GET /api/deliveries/failed`). */
export type FailedDelivery = Serialized<ServerFailedDelivery>;
/** An inbound event that can never be processed (`GET /api/dead-letters`). */
export type DeadLetter = Serialized<ServerDeadLetter>;
/** One personal-data access (`GET /api/access-log`). */
export type AccessLogEntry = Serialized<ServerAccessRow>;
/** A page of the access log. */
export interface AccessLogPage {
  items: AccessLogEntry[];
  next: number | null;
}
/** The hash-chain check of a ticket's processing log (`GET /api/tickets/:code/log/verify`). */
export type ChainCheck = Serialized<ServerChainReport>;

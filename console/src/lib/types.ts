/** Shapes of the console API (docs/console-api.md). */

export type Role = 'admin' | 'supervisor' | 'operator' | 'agency';
export type Channel = 'zalo' | 'facebook' | 'email' | 'livechat' | 'edongthap' | 'phone';
export type ConversationState = 'bot' | 'waiting' | 'operator' | 'closed';
export type TicketStatus = 'new' | 'assigned' | 'in_progress' | 'forwarded' | 'answered' | 'closed';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  agencyId: string | null;
  agency?: { code: string; name: string } | null;
  mustChangePassword: boolean;
  active: boolean;
  totpEnabled?: boolean;
  lastLoginAt?: string | null;
  createdAt?: string;
}

export interface AgencyRef { id?: string; code: string; name: string }

export interface ContactRef {
  id: string;
  displayName: string | null;
  channel?: string;
  externalId?: string;
  phone: string | null;
  email: string | null;
}

export interface Ticket {
  id: string;
  code: string;
  status: TicketStatus;
  channel: Channel;
  field: string | null;
  agency: AgencyRef | null;
  assignee: { id: string; name: string } | null;
  priority: Priority;
  intent: string | null;
  title: string;
  content: string;
  resolution: string | null;
  createdBy: 'bot' | 'operator';
  callerName: string | null;
  callerPhone: string | null;
  contact: ContactRef | null;
  conversationId: string | null;
  dueAt: string | null;
  firstResponseAt: string | null;
  answeredAt: string | null;
  closedAt: string | null;
  csat: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Attachment {
  kind: string;
  name?: string | null;
  mimeType?: string | null;
  size?: number | null;
  url?: string | null;
  attachmentId?: string | null;
}

export interface Message {
  id: string;
  direction: 'in' | 'out';
  author: 'citizen' | 'bot' | 'operator' | 'system';
  authorName: string | null;
  purpose: string | null;
  text: string | null;
  attachments: Attachment[];
  quickReplies: { title: string; payload: string }[];
  status: MessageStatus;
  error: string | null;
  intent: { name: string; confidence: number } | null;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
}

export interface EventRow {
  id: string;
  type: string;
  actorKind: string;
  actorName: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  ticketId: string | null;
  conversationId: string | null;
}

export interface TicketDetail extends Ticket {
  conversation: { id: string; state: ConversationState; assigneeId: string | null; lastInboundAt: string | null } | null;
  messages: Message[];
  events: EventRow[];
}

export interface ConversationSummary {
  id: string;
  channel: Channel;
  state: ConversationState;
  contact: { id: string; displayName: string | null; phone: string | null; email: string | null };
  externalUserId: string;
  assignee: { id: string; name: string } | null;
  lastMessage: { text: string | null; direction: 'in' | 'out'; author: string; at: string } | null;
  lastInboundAt: string | null;
  ticket: { code: string; status: TicketStatus; priority: Priority; field: string | null; agency: { code: string; name: string } | null; dueAt: string | null } | null;
  replyWindow: { closesAt: string | null; closed: boolean } | null;
}

export interface ConversationCounts { bot: number; waiting: number; mine: number; open: number; closed: number; urgent: number }

export interface ConversationList { items: ConversationSummary[]; total: number; counts: ConversationCounts }

export interface Identity { channel: Channel; externalId: string; displayName: string | null; lastInteractionAt: string | null; followed?: boolean | null }

export interface Contact {
  id: string;
  displayName: string | null;
  phone: string | null;
  email: string | null;
  identities: Identity[];
  tickets: { code: string; status: TicketStatus; title: string; createdAt: string }[];
}

export interface ConversationDetail {
  conversation: ConversationSummary;
  contact: Contact;
  messages: Message[];
  ticket: Ticket | null;
  events: EventRow[];
}

export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }

export interface CannedReply { id: string; shortcut: string; title: string; text: string }

export interface Field { code: string; name: string; sort_order?: number; sortOrder?: number; active?: boolean }

export interface Agency {
  id?: string;
  code: string;
  name: string;
  kind: 'department' | 'vertical' | 'commune' | 'other';
  parent: string | null;
  phone: string | null;
  email: string | null;
  fields: string[];
  aliases: string[];
  notes: string | null;
  active?: boolean;
}

export interface Procedure {
  intent: string;
  title: string;
  field: string;
  summary: string;
  agency: string;
  level: 'xa' | 'tinh' | 'trung_uong' | 'co_quan_doc';
  agency_codes: string[];
  documents: string[];
  processing_time: string;
  fee: string;
  where: string[];
  online_url: string | null;
  legal_basis: string[];
  recent_changes: string[];
  notes: string[];
  review_notes: string[];
  sources: string[];
  last_reviewed: string;
}

export interface ProcedureSummary { intent: string; title: string; field: string; version: number; updatedAt: string | null; updatedBy: string | null }

export interface ProcedureVersion { version: number; user: string | null; createdAt: string; diff: { path: string; before: unknown; after: unknown }[] }

export interface ChannelPreview { text: string; quickReplies: { title: string; payload?: string }[]; subject?: string; parts?: string[] }

export interface Dashboard {
  period: { from: string; to: string };
  totals: { conversations: number; messagesIn: number; tickets: number; botResolved: number; escalated: number; botResolvedRate: number; open: number; overdue: number };
  byDay: { day: string; conversations: number; tickets: number }[];
  byHour: { hour: number; messages: number }[];
  byChannel: { channel: string; conversations: number; tickets: number }[];
  byField: { field: string; label: string; tickets: number }[];
  byAgency: { code: string; name: string; tickets: number; open: number; overdue: number }[];
  firstResponse: { p50_s: number | null; p90_s: number | null };
  resolution: { p50_s: number | null; p90_s: number | null };
  operators: { userId: string; name: string; takenOver: number; replies: number; closed: number; firstResponseP50_s: number | null; lastActivityAt: string | null }[];
  csat: { average: number | null; count: number; distribution: Record<string, number> };
}

export interface ParseResult {
  text: string;
  intent: { name: string; confidence: number };
  intent_ranking?: { name: string; confidence: number }[];
  entities?: { entity: string; value: unknown; start?: number; end?: number }[];
}

export interface BotTry {
  parse: ParseResult;
  decision: { intent: string; confidence: number; actions: { type: string; [k: string]: unknown }[] };
  answer: { text: string; quickReplies: { title: string; payload?: string }[] } | null;
}

export interface ReviewItem { messageId: string; text: string; nluIntent: string; confidence: number; correctedIntent: string | null; reason?: 'fallback' | 'reclassified'; createdAt: string; ticketCode: string | null }

export type PerChannelText = { default: string } & Partial<Record<Channel, string>>;

export interface Settings {
  receipt: PerChannelText;
  ticketReceipt: PerChannelText;
  greeting: string;
  officeHours: { days: number[]; open: string; close: string; holidays: string[] };
  agencyReplyMode: 'direct' | 'approval';
}

export interface Proposal {
  id: string;
  ticketCode: string;
  ticketTitle?: string | null;
  text: string;
  agency?: { code: string; name: string } | null;
  author?: string | { id?: string; name: string } | null;
  createdAt: string;
}

export interface ServiceAnswer { id: string; intent: string; field: string | null; text: string; quick_replies: { title: string; payload: string }[] }

export interface ServiceSummary { id: string; intent: string; field: string | null; text?: string; version: number; updatedAt: string | null; updatedBy: string | null }

export interface ChannelInfo {
  channel: Channel;
  enabled: boolean;
  testable?: boolean;
  capabilities?: { textMax?: number; maxTextLength?: number; quickReplies?: unknown; attachments?: boolean | string[]; replyWindowHours?: number | null; replyWindowMs?: number | null; longForm?: boolean; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ImportResult { created: number; updated: number; errors: { line: number; message: string }[] }

export interface TrainingIntent { intent: string; count: number }
export interface TrainingExample { id: string; text: string; source: string | null; createdAt: string }

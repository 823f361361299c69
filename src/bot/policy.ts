/**
 * The dialogue policy: from the conversation's state, the citizen's message and the NLU result,
 * decide what the bot does. Pure — the pipeline carries the decision out in one transaction.
 * It prefers handing over to an operator to answering wrongly.
 */
import type { QuickReply } from '../channels/kit/contract';
import { FALLBACK_INTENT, type ParseResult } from '../nlu/types';
import type { ConversationState } from '../store/conversations';
import type { Priority } from '../store/tickets';
import { message, type BotDefinition } from './definition';
import { isOfficeHours, nextOpening } from './office-hours';
import { reportField, missingReportDetails } from './report-details';

/** A ready-made answer from the knowledge base. */
export interface Answer {
  id: string;
  text: string;
  quickReplies: QuickReply[];
}

/** What the policy may read of the knowledge base. */
export interface KnowledgeView {
  /** The procedure answer for an intent, shaped for the channel; null if the KB has none. */
  procedureAnswer(intent: string, style: 'short' | 'full'): Answer | null;
  /** A service answer (greeting, emergency guidance, formal route…) by intent or id. */
  serviceAnswer(intentOrId: string): Answer | null;
  /** The procedure's title (for clarifying questions). */
  title(intent: string): string | null;
  /** The ticket field of an intent. */
  field(intent: string): string | null;
}

/** The bot's memory within one conversation. */
export interface BotContext {
  /** Options offered in a clarifying question, awaiting a choice. */
  clarify?: string[];
  /** A report (phản ánh) whose details are being asked for. */
  report?: { ticketId: string; asked: number };
  /** Waiting for a ticket code to look up. */
  awaitingTicketCode?: boolean;
  /** Waiting for a CSAT rating of this ticket. */
  csatTicketId?: string;
  lastIntent?: string;
}

/** One thing the bot does. */
export type BotAction =
  | { type: 'reply'; text: string; quickReplies: QuickReply[]; answerId: string }
  | { type: 'open_ticket'; intent: string; field: string | null; priority: Priority; reason: string }
  /** Raise the conversation's open ticket to urgent (emergencies while a ticket is open). */
  | { type: 'flag_urgent' }
  /** Hand the conversation to operators (state `waiting`). */
  | { type: 'escalate'; reason: string }
  | { type: 'lookup_ticket'; code: string }
  /** Append the citizen's extra details to the report ticket. */
  | { type: 'add_report_details'; ticketId: string }
  | { type: 'record_csat'; ticketId: string; score: number };

/** The decision for one message: actions, the new memory, and what the bot understood (for the log). */
export interface Decision {
  actions: BotAction[];
  context: BotContext;
  intent: string;
  confidence: number;
  /** True when the bot stays silent (an operator holds the conversation). */
  silent: boolean;
}

/** Input of one decision. */
export interface PolicyInput {
  def: BotDefinition;
  kb: KnowledgeView;
  state: ConversationState;
  context: BotContext;
  hasOpenTicket: boolean;
  text: string;
  quickReplyPayload?: string;
  parse: ParseResult;
  style: 'short' | 'full';
  now: Date;
}

/** The 1–5 rating a message gives ("5", "4 sao", "3 ⭐"), or null. */
export function ratingOf(text: string): number | null {
  const m = text.trim().match(/^([1-5])(\s*(sao|\*|⭐))?$/i);
  return m ? Number(m[1]) : null;
}

const EMERGENCY = new Set(['khan_cap_113', 'khan_cap_114', 'khan_cap_115']);
const REPORTS = new Set(['phan_anh_kien_nghi', 'su_co_ha_tang', 'vi_pham']);
const SERVICE_REPLIES = new Set(['chao_hoi', 'cam_on_tam_biet', 'thong_tin_tong_dai', 'tra_cuu_ho_so', 'khieu_nai_to_cao']);
const EMERGENCY_FIELD: Record<string, string> = { khan_cap_113: 'an_ninh_trat_tu', khan_cap_114: 'pccc_cuu_nan', khan_cap_115: 'y_te' };

/** Decides what the bot does with one citizen message. */
export function decide(input: PolicyInput): Decision {
  const { parse, context } = input;
  let intent = parse.intent.name;
  let confidence = parse.intent.confidence;
  const next: BotContext = { ...context, clarify: undefined };
  const actions: BotAction[] = [];
  const done = (silent = false): Decision => ({ actions, context: next, intent, confidence, silent });
  const reply = (a: Answer | null) => {
    if (a) actions.push({ type: 'reply', text: a.text, quickReplies: a.quickReplies, answerId: a.id });
  };

  // A rating after a closed ticket.
  const rating = ratingOf(input.text);
  if (context.csatTicketId && rating) {
    actions.push({ type: 'record_csat', ticketId: context.csatTicketId, score: rating });
    next.csatTicketId = undefined;
    actions.push({ type: 'reply', text: message(input.def, 'csat_thanks'), quickReplies: [], answerId: 'csat_thanks' });
    return done();
  }
  next.csatTicketId = undefined;

  // Buttons the bot offered earlier.
  const payload = input.quickReplyPayload ?? '';
  if (payload.startsWith('detail:')) {
    intent = payload.slice('detail:'.length);
    confidence = 1;
    reply(input.kb.procedureAnswer(intent, 'full'));
    if (actions.length) return done();
  } else if (payload.startsWith('intent:')) {
    intent = payload.slice('intent:'.length);
    confidence = 1;
  } else if (payload === 'handover') {
    intent = 'gap_tong_dai_vien';
    confidence = 1;
  }

  // Emergencies: always, at once, even while an operator holds the conversation.
  if (EMERGENCY.has(intent)) {
    reply(input.kb.serviceAnswer(intent));
    if (input.hasOpenTicket) actions.push({ type: 'flag_urgent' });
    else actions.push({ type: 'open_ticket', intent, field: EMERGENCY_FIELD[intent], priority: 'urgent', reason: 'emergency' });
    return done();
  }

  // An operator holds (or is about to take) the conversation: the bot stays silent.
  if (input.state === 'operator' || input.state === 'waiting') return done(true);

  // Details of a report the bot asked for.
  if (context.report) {
    actions.push({ type: 'add_report_details', ticketId: context.report.ticketId });
    const stillMissing = missingReportDetails(input.text);
    if (context.report.asked < 2 && stillMissing.length > 0) {
      next.report = { ...context.report, asked: context.report.asked + 1 };
      actions.push({
        type: 'reply',
        text: message(input.def, 'report_ask_details', { missing: stillMissing.join(', ') }),
        quickReplies: [],
        answerId: 'report_ask_details',
      });
      return done();
    }
    next.report = undefined;
    escalate(input, actions, 'report_complete');
    return done();
  }

  // A ticket code: look it up, whatever the wording.
  const code = parse.entities.find((e) => e.entity === 'ma_phieu')?.value;
  if (code && (intent === 'tra_cuu_phan_anh' || intent === FALLBACK_INTENT || context.awaitingTicketCode)) {
    intent = 'tra_cuu_phan_anh';
    next.awaitingTicketCode = undefined;
    actions.push({ type: 'lookup_ticket', code });
    return done();
  }
  next.awaitingTicketCode = undefined;

  if (intent === FALLBACK_INTENT) {
    // Close candidates: ask which one, once. Otherwise hand over.
    const candidates = parse.intent_ranking.filter((r) => r.name !== FALLBACK_INTENT).slice(0, 3);
    const [a, b] = candidates;
    const canClarify =
      !context.clarify && a && b && a.confidence >= 0.25 && a.confidence - b.confidence < input.def.nlu.ambiguity_threshold * 2;
    if (canClarify) {
      const options = candidates.filter((c) => c.confidence >= a.confidence / 3 && input.kb.title(c.name)).map((c) => c.name);
      if (options.length >= 2) {
        next.clarify = options;
        actions.push({
          type: 'reply',
          text: message(input.def, 'clarify'),
          quickReplies: [
            ...options.map((o) => ({ title: input.kb.title(o)!, payload: `intent:${o}` })),
            { title: message(input.def, 'clarify_none'), payload: 'handover' },
          ],
          answerId: 'clarify',
        });
        return done();
      }
    }
    actions.push({
      type: 'open_ticket',
      intent,
      field: context.lastIntent ? input.kb.field(context.lastIntent) : null,
      priority: 'normal',
      reason: 'fallback',
    });
    escalate(input, actions, 'fallback');
    return done();
  }

  next.lastIntent = intent;

  if (intent === 'gap_tong_dai_vien') {
    if (!input.hasOpenTicket) {
      const field = context.lastIntent ? input.kb.field(context.lastIntent) : null;
      actions.push({ type: 'open_ticket', intent, field, priority: 'normal', reason: 'asked_for_operator' });
    }
    escalate(input, actions, 'asked_for_operator');
    return done();
  }

  if (intent === 'tra_cuu_phan_anh') {
    next.awaitingTicketCode = true;
    actions.push({ type: 'reply', text: message(input.def, 'ask_ticket_code'), quickReplies: [], answerId: 'ask_ticket_code' });
    return done();
  }

  if (REPORTS.has(intent)) {
    const field = reportField(intent, input.text) ?? input.kb.field(intent);
    actions.push({ type: 'open_ticket', intent, field, priority: intent === 'su_co_ha_tang' ? 'high' : 'normal', reason: 'report' });
    const missing = missingReportDetails(input.text);
    if (missing.length > 0) {
      next.report = { ticketId: '', asked: 1 }; // ticket id filled in by the pipeline
      actions.push({
        type: 'reply',
        text: message(input.def, 'report_ask_details', { missing: missing.join(', ') }),
        quickReplies: [],
        answerId: 'report_ask_details',
      });
    } else {
      escalate(input, actions, 'report_complete');
    }
    return done();
  }

  if (SERVICE_REPLIES.has(intent)) {
    const answer = input.kb.serviceAnswer(intent);
    if (answer) {
      reply(answer);
      return done();
    }
  }

  if (intent.startsWith('tt_')) {
    const answer = input.kb.procedureAnswer(intent, input.style);
    if (answer) {
      reply(answer);
      return done();
    }
  }

  // Known intent without an answer in the KB: a human answers.
  actions.push({ type: 'open_ticket', intent, field: input.kb.field(intent), priority: 'normal', reason: 'no_answer' });
  escalate(input, actions, 'no_answer');
  return done();
}

function escalate(input: PolicyInput, actions: BotAction[], reason: string): void {
  actions.push({ type: 'escalate', reason });
  const text = isOfficeHours(input.def, input.now)
    ? message(input.def, 'escalated_in_hours')
    : message(input.def, 'escalated_out_of_hours', { next_open: nextOpening(input.def, input.now) });
  actions.push({ type: 'reply', text, quickReplies: [], answerId: 'escalated' });
}

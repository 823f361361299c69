/**
 * The dialogue policy: from the conversation's state, the citizen's message and the NLU result,
 * decide what the bot does. Pure — the pipeline carries the decision out in one transaction.
 * It prefers handing over to an operator to answering wrongly.
 */
import type { QuickReply } from '../channels/kit/contract';
import type { AnswerFit, ProcedureAnswerOptions } from '../knowledge/format-answer';
import { foldDiacritics } from '../nlu/fold';
import { FALLBACK_INTENT, type ParseResult } from '../nlu/types';
import type { ConversationState } from '../store/conversations';
import type { Priority } from '../store/tickets';
import { ASPECTS, detectAspects, isAspectFollowUp, type Aspect } from './aspects';
import { message, type BotDefinition } from './definition';
import { emergencyByWords, emergencyFor, possibleEmergency } from './emergency';
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
  /** The procedure answer for an intent, shaped for the channel (leading with `aspects`); null if the KB has none. */
  procedureAnswer(intent: string, style: 'short' | 'full', options?: ProcedureAnswerOptions): Answer | null;
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
  /** The aspects the clarified question asked about, for the answer once the citizen has chosen. */
  clarifyAspects?: Aspect[];
  /** The buttons of the bot's last reply: on channels without buttons a "1"/"2" or the title picks one. */
  offered?: QuickReply[];
  /** The last procedure answered: a follow-up such as "còn lệ phí?" is about it. */
  lastProcedure?: string;
  /** A report (phản ánh) whose details are being asked for. */
  report?: { ticketId: string; asked: number };
  /** Waiting for a ticket code to look up. */
  awaitingTicketCode?: boolean;
  /** A looked-up ticket waiting for the last 4 digits of its phone (the citizen does not own it on this channel). */
  ticketCheck?: { code: string; tries: number };
  /** Waiting for a CSAT rating of this ticket. */
  csatTicketId?: string;
  lastIntent?: string;
}

/** One thing the bot does. */
export type BotAction =
  | { type: 'reply'; text: string; quickReplies: QuickReply[]; answerId: string }
  /** Open a ticket; its receipt (with the code) is worded by `receipt`: a request, a report or an emergency. */
  | { type: 'open_ticket'; intent: string; field: string | null; priority: Priority; reason: string; receipt: ReceiptKind }
  /** Raise the conversation's open ticket to urgent (emergencies while a ticket is open). */
  | { type: 'flag_urgent' }
  /** Hand the conversation to operators (state `waiting`); `urgent`: at the top of the queue, with an alert. */
  | { type: 'escalate'; reason: string; urgent?: boolean; alert?: string }
  | { type: 'lookup_ticket'; code: string }
  /** Check the last 4 digits of the phone on a looked-up ticket (`tries`: failed checks so far). */
  | { type: 'verify_ticket'; code: string; digits: string; tries: number }
  /** Append the citizen's extra details to the report ticket. */
  | { type: 'add_report_details'; ticketId: string }
  | { type: 'record_csat'; ticketId: string; score: number };

/** What a ticket's receipt says arrived. */
export type ReceiptKind = 'request' | 'report' | 'emergency';

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
  /** What one message of the channel carries (default: the knowledge view's default). */
  fit?: AnswerFit;
  now: Date;
}

/** The decision intent of a satisfaction rating (the reply to the question asked when a ticket is closed). */
export const RATING_INTENT = 'danh_gia_hai_long';

/** The 1–5 rating a message gives ("5", "4 sao", "3 ⭐"), or null. */
export function ratingOf(text: string): number | null {
  const m = text.trim().match(/^([1-5])(\s*(sao|\*|⭐))?$/i);
  return m ? Number(m[1]) : null;
}

const REPORTS = new Set(['phan_anh_kien_nghi', 'su_co_ha_tang', 'vi_pham']);
const SERVICE_REPLIES = new Set(['chao_hoi', 'cam_on_tam_biet', 'thong_tin_tong_dai', 'tra_cuu_ho_so', 'khieu_nai_to_cao']);

/** The offered button a typed reply picks: its number ("2", "số 2") or its title, or null. */
export function pickOffered(offered: QuickReply[] | undefined, text: string): QuickReply | null {
  if (!offered?.length) return null;
  const t = foldDiacritics(text);
  const n = t.match(/^(so |chon |cau |muc )?(\d{1,2})$/);
  if (n) return offered[Number(n[2]) - 1] ?? null;
  if (!t) return null;
  const exact = offered.find((q) => foldDiacritics(q.title) === t);
  if (exact) return exact;
  // A short reply that names one title ("cái đăng ký tạm trú"), not several.
  if (t.split(' ').length > 8) return null;
  const named = offered.filter((q) => foldDiacritics(q.title).length >= 4 && t.includes(foldDiacritics(q.title)));
  return named.length === 1 ? named[0] : null;
}

/** The 4 digits a reply to the phone question gives ("1222", "số cuối 1222", "1 2 2 2"), or null. */
export function phoneDigitsOf(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  return digits.length === 4 ? digits : null;
}

/** Decides what the bot does with one citizen message. */
export function decide(input: PolicyInput): Decision {
  const { parse, context } = input;
  let intent = parse.intent.name;
  let confidence = parse.intent.confidence;
  const next: BotContext = { ...context, clarify: undefined, clarifyAspects: undefined, offered: undefined };
  const actions: BotAction[] = [];
  const done = (silent = false): Decision => {
    // The buttons of the last reply, so that a typed "1" or title picks one where buttons are not shown.
    const last = actions.filter((a) => a.type === 'reply').at(-1);
    if (last?.type === 'reply' && last.quickReplies.length > 0) next.offered = last.quickReplies;
    return { actions, context: next, intent, confidence, silent };
  };
  const reply = (a: Answer | null) => {
    if (a) actions.push({ type: 'reply', text: a.text, quickReplies: a.quickReplies, answerId: a.id });
  };
  const procedure = (name: string, style: 'short' | 'full', aspects: Aspect[] = [], extra: QuickReply[] = []) => {
    const a = input.kb.procedureAnswer(name, style, { aspects, fit: input.fit });
    if (!a) return false;
    const quickReplies = [...extra, ...a.quickReplies.filter((q) => !extra.some((e) => e.payload === q.payload))];
    reply({ ...a, quickReplies });
    next.lastIntent = name;
    next.lastProcedure = name;
    return true;
  };

  // A rating after a closed ticket.
  const rating = ratingOf(input.text);
  if (context.csatTicketId && rating) {
    // A rating, not a question the engine failed to understand: keep it out of the review queue.
    intent = RATING_INTENT;
    confidence = 1;
    actions.push({ type: 'record_csat', ticketId: context.csatTicketId, score: rating });
    next.csatTicketId = undefined;
    actions.push({ type: 'reply', text: message(input.def, 'csat_thanks'), quickReplies: [], answerId: 'csat_thanks' });
    return done();
  }
  next.csatTicketId = undefined;

  // Buttons the bot offered earlier: pressed, or typed as a number or a title where buttons are not shown.
  // (Typed picks only while the bot holds the conversation: a "2" to an operator is for the operator.)
  const typed = input.state === 'bot' ? pickOffered(context.offered, input.text) : null;
  const payload = input.quickReplyPayload || typed?.payload || '';
  if (payload.startsWith('detail:')) {
    intent = payload.slice('detail:'.length);
    confidence = 1;
    if (procedure(intent, 'full')) return done();
  } else if (payload.startsWith('aspect:')) {
    const [name, aspect] = payload.slice('aspect:'.length).split(':');
    intent = name;
    confidence = 1;
    if ((ASPECTS as readonly string[]).includes(aspect) && procedure(name, input.style, [aspect as Aspect])) return done();
  } else if (payload.startsWith('intent:')) {
    intent = payload.slice('intent:'.length);
    confidence = 1;
    // Chosen after "which one?": lead with what was asked, and keep the other option(s) one tap away.
    if (context.clarify?.includes(intent) && intent.startsWith('tt_')) {
      const others = context.clarify
        .filter((o) => o !== intent && input.kb.title(o))
        .map((o) => ({ title: input.kb.title(o)!, payload: `intent:${o}` }));
      if (procedure(intent, input.style, context.clarifyAspects ?? [], others)) return done();
    }
  } else if (payload === 'handover') {
    intent = 'gap_tong_dai_vien';
    confidence = 1;
  } else if (payload === 'ask_more') {
    actions.push({ type: 'reply', text: message(input.def, 'ask_more'), quickReplies: [], answerId: 'ask_more' });
    return done();
  }

  // Emergencies: always, at once, even while an operator holds the conversation. The advice goes first,
  // the conversation to the top of the waiting queue, with an alert for everyone on the floor. An unsure
  // result with an emergency among its candidates and the catalog's words in the message counts too.
  let emergency = emergencyFor(input.def, intent, input.text);
  if (!emergency && !payload && confidence < input.def.nlu.fallback_threshold + 0.2) {
    const byWords = emergencyByWords(input.def, parse.intent_ranking.slice(0, 3), input.text);
    if (byWords) {
      intent = byWords.intent;
      emergency = byWords.entry;
    }
  }
  // A message the bot hands over with an emergency among its three best candidates, however faint
  // (someone tells what they see — a boat overturned, a neighbour not answering — without the catalog's
  // words), is a possible emergency: every number instead of one number's advice, and then the same
  // as an emergency. Rare for other messages (4 of 2,427 dev messages), and then costs an operator's glance.
  const possible = !emergency && !payload && intent === FALLBACK_INTENT ? possibleEmergency(input.def, parse, input.text) : null;
  const urgent = emergency
    ? {
        first: input.kb.serviceAnswer(emergency.answer) ?? input.kb.serviceAnswer(intent),
        id: `emergency_${emergency.number}`,
        field: emergency.field,
        reason: 'emergency',
        head: `Khẩn cấp ${emergency.number} (${emergency.for})`,
      }
    : possible
      ? {
          first: { text: message(input.def, 'possible_emergency'), quickReplies: [] },
          id: 'possible_emergency',
          field: null,
          reason: 'possible_emergency',
          head: `Có thể khẩn cấp (${possible.number})`,
        }
      : null;
  if (urgent) {
    if (urgent.first) reply({ ...urgent.first, id: urgent.id });
    if (input.hasOpenTicket) actions.push({ type: 'flag_urgent' });
    else actions.push({ type: 'open_ticket', intent, field: urgent.field, priority: 'urgent', reason: 'emergency', receipt: 'emergency' });
    actions.push({ type: 'escalate', reason: urgent.reason, urgent: true, alert: alertText(urgent.head, input.text) });
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
  // The last 4 digits of the phone, asked to show that a looked-up ticket is the citizen's.
  const check = context.ticketCheck;
  next.ticketCheck = undefined;
  const digits = check && !code ? phoneDigitsOf(input.text) : null;
  if (check && digits) {
    actions.push({ type: 'verify_ticket', code: check.code, digits, tries: check.tries });
    return done();
  }
  if (code && (intent === 'tra_cuu_phan_anh' || intent === FALLBACK_INTENT || context.awaitingTicketCode)) {
    intent = 'tra_cuu_phan_anh';
    next.awaitingTicketCode = undefined;
    actions.push({ type: 'lookup_ticket', code });
    return done();
  }
  next.awaitingTicketCode = undefined;

  const aspects = detectAspects(input.text);

  // "còn lệ phí?" after a procedure answer: that aspect of the same procedure (the message names no
  // other one; the engine's pick for such a short text means little).
  const previous = context.lastProcedure;
  if (previous && !payload && isAspectFollowUp(input.text)) {
    if (procedure(previous, input.style, aspects)) {
      intent = previous;
      return done();
    }
  }

  // Two procedures asked in one message (the engine's `requests`): the first answered, the others one
  // tap away (a button each, or their number where buttons are not shown).
  const asked = [...new Set((parse.requests ?? []).map((r) => r.name))].filter((n) => n.startsWith('tt_') && input.kb.title(n));
  if (!payload && asked.length >= 2) {
    const [first, ...rest] = asked;
    next.clarify = asked;
    next.clarifyAspects = aspects.length > 0 ? aspects : undefined;
    const others = rest.map((o) => ({ title: input.kb.title(o)!, payload: `intent:${o}` }));
    if (procedure(first, input.style, aspects, others)) {
      intent = first;
      return done();
    }
  }

  // Neighbouring procedures scored close together (or declined by the engine as too close to
  // choose, `ambiguous`: a long message's thin lead): ask which one, once. An unsure result that
  // cannot be clarified goes to an operator.
  const candidates = parse.intent_ranking.filter((r) => r.name !== FALLBACK_INTENT).slice(0, 3);
  const [a, b] = candidates;
  const unsure = intent === FALLBACK_INTENT;
  const declined = unsure && (parse.ambiguous?.length ?? 0) >= 2;
  const close =
    !context.clarify &&
    !payload &&
    a &&
    b &&
    a.confidence >= 0.25 &&
    (declined || a.confidence - b.confidence < input.def.nlu.ambiguity_threshold * (unsure ? 2 : 1)) &&
    (unsure || (a.name === intent && intent.startsWith('tt_') && b.name.startsWith('tt_')));
  if (close) {
    const offered = declined ? (parse.ambiguous ?? []) : candidates.filter((c) => c.confidence >= a.confidence / 3);
    const options = offered.filter((c) => input.kb.title(c.name)).map((c) => c.name);
    if (options.length >= 2) {
      next.clarify = options;
      next.clarifyAspects = aspects.length > 0 ? aspects : undefined;
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

  if (unsure) {
    actions.push({
      type: 'open_ticket',
      intent,
      field: context.lastIntent ? input.kb.field(context.lastIntent) : null,
      priority: 'normal',
      reason: 'fallback',
      receipt: 'request',
    });
    escalate(input, actions, 'fallback');
    return done();
  }

  next.lastIntent = intent;

  if (intent === 'gap_tong_dai_vien') {
    if (!input.hasOpenTicket) {
      const field = context.lastIntent ? input.kb.field(context.lastIntent) : null;
      actions.push({ type: 'open_ticket', intent, field, priority: 'normal', reason: 'asked_for_operator', receipt: 'request' });
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
    actions.push({
      type: 'open_ticket',
      intent,
      field,
      priority: intent === 'su_co_ha_tang' ? 'high' : 'normal',
      reason: 'report',
      receipt: 'report',
    });
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

  if (intent.startsWith('tt_') && procedure(intent, input.style, aspects)) return done();

  // Known intent without an answer in the KB: a human answers.
  actions.push({ type: 'open_ticket', intent, field: input.kb.field(intent), priority: 'normal', reason: 'no_answer', receipt: 'request' });
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

/** An alert for the floor: `head`, then what the citizen wrote on one line, at most 140 characters. */
function alertText(head: string, text: string): string {
  const said = text.replace(/\s+/g, ' ').trim();
  return `${head}: ${said.length > 140 ? `${said.slice(0, 139)}…` : said}`;
}

/**
 * Carries out the bot's decision inside the message's transaction. Replies and processing-log
 * events go to the message's batch (written with it in one statement); ticket changes run at once;
 * the floor and the console are told once it is committed.
 */
import { message, renderTemplate } from '../bot/definition';
import type { BotContext, Decision, ReceiptKind } from '../bot/policy';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import type { ParseResult } from '../nlu/types';
import { raiseAlert } from '../realtime/alerts';
import { markUrgent, setConversationState, type Conversation } from '../store/conversations';
import { BOT, type Actor } from '../store/events';
import { createTicket, ticketEvent, type Priority, type Ticket } from '../store/tickets';
import type { ProcessingBatch } from './batch';
import { readFormerNames } from '../nlu/places';
import { suggestAgency } from './suggest-agency';
import { MAX_PHONE_TRIES, ownTicketByCode, ticketByPhoneDigits } from './ticket-lookup';

/** Vietnamese names of ticket statuses, as citizens read them. */
export const STATUS_TEXT: Record<string, string> = {
  new: 'đã tiếp nhận, đang chờ xử lý',
  assigned: 'đã phân công tổng đài viên xử lý',
  in_progress: 'đang được xử lý',
  forwarded: 'đã chuyển cơ quan có thẩm quyền xử lý',
  answered: 'đã có câu trả lời',
  closed: 'đã hoàn thành',
};

/** Input of one execution. */
export interface Execution {
  conv: Conversation;
  decision: Decision;
  messageId: string;
  text: string;
  ticketId: string | null;
  parse: ParseResult;
  /** Where replies and events go. */
  out: ProcessingBatch;
}

/** Runs the decision's actions; returns the bot's new memory. */
export async function executeDecision(ctx: AppContext, tx: Queryable, x: Execution): Promise<BotContext> {
  const { conv, decision } = x;
  const context: BotContext = { ...decision.context };
  let ticketId = x.ticketId;
  const meta = { intent: decision.intent, confidence: decision.confidence };
  const send = (text: string, quickReplies: { title: string; payload: string }[], purpose: 'answer' | 'ticket_receipt', answerId: string) =>
    x.out.queue({
      conversationId: conv.id,
      channel: conv.channel,
      authorKind: 'bot',
      purpose,
      text,
      quickReplies,
      ticketId,
      meta: { ...meta, answerId },
    });
  // A change to a ticket (`set`: SQL assignments, their values from $2), logged in the conversation.
  const changeTicket = async (
    id: string,
    set: string,
    values: unknown[],
    event: { type: string; actor: Actor; data: Record<string, unknown> },
  ) => {
    await tx.query(`UPDATE tickets SET ${set}, updated_at = now() WHERE id = $1`, [id, ...values]);
    x.out.log({ ...event, conversationId: conv.id, ticketId: id });
  };

  for (const a of decision.actions) {
    switch (a.type) {
      case 'reply':
        send(a.text, a.quickReplies, 'answer', a.answerId);
        break;
      case 'open_ticket': {
        const agency = await suggestAgency(tx, x.text, readFormerNames(ctx.config.KNOWLEDGE_DIR));
        const ticket = await createTicket(tx, {
          channel: conv.channel,
          field: a.field,
          agencyId: agency?.id ?? null,
          priority: a.priority,
          // A first guess operators can change: a report is a phản ánh, a procedure question a hỏi đáp.
          contentType: a.receipt === 'report' ? 'phan_anh' : a.intent.startsWith('tt_') ? 'hoi_dap' : null,
          intent: a.intent,
          title: titleOf(x.text),
          content: x.text,
          contactId: conv.contactId,
          conversationId: conv.id,
          createdBy: 'bot',
          dueAt: dueAt(ctx, a.priority),
        });
        ticketId = ticket.id;
        await tx.query('UPDATE messages SET ticket_id = $2 WHERE conversation_id = $1 AND ticket_id IS NULL', [conv.id, ticket.id]);
        x.out.linkTicket(ticket.id);
        x.out.log({
          type: 'ticket_created',
          actor: BOT,
          conversationId: conv.id,
          ticketId,
          data: {
            code: ticket.code,
            intent: a.intent,
            field: a.field,
            priority: a.priority,
            reason: a.reason,
            suggestedAgency: agency?.code ?? null,
          },
        });
        send(receiptText(ctx, a.receipt, conv.channel, ticket.code), [], 'ticket_receipt', `${a.receipt}_receipt`);
        if (context.report && !context.report.ticketId) context.report = { ...context.report, ticketId: ticket.id };
        x.out.notify(() => ctx.bus.emit('ticket', ticketEvent(ticket, 'created')));
        break;
      }
      case 'flag_urgent':
        if (ticketId)
          await changeTicket(ticketId, `priority = 'urgent'`, [], {
            type: 'ticket_flagged_urgent',
            actor: BOT,
            data: { intent: decision.intent },
          });
        break;
      case 'escalate':
        if (conv.state === 'bot') {
          await setConversationState(tx, conv.id, 'waiting');
          x.out.log({ type: 'escalated', actor: BOT, conversationId: conv.id, ticketId, data: { reason: a.reason } });
          x.out.notify(() =>
            ctx.bus.emit('conversation', { conversationId: conv.id, state: 'waiting', channel: conv.channel, reason: a.reason }),
          );
        }
        if (a.urgent) {
          // Emergencies: first in the operators' queue, and an alert for everyone on the floor.
          if (conv.state !== 'operator') await markUrgent(tx, conv.id);
          const about = { conversationId: conv.id, ticketId: ticketId ?? undefined };
          x.out.notify(() => raiseAlert(ctx, 'emergency', a.alert ?? titleOf(x.text), about));
        }
        break;
      case 'lookup_ticket': {
        // Private: the owner gets the status; anyone else (and an unknown code) is asked for the phone's last digits.
        const t = await ownTicketByCode(tx, conv, a.code);
        if (t) send(ticketStatusText(ctx, t), [], 'answer', 'ticket_status');
        else {
          context.ticketCheck = { code: a.code, tries: 0 };
          send(message(ctx.bot, 'ticket_verify_phone', { code: a.code }), [], 'answer', 'ticket_verify_phone');
        }
        break;
      }
      case 'verify_ticket': {
        const t = await ticketByPhoneDigits(tx, a.code, a.digits);
        if (t) send(ticketStatusText(ctx, t), [], 'answer', 'ticket_status');
        else {
          if (a.tries + 1 < MAX_PHONE_TRIES) context.ticketCheck = { code: a.code, tries: a.tries + 1 };
          send(message(ctx.bot, 'ticket_not_found', { code: a.code }), [], 'answer', 'ticket_not_found');
        }
        break;
      }
      case 'add_report_details':
        if (a.ticketId) {
          await changeTicket(a.ticketId, `content = content || E'\\n' || $2`, [x.text], {
            type: 'report_details_added',
            actor: { kind: 'citizen' },
            data: { messageId: x.messageId },
          });
        }
        break;
      case 'record_csat':
        await changeTicket(a.ticketId, 'csat = $2', [a.score], {
          type: 'csat_recorded',
          actor: { kind: 'citizen' },
          data: { score: a.score },
        });
        break;
    }
  }
  return context;
}

/** A ticket's status as the citizen reads it, with the agency handling it. */
function ticketStatusText(ctx: AppContext, t: Ticket): string {
  return message(ctx.bot, 'ticket_status', {
    code: t.code,
    status: STATUS_TEXT[t.status] ?? t.status,
    detail: t.agency ? `Cơ quan xử lý: ${t.agency.name}.` : '',
  }).trim();
}

/** A ticket's receipt, worded by what arrived: a request handed to operators, a report, an emergency. */
function receiptText(ctx: AppContext, kind: ReceiptKind, channel: string, code: string): string {
  if (kind === 'emergency') return message(ctx.bot, 'emergency_received', { code });
  return renderTemplate(kind === 'report' ? ctx.bot.report_receipt : ctx.bot.ticket_receipt, channel, { code });
}

function titleOf(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 90 ? `${oneLine.slice(0, 89)}…` : oneLine || '(tin nhắn không có chữ)';
}

function dueAt(ctx: AppContext, priority: Priority): Date {
  const hours = ctx.bot.tickets.due_hours[priority] ?? 72;
  return new Date(Date.now() + hours * 3_600_000);
}

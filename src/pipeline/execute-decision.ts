/** Carries out the bot's decision inside the message's transaction. */
import { message, renderTemplate } from '../bot/definition';
import type { BotContext, Decision } from '../bot/policy';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import type { ParseResult } from '../nlu/types';
import { setConversationState, type Conversation } from '../store/conversations';
import { BOT, logEvent, type Actor } from '../store/events';
import { createTicket, getTicketByCode, ticketEvent, type Priority } from '../store/tickets';
import { queueMessage } from './outbound';
import { suggestAgency } from './suggest-agency';

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
}

/** Runs the decision's actions; returns the bot's new memory. */
export async function executeDecision(ctx: AppContext, tx: Queryable, x: Execution): Promise<BotContext> {
  const { conv, decision } = x;
  const context: BotContext = { ...decision.context };
  let ticketId = x.ticketId;
  const meta = { intent: decision.intent, confidence: decision.confidence };
  const send = (text: string, quickReplies: { title: string; payload: string }[], purpose: 'answer' | 'ticket_receipt', answerId: string) =>
    queueMessage(
      tx,
      {
        conversationId: conv.id,
        channel: conv.channel,
        authorKind: 'bot',
        purpose,
        text,
        quickReplies,
        ticketId,
        meta: { ...meta, answerId },
      },
      ctx.delivery,
    );
  // A change to a ticket (`set`: SQL assignments, their values from $2), logged in the conversation.
  const changeTicket = async (
    id: string,
    set: string,
    values: unknown[],
    event: { type: string; actor: Actor; data: Record<string, unknown> },
  ) => {
    await tx.query(`UPDATE tickets SET ${set}, updated_at = now() WHERE id = $1`, [id, ...values]);
    await logEvent(tx, { ...event, conversationId: conv.id, ticketId: id });
  };

  for (const a of decision.actions) {
    switch (a.type) {
      case 'reply':
        await send(a.text, a.quickReplies, 'answer', a.answerId);
        break;
      case 'open_ticket': {
        const agency = await suggestAgency(tx, x.text);
        const ticket = await createTicket(tx, {
          channel: conv.channel,
          field: a.field,
          agencyId: agency?.id ?? null,
          priority: a.priority,
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
        await logEvent(tx, {
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
        await send(renderTemplate(ctx.bot.ticket_receipt, conv.channel, { code: ticket.code }), [], 'ticket_receipt', 'ticket_receipt');
        if (context.report && !context.report.ticketId) context.report = { ...context.report, ticketId: ticket.id };
        ctx.bus.emit('ticket', ticketEvent(ticket, 'created'));
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
          await logEvent(tx, { type: 'escalated', actor: BOT, conversationId: conv.id, ticketId, data: { reason: a.reason } });
          ctx.bus.emit('conversation', { conversationId: conv.id, state: 'waiting', channel: conv.channel, reason: a.reason });
        }
        break;
      case 'lookup_ticket': {
        const t = await getTicketByCode(tx, a.code);
        const text = t
          ? message(ctx.bot, 'ticket_status', {
              code: t.code,
              status: STATUS_TEXT[t.status] ?? t.status,
              detail: t.agency ? `Cơ quan xử lý: ${t.agency.name}.` : '',
            }).trim()
          : message(ctx.bot, 'ticket_not_found', { code: a.code });
        await send(text, [], 'answer', t ? 'ticket_status' : 'ticket_not_found');
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

function titleOf(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 90 ? `${oneLine.slice(0, 89)}…` : oneLine || '(tin nhắn không có chữ)';
}

function dueAt(ctx: AppContext, priority: Priority): Date {
  const hours = ctx.bot.tickets.due_hours[priority] ?? 72;
  return new Date(Date.now() + hours * 3_600_000);
}

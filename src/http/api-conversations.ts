/** `/api/conversations/:id/…`: take over from the bot, release back to it, close. */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { closeTicket, releaseToBot, takeOver } from '../operations/conversation-actions';
import { getConversation, setConversationState } from '../store/conversations';
import { logEvent } from '../store/events';
import { openTicketOfConversation } from '../store/tickets';
import { actorOf } from '../operations/conversation-actions';
import { STAFF, type RouteTable } from './route';

/** A conversation id (a malformed one is a 400, not a database error). */
const idParams = z.object({ id: z.guid().describe('conversation id') });

/** Conversation routes (operators, supervisors, admins). */
export function conversationRoutes(ctx: AppContext, routes: RouteTable): void {
  // Taking over and releasing differ only in the action and the state it leaves the conversation in.
  for (const [action, summary, act, state, conflict] of [
    ['takeover', 'Take the conversation over from the bot', takeOver, 'operator', 'closed, or held by another operator'],
    ['release', 'Give the conversation back to the bot', releaseToBot, 'bot', 'closed'],
  ] as const) {
    routes.add({
      method: 'post',
      path: `/conversations/:id/${action}`,
      roles: STAFF,
      summary,
      params: idParams,
      responses: { 200: `\`{ok: true, state: "${state}"}\``, 404: 'no such conversation', 409: conflict },
      handler: async ({ params }, req, res) => {
        await act(ctx, currentUser(req), params.id);
        res.json({ ok: true, state });
      },
    });
  }
  routes.add({
    method: 'post',
    path: '/conversations/:id/close',
    roles: STAFF,
    summary: 'Close the conversation and its open ticket (the citizen is asked for a rating)',
    params: idParams,
    body: z.object({ resolution: z.string().max(20000).nullable().optional() }),
    responses: { 200: '`{ok: true, state: "closed"}`', 404: 'no such conversation' },
    handler: async ({ params, body }, req, res) => {
      const user = currentUser(req);
      const conv = await getConversation(ctx.db, params.id);
      if (!conv) throw new HttpError(404, 'Không tìm thấy cuộc hội thoại');
      const ticket = await openTicketOfConversation(ctx.db, conv.id);
      if (ticket) await closeTicket(ctx, user, ticket, body.resolution ?? null);
      else if (conv.state !== 'closed') {
        await ctx.db.transaction(async (tx) => {
          await setConversationState(tx, conv.id, 'closed');
          await logEvent(tx, {
            type: 'closed',
            actor: actorOf(user),
            conversationId: conv.id,
            data: { resolution: body.resolution ?? null },
          });
        });
        ctx.bus.emit('conversation', { conversationId: conv.id, state: 'closed', channel: conv.channel, reason: 'closed' });
      }
      res.json({ ok: true, state: 'closed' });
    },
  });
}

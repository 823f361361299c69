/** `/api/conversations/:id/…`: take over from the bot, release back to it, close. */
import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { closeTicket, releaseToBot, takeOver } from '../operations/conversation-actions';
import { getConversation, setConversationState } from '../store/conversations';
import { logEvent } from '../store/events';
import { openTicketOfConversation } from '../store/tickets';
import { actorOf } from '../operations/conversation-actions';

/** Conversation routes (operators, supervisors, admins). */
export function conversationRouter(ctx: AppContext): Router {
  const r = Router();
  const staff = requireRole('admin', 'supervisor', 'operator');
  r.post('/conversations/:id/takeover', staff, async (req, res) => {
    await takeOver(ctx, currentUser(req), String(req.params.id));
    res.json({ ok: true, state: 'operator' });
  });
  r.post('/conversations/:id/release', staff, async (req, res) => {
    await releaseToBot(ctx, currentUser(req), String(req.params.id));
    res.json({ ok: true, state: 'bot' });
  });
  r.post('/conversations/:id/close', staff, async (req, res) => {
    const user = currentUser(req);
    const body = z.object({ resolution: z.string().max(20000).nullable().optional() }).parse(req.body ?? {});
    const conv = await getConversation(ctx.db, String(req.params.id));
    if (!conv) throw new HttpError(404, 'Không tìm thấy cuộc hội thoại');
    const ticket = await openTicketOfConversation(ctx.db, conv.id);
    if (ticket) await closeTicket(ctx, user, ticket, body.resolution ?? null);
    else if (conv.state !== 'closed') {
      await ctx.db.transaction(async (tx) => {
        await setConversationState(tx, conv.id, 'closed');
        await logEvent(tx, { type: 'closed', actor: actorOf(user), conversationId: conv.id, data: { resolution: body.resolution ?? null } });
      });
      ctx.bus.emit('conversation', { conversationId: conv.id, state: 'closed', channel: conv.channel, reason: 'closed' });
    }
    res.json({ ok: true, state: 'closed' });
  });
  return r;
}

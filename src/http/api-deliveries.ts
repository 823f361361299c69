/** `/api/deliveries…` and `/api/dead-letters`: what the pipeline could not finish, and re-sending a failed reply. */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { resendFailedMessage } from '../operations/resend';
import { listDeadLetters, listFailedDeliveries } from '../store/failed-work';
import { STAFF, SUPERVISORS, type RouteTable } from './route';

const limitQuery = z.object({
  channel: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** The delivery-failure routes (mounted under /api after authentication). */
export function deliveryRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/deliveries/failed',
    roles: STAFF,
    summary: 'Outbound messages that failed for good, newest first, with the reason',
    query: limitQuery,
    responses: { 200: '`[{messageId, conversationId, ticketCode, channel, purpose, text, error, attempts, createdAt, contactName}]`' },
    handler: async ({ query }, _req, res) => {
      res.json(await listFailedDeliveries(ctx.db, { channel: query.channel, limit: query.limit }));
    },
  });

  routes.add({
    method: 'post',
    path: '/messages/:id/resend',
    roles: STAFF,
    summary: 'Re-send a failed outbound message (logged in the processing log)',
    params: z.object({ id: z.string().uuid().describe('message id') }),
    responses: { 202: '`{ok: true}`: queued again', 409: 'the message has not failed' },
    handler: async ({ params }, req, res) => {
      await resendFailedMessage(ctx, currentUser(req), params.id);
      res.status(202).json({ ok: true });
    },
  });

  routes.add({
    method: 'get',
    path: '/dead-letters',
    roles: SUPERVISORS,
    summary: 'Inbound events that can never be processed (dead letters), with the reason',
    query: limitQuery,
    responses: { 200: '`[{jobId, eventId, channel, reason, attempts, receivedAt, failedAt}]`' },
    handler: async ({ query }, _req, res) => {
      res.json(await listDeadLetters(ctx.db, query.limit));
    },
  });
}

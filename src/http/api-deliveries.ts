/** `/api/deliveries…` and `/api/dead-letters`: what the pipeline could not finish, and re-sending a failed reply. */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { resendFailedMessage } from '../operations/resend';
import { listDeadLetters, listFailedDeliveries } from '../store/failed-work';
import { STAFF, SUPERVISORS, type RouteTable } from './route';

const listQuery = z.object({
  channel: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** The delivery-failure routes (mounted under /api after authentication). */
export function deliveryRoutes(ctx: AppContext, routes: RouteTable): void {
  const lists = [
    {
      path: '/deliveries/failed',
      roles: STAFF,
      summary: 'Outbound messages that failed for good, newest first, with the reason',
      shape: '`[{messageId, conversationId, ticketCode, channel, purpose, text, error, attempts, createdAt, contactName}]`',
      list: (q: z.infer<typeof listQuery>) => listFailedDeliveries(ctx.db, q),
    },
    {
      path: '/dead-letters',
      roles: SUPERVISORS,
      summary: 'Inbound events that can never be processed (dead letters), with the reason',
      shape: '`[{jobId, eventId, channel, reason, attempts, receivedAt, failedAt}]`',
      list: (q: z.infer<typeof listQuery>) => listDeadLetters(ctx.db, q),
    },
  ];
  for (const l of lists) {
    routes.add({
      method: 'get',
      path: l.path,
      roles: l.roles,
      summary: l.summary,
      query: listQuery,
      responses: { 200: l.shape },
      handler: ({ query }) => l.list(query),
    });
  }

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
}

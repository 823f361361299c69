/** What agencies are told (the console's bell for focal points) and where a ticket could be forwarded (suggestions). */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { readFormerNames } from '../nlu/places';
import { agencySuggestions } from '../pipeline/suggest-agency';
import { listAgencyNotifications, markNotificationsRead } from '../store/agency-notifications';
import type { User } from '../store/users';
import { addTicketRoute } from './api-tickets';
import { STAFF, type RouteTable } from './route';

const agencyOf = (user: User): string => {
  if (!user.agencyId) throw new HttpError(403, 'Chỉ đầu mối cơ quan có thông báo');
  return user.agencyId;
};

/** The bell's routes and the forwarding suggestions. */
export function agencyNoticeRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/notifications',
    roles: ['agency'],
    summary: "The focal point's notifications, newest first: tickets forwarded to the agency, deadlines near and passed",
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) }),
    responses: {
      200: "`{items: [{id, kind: 'forwarded' | 'due_soon' | 'overdue', ticketCode, ticketTitle, dueAt, createdAt, read}], unread}`",
    },
    handler: async ({ query }, req, res) => {
      const user = currentUser(req);
      res.json(await listAgencyNotifications(ctx.db, agencyOf(user), user.id, query.limit));
    },
  });

  routes.add({
    method: 'post',
    path: '/notifications/read',
    roles: ['agency'],
    summary: 'Mark notifications read for the signed-in focal point: the listed ones, or all',
    body: z.object({ ids: z.array(z.guid()).max(500).optional() }),
    responses: { 200: '`{marked}`' },
    handler: async ({ body }, req, res) => {
      const user = currentUser(req);
      res.json({ marked: await markNotificationsRead(ctx.db, agencyOf(user), user.id, body.ids) });
    },
  });

  addTicketRoute(ctx, routes, {
    method: 'get',
    path: '/tickets/:code/agency-suggestions',
    roles: STAFF,
    summary: 'Agencies to forward the ticket to, best first: the commune or ward its text names, then the agencies of its field',
    responses: { 200: "`[{id, code, name, kind, reason: 'place' | 'field', matched?}]`" },
    handler: (t) => agencySuggestions(ctx.db, t, readFormerNames(ctx.config.KNOWLEDGE_DIR)),
  });
}

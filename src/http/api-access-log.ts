/** `GET /api/access-log`: the personal-data access log, for admins. */
import { z } from 'zod';
import type { AppContext } from '../context';
import { listAccess } from '../store/access-log';
import { ADMIN, type RouteTable } from './route';

const query = z.object({
  user: z.uuid().optional().describe('user id'),
  action: z.enum(['view', 'export', 'search']).optional(),
  subjectKind: z.string().max(40).optional().describe('ticket, conversation, contact, attachment, tickets, conversations'),
  subjectId: z.string().max(100).optional().describe('a ticket code, conversation id…'),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.number().int().positive().optional().describe('next page: the last `id` of the previous one'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Declares the access-log routes (mounted under /api after authentication). */
export function accessLogRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/access-log',
    roles: ADMIN,
    summary: "Who viewed, exported or searched citizens' personal data (newest first)",
    description:
      'Recorded after every successful ticket, conversation, contact or attachment view, processing-log and ticket export, and text search of tickets or conversations (Nghị định 13/2023/NĐ-CP).',
    query,
    responses: {
      200: '`{items: [{id, userId, username, action, subjectKind, subjectId, detail, ip, createdAt}], next: number | null}`',
    },
    handler: async ({ query: q }) => {
      const items = await listAccess(ctx.db, {
        userId: q.user,
        action: q.action,
        subjectKind: q.subjectKind,
        subjectId: q.subjectId,
        from: q.from,
        to: q.to,
        before: q.before,
        limit: q.limit,
      });
      return { items, next: items.length === q.limit ? items[items.length - 1].id : null };
    },
  });
}

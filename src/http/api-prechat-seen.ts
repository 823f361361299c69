/** `/api/conversations/:id/seen` (operators' read marker) and `/api/contacts/:id/consents` (pre-chat consents). */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { markSeen } from '../operations/read-marker';
import { listConsents } from '../store/consents';
import { isUuid } from '../store/inbox';
import { auditAccess } from './access-audit';
import { STAFF, type RouteTable } from './route';

/** Read-marker and consent routes (operators, supervisors, admins). */
export function prechatSeenRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'post',
    path: '/conversations/:id/seen',
    roles: STAFF,
    summary: "The console displays the conversation up to this message (its newest): the operators' read marker moves forward",
    description:
      'Live chat shows "Đã xem" under the citizen\'s last message at or before it (socket event `seen`, on every node). An older message leaves the marker where it is.',
    params: z.object({ id: z.guid().describe('conversation id') }),
    body: z.object({ messageId: z.guid().describe('the newest message the console shows') }),
    responses: { 200: '`{messageId, seenAt, citizenMessageId}`: the marker', 404: 'no such conversation, or not one of its messages' },
    handler: async ({ params, body }, req) => {
      const m = await markSeen(ctx, currentUser(req), params.id, body.messageId);
      return { messageId: m.messageId, seenAt: m.seenAt, citizenMessageId: m.citizenExternalId };
    },
  });

  routes.add({
    method: 'get',
    path: '/contacts/:id/consents',
    roles: STAFF,
    summary: "The citizen's consents to personal-data processing (pre-chat form, Nghị định 13/2023/NĐ-CP), newest first",
    params: z.object({ id: z.string().describe('contact id') }),
    use: [auditAccess(ctx, 'view', 'contact')],
    responses: { 200: '`[{id, channel, purpose, givenAt, textHash, text, name, phone}]`' },
    handler: async ({ params }) => {
      if (!isUuid(params.id)) return [];
      return (await listConsents(ctx.db, params.id)).map((c) => ({
        id: c.id,
        channel: c.channel,
        purpose: c.purpose,
        givenAt: c.givenAt,
        textHash: c.textHash,
        text: c.text,
        name: c.name,
        phone: c.phone,
      }));
    },
  });
}

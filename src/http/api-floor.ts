/**
 * `/api/floor…`: the hotline floor. Operators set their presence; supervisors watch the floor and
 * reassign conversations; admins set capacity and skills per operator and the floor settings
 * (auto-assignment on/off, the long-wait alert threshold, auto-away after inactivity).
 */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { floorSettings, floorSettingsSchema, floorSnapshot, reassign, saveFloorSettings, setMyPresence } from '../operations/routing';
import { announceChange } from '../realtime/announce';
import { fieldCodes } from '../store/directory';
import { setRouting } from '../store/floor';
import { getPresence, PRESENCE_STATUSES } from '../store/presence';
import { isUuid } from '../store/inbox';
import { ADMIN, idParams, STAFF, SUPERVISORS, type RouteTable } from './route';

/** Floor routes. */
export function floorRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/floor',
    roles: SUPERVISORS,
    summary: 'The floor now: operators (status, load/capacity), waiting conversations, longest wait, breaches',
    responses: { 200: 'the floor snapshot' },
    handler: () => floorSnapshot(ctx),
  });
  routes.add({
    method: 'get',
    path: '/floor/presence',
    roles: STAFF,
    summary: "The caller's presence (offline without an open console)",
    responses: { 200: '`{status, autoAway, connected}`' },
    handler: (_input, req) => getPresence(ctx.db, currentUser(req).id),
  });
  routes.add({
    method: 'put',
    path: '/floor/presence',
    roles: STAFF,
    summary: "Set the caller's presence",
    description:
      'Online operators with a free slot receive waiting conversations automatically. The effective status stays offline until a console is connected; it becomes away after inactivity and offline when the last console closes.',
    body: z.object({ status: z.enum(PRESENCE_STATUSES) }),
    responses: { 200: '`{status}`: the effective status' },
    handler: ({ body }, req) => setMyPresence(ctx, currentUser(req), body.status),
  });
  routes.add({
    method: 'get',
    path: '/floor/settings',
    roles: STAFF,
    summary: 'Floor settings: auto-assignment, long-wait threshold, auto-away delay',
    responses: { 200: '`{autoAssign, longWaitSeconds, awayAfterSeconds}`' },
    handler: () => floorSettings(ctx.db),
  });
  routes.add({
    method: 'put',
    path: '/floor/settings',
    roles: ADMIN,
    summary: 'Change floor settings (turning auto-assignment on assigns what is waiting at once)',
    body: floorSettingsSchema.partial(),
    responses: { 200: 'the settings' },
    handler: async ({ body }, req) => {
      const saved = await saveFloorSettings(ctx, body);
      announceChange(ctx, 'settings', currentUser(req), { id: 'floor' });
      return saved;
    },
  });
  routes.add({
    method: 'post',
    path: '/floor/conversations/:id/assign',
    roles: SUPERVISORS,
    summary: 'Give a conversation to an operator (whatever their load); logged as a reassignment',
    params: z.object({ id: z.guid().describe('conversation id') }),
    body: z.object({ userId: z.guid().describe('the operator who takes it') }),
    responses: { 200: '`{ok: true}`', 400: 'not an active operator', 404: 'no such conversation', 409: 'closed' },
    handler: async ({ params, body }, req) => {
      await reassign(ctx, currentUser(req), params.id, body.userId);
      return { ok: true };
    },
  });
  routes.add({
    method: 'put',
    path: '/users/:id/routing',
    roles: ADMIN,
    summary: "Set an operator's capacity (conversations at once) and skills (field codes; none: any field)",
    params: idParams('user'),
    body: z.object({
      maxChats: z.number().int().min(0).max(50).optional(),
      skills: z.array(z.string().trim().min(1)).max(100).optional(),
    }),
    responses: { 200: '`{maxChats, skills}`', 400: 'unknown field code', 404: 'no such user' },
    handler: async ({ params, body }, req) => {
      if (body.skills) {
        const known = await fieldCodes(ctx.db);
        const unknown = body.skills.filter((s) => !known.has(s));
        if (unknown.length) throw new HttpError(400, `Không có lĩnh vực mã ${unknown.join(', ')}`);
      }
      const skills = body.skills ? [...new Set(body.skills)] : undefined;
      const saved = isUuid(params.id) ? await setRouting(ctx.db, params.id, { maxChats: body.maxChats, skills }) : null;
      if (!saved) throw new HttpError(404, 'Không tìm thấy người dùng');
      announceChange(ctx, 'users', currentUser(req), { id: params.id });
      return saved;
    },
  });
}

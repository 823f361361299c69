/**
 * Administration: users and roles, the signed-in user's password and two-factor login, console
 * settings, and the agency and field directories with CSV import.
 * Roles and rules: docs/console-api.md.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import { activeTotpSecret, startTotpSetup, enableTotp, disableTotp, useTotp } from '../auth/totp';
import { revokeUserTokens, tokenHash } from '../auth/tokens';
import { createUser, hashPassword, verifyPassword } from '../auth/passwords';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { actorOf } from '../operations/conversation-actions';
import { importAgencies, importFields } from '../operations/directory-import';
import { readSettings, saveSettings, settingsSchema } from '../operations/settings';
import { Agency } from '../knowledge/schema';
import { fieldCodes, getAgency, listAgencies, listFields, upsertAgency, upsertField } from '../store/directory';
import { logEvent } from '../store/events';
import { isUuid } from '../store/inbox';
import { announceChange, announceSessionsRevoked } from '../realtime/announce';
import {
  getStaff,
  listStaff,
  otherActiveAdmins,
  passwordHashOf,
  revokeOtherTokens,
  ROLES,
  setPasswordHash,
  updateStaff,
  type User,
} from '../store/users';
import { ADMIN, ANY_ROLE, idParams, STAFF, SUPERVISORS, type RouteTable } from './route';

const password = z.string().min(8, 'Mật khẩu cần ít nhất 8 ký tự').max(200);
const code = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]*$/, 'Mã chỉ gồm chữ thường không dấu, số và "_", bắt đầu bằng chữ');
const csvBody = express.text({ type: ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel'], limit: '5mb' });

/** A readable temporary password (no look-alike characters). */
function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

const userParams = idParams('user');
const totpBody = z.object({ code: z.string().trim().min(1).max(20) });

/** A receipt: per-channel texts, or one string for every channel. */
const receiptText = (perChannel: typeof settingsSchema.shape.receipt) =>
  z
    .union([
      perChannel,
      z
        .string()
        .transform((s) => ({ default: s }))
        .pipe(perChannel),
    ])
    .optional();

/** A settings change: any subset of the settings (a receipt may be one string = the text for every channel). */
const settingsPatch = settingsSchema
  .partial()
  .extend({ receipt: receiptText(settingsSchema.shape.receipt), ticketReceipt: receiptText(settingsSchema.shape.ticketReceipt) })
  .strict();

const agencyBody = Agency.extend({ active: z.boolean().optional() });
/** A new agency: what is not given is empty (kind: department). */
const newAgency = agencyBody.extend({
  kind: Agency.shape.kind.default('department'),
  parent: Agency.shape.parent.default(null),
  phone: Agency.shape.phone.default(null),
  email: Agency.shape.email.default(null),
  fields: Agency.shape.fields.default([]),
  aliases: Agency.shape.aliases.default([]),
  notes: Agency.shape.notes.default(null),
});
const agencyParams = z.object({ code: z.string().describe('agency code') });

const fieldBody = z.object({
  code,
  name: z.string().trim().min(1).max(200),
  sortOrder: z.coerce.number().int().min(-100000).max(100000).optional(),
});
const fieldParams = z.object({ code: z.string().describe('field code') });

/** Admin routes (mounted under /api after authentication). */
export function adminRoutes(ctx: AppContext, routes: RouteTable): void {
  const agencyIdOf = async (c: string | null | undefined): Promise<string | null | undefined> => {
    if (c === undefined) return undefined;
    if (c === null || c === '') return null;
    const a = await getAgency(ctx.db, c);
    if (!a) throw new HttpError(400, `Không có cơ quan mã ${c}`);
    return a.id;
  };
  /** The user `id` names (404 when there is none, or `id` is not a UUID). */
  const staffOr404 = async (id: string): Promise<User> => {
    const user = isUuid(id) ? await getStaff(ctx.db, id) : null;
    if (!user) throw new HttpError(404, 'Không tìm thấy người dùng');
    return user;
  };
  /** `POST /<directory>/import`: valid lines are saved, each bad line is reported and skipped. */
  const csvImportRoute = (directory: 'agencies' | 'fields', columns: string, answer: string, run: typeof importAgencies) =>
    routes.add({
      method: 'post',
      path: `/${directory}/import`,
      roles: ADMIN,
      summary: `Import ${directory} from CSV: valid lines are saved, each bad line is reported and skipped`,
      use: [csvBody],
      rawBody: { contentTypes: ['text/csv'], description: `CSV with a header line; columns ${columns}` },
      responses: { 200: answer, 400: 'no CSV text' },
      handler: async (_input, req, res) => {
        if (typeof req.body !== 'string' || !req.body.trim()) throw new HttpError(400, 'Cần gửi nội dung CSV (Content-Type: text/csv)');
        const result = await run(ctx, currentUser(req), req.body);
        announceChange(ctx, directory, currentUser(req));
        res.json(result);
      },
    });

  // ---- Users ----
  routes.add({
    method: 'get',
    path: '/users',
    roles: STAFF,
    summary: 'Users (e.g. for assignee pickers)',
    responses: {
      200: '`[{id, username, displayName, role, agencyId, agency: {code, name} | null, mustChangePassword, active, totpEnabled, lastLoginAt, createdAt}]`',
    },
    handler: () => listStaff(ctx.db),
  });

  routes.add({
    method: 'post',
    path: '/users',
    roles: ADMIN,
    summary: 'Create a user, who must change the password at first login',
    body: z.object({
      username: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9._-]{3,50}$/, 'Tên đăng nhập 3–50 ký tự: chữ không dấu, số, ".", "-", "_"'),
      displayName: z.string().trim().min(1).max(120),
      role: z.enum(ROLES),
      agency: z.string().nullable().optional().describe('agency code (required for the agency role)'),
      password,
    }),
    responses: { 201: 'the user', 400: 'an agency user without an agency', 409: 'username taken' },
    handler: async ({ body }, req, res) => {
      const me = currentUser(req);
      const agencyId = (await agencyIdOf(body.agency)) ?? null;
      if (body.role === 'agency' && !agencyId) throw new HttpError(400, 'Người dùng vai trò cơ quan cần chọn cơ quan');
      let user: User;
      try {
        user = await createUser(ctx.db, {
          username: body.username,
          displayName: body.displayName,
          password: body.password,
          role: body.role,
          agencyId: body.role === 'agency' ? agencyId : null,
          mustChangePassword: true,
        });
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new HttpError(409, `Tên đăng nhập ${body.username} đã tồn tại`);
        throw err;
      }
      await logEvent(ctx.db, {
        type: 'user_created',
        actor: actorOf(me),
        data: { userId: user.id, username: user.username, role: user.role },
      });
      announceChange(ctx, 'users', me, { id: user.id });
      res.status(201).json(await getStaff(ctx.db, user.id));
    },
  });

  routes.add({
    method: 'patch',
    path: '/users/:id',
    roles: ADMIN,
    summary: 'Change name, role, agency or active',
    description: 'A role change or deactivation signs the user out everywhere. The last active admin cannot lose the role.',
    params: userParams,
    body: z.object({
      displayName: z.string().trim().min(1).max(120).optional(),
      role: z.enum(ROLES).optional(),
      agency: z.string().nullable().optional(),
      active: z.boolean().optional(),
    }),
    responses: { 200: 'the user', 404: 'no such user', 409: 'the last admin' },
    handler: async ({ params, body }, req, res) => {
      const me = currentUser(req);
      const target = await staffOr404(params.id);
      const role = body.role ?? target.role;
      let agencyId = await agencyIdOf(body.agency);
      if (role !== 'agency') agencyId = target.agencyId ? null : undefined;
      else if (agencyId === null || (agencyId === undefined && target.agencyId === null))
        throw new HttpError(400, 'Người dùng vai trò cơ quan cần chọn cơ quan');
      const losesAdmin = target.role === 'admin' && (role !== 'admin' || body.active === false);
      if (losesAdmin && (await otherActiveAdmins(ctx.db, target.id)) === 0)
        throw new HttpError(409, 'Không thể bỏ quyền quản trị của quản trị viên cuối cùng');
      const revoke = body.active === false || (!!body.role && body.role !== target.role);
      await ctx.db.transaction(async (tx) => {
        await updateStaff(tx, target.id, { displayName: body.displayName, role: body.role, agencyId, active: body.active });
        if (revoke) await revokeUserTokens(tx, target.id);
        await logEvent(tx, {
          type: 'user_updated',
          actor: actorOf(me),
          data: { userId: target.id, username: target.username, changes: body },
        });
      });
      if (revoke) announceSessionsRevoked(ctx, target.id);
      announceChange(ctx, 'users', me, { id: target.id });
      res.json(await getStaff(ctx.db, target.id));
    },
  });

  routes.add({
    method: 'post',
    path: '/users/:id/reset-password',
    roles: ADMIN,
    summary: 'A temporary password, to change at the next login (the user is signed out)',
    params: userParams,
    responses: { 200: '`{temporaryPassword}`', 404: 'no such user' },
    handler: async ({ params }, req, res) => {
      const me = currentUser(req);
      const target = await staffOr404(params.id);
      const temp = temporaryPassword();
      const hash = await hashPassword(temp);
      await ctx.db.transaction(async (tx) => {
        await setPasswordHash(tx, target.id, hash, true);
        await revokeUserTokens(tx, target.id);
        await logEvent(tx, { type: 'password_reset', actor: actorOf(me), data: { userId: target.id, username: target.username } });
      });
      announceSessionsRevoked(ctx, target.id);
      res.json({ temporaryPassword: temp });
    },
  });

  // ---- The signed-in user ----
  routes.add({
    method: 'post',
    path: '/me/password',
    roles: ANY_ROLE,
    summary: 'Change my password (my other sessions are signed out)',
    body: z.object({ current: z.string().min(1).max(200), next: password }),
    responses: { 200: '`{ok: true}`', 400: 'wrong current password, or the same one' },
    handler: async ({ body }, req, res) => {
      const me = currentUser(req);
      const hash = await passwordHashOf(ctx.db, me.id);
      if (!hash || !(await verifyPassword(hash, body.current))) throw new HttpError(400, 'Mật khẩu hiện tại không đúng');
      if (body.current === body.next) throw new HttpError(400, 'Mật khẩu mới phải khác mật khẩu hiện tại');
      const token = (req.headers.authorization ?? '').slice(7).trim();
      const keep = token ? tokenHash(token) : null;
      await ctx.db.transaction(async (tx) => {
        await setPasswordHash(tx, me.id, await hashPassword(body.next), false);
        await revokeOtherTokens(tx, me.id, keep);
        await logEvent(tx, { type: 'password_changed', actor: actorOf(me), data: { userId: me.id } });
      });
      announceSessionsRevoked(ctx, me.id, keep ?? undefined);
      res.json({ ok: true });
    },
  });

  routes.add({
    method: 'post',
    path: '/me/totp/setup',
    roles: ANY_ROLE,
    summary: 'Start setting up two-factor login',
    description:
      'When two-factor login is already on, setting it up again needs proof: the current `code` from the authenticator app, or the current `password`.',
    body: z.object({ code: z.string().trim().max(20).optional(), password: z.string().max(200).optional() }),
    responses: { 200: '`{secret, otpauthUrl}`', 403: 'two-factor login is on and neither a valid current code nor the password was given' },
    handler: async ({ body }, req, res) => {
      const me = currentUser(req);
      if (await activeTotpSecret(ctx.db, ctx.secretsKey, me.id)) {
        const hash = body.password ? await passwordHashOf(ctx.db, me.id) : null;
        const proven =
          (body.code ? await useTotp(ctx.db, ctx.secretsKey, me.id, body.code) : false) ||
          (!!hash && !!body.password && (await verifyPassword(hash, body.password)));
        if (!proven) throw new HttpError(403, 'Cần mã xác thực hiện tại hoặc mật khẩu để thiết lập lại xác thực hai lớp');
      }
      res.json(await startTotpSetup(ctx.db, ctx.secretsKey, me.id, me.username));
    },
  });

  // Turning two-factor login on and off: the same check of a code, each with its own call, message and event.
  for (const t of [
    {
      action: 'enable',
      on: true,
      summary: 'Turn two-factor login on with a first code',
      apply: enableTotp,
      wrongCode: 'Mã xác thực không đúng hoặc chưa bắt đầu thiết lập',
      badRequest: 'wrong code, or set-up not started',
      event: 'totp_enabled',
    },
    {
      action: 'disable',
      on: false,
      summary: 'Turn two-factor login off',
      apply: disableTotp,
      wrongCode: 'Mã xác thực không đúng',
      badRequest: 'wrong code',
      event: 'totp_disabled',
    },
  ]) {
    routes.add({
      method: 'post',
      path: `/me/totp/${t.action}`,
      roles: ANY_ROLE,
      summary: t.summary,
      body: totpBody,
      responses: { 200: `\`{ok: true, totpEnabled: ${t.on}}\``, 400: t.badRequest },
      handler: async ({ body }, req, res) => {
        const me = currentUser(req);
        if (!(await t.apply(ctx.db, ctx.secretsKey, me.id, body.code))) throw new HttpError(400, t.wrongCode);
        await logEvent(ctx.db, { type: t.event, actor: actorOf(me), data: { userId: me.id } });
        res.json({ ok: true, totpEnabled: t.on });
      },
    });
  }

  // ---- Settings ----
  routes.add({
    method: 'get',
    path: '/settings',
    roles: SUPERVISORS,
    summary: 'Receipts, greeting, office hours and the agency reply mode',
    responses: {
      200: '`{receipt: {default, <channel>?}, ticketReceipt: {default, <channel>?}, greeting, officeHours: {days, open, close, holidays}, agencyReplyMode, footerCredit}`',
    },
    handler: () => readSettings(ctx),
  });

  routes.add({
    method: 'put',
    path: '/settings',
    roles: ADMIN,
    summary: 'Change some settings (over bot.yml); effective at once',
    description: 'In receipts, `{code}` stands for the ticket code.',
    body: settingsPatch,
    responses: { 200: 'the settings', 400: 'invalid, unknown or no keys' },
    handler: async ({ body: patch }, req, res) => {
      const me = currentUser(req);
      if (Object.keys(patch).length === 0) throw new HttpError(400, 'Không có thay đổi nào');
      const saved = await saveSettings(ctx, patch, me.id);
      await logEvent(ctx.db, { type: 'settings_changed', actor: actorOf(me), data: { keys: Object.keys(patch), values: patch } });
      announceChange(ctx, 'settings', me);
      res.json(saved);
    },
  });

  // ---- Agencies ----
  routes.add({
    method: 'get',
    path: '/agencies',
    roles: ANY_ROLE,
    summary: 'The agency directory',
    query: z.object({ q: z.string().max(200).optional(), kind: z.string().max(40).optional() }),
    responses: { 200: '`[{id, code, name, kind, parent, phone, email, fields, aliases, notes, active}]`' },
    handler: ({ query: q }) => listAgencies(ctx.db, { q: q.q?.trim() || undefined, kind: q.kind || undefined }),
  });

  const checkAgencyRefs = async (a: { parent: string | null; fields: string[]; code: string }) => {
    const known = await fieldCodes(ctx.db);
    const bad = a.fields.filter((f) => !known.has(f));
    if (bad.length) throw new HttpError(400, `Lĩnh vực không có trong danh mục: ${bad.join(', ')}`);
    if (a.parent && a.parent !== a.code && !(await getAgency(ctx.db, a.parent)))
      throw new HttpError(400, `Không có cơ quan cấp trên mã ${a.parent}`);
  };

  routes.add({
    method: 'post',
    path: '/agencies',
    roles: ADMIN,
    summary: 'Add an agency',
    body: newAgency,
    responses: { 201: 'the agency', 400: 'unknown field or parent agency', 409: 'code taken' },
    handler: async ({ body }, req, res) => {
      const me = currentUser(req);
      if (await getAgency(ctx.db, body.code)) throw new HttpError(409, `Mã cơ quan ${body.code} đã tồn tại`);
      await checkAgencyRefs(body);
      await upsertAgency(ctx.db, body);
      await logEvent(ctx.db, { type: 'agency_created', actor: actorOf(me), data: { code: body.code, name: body.name } });
      announceChange(ctx, 'agencies', me, { id: body.code });
      res.status(201).json(await getAgency(ctx.db, body.code));
    },
  });

  routes.add({
    method: 'patch',
    path: '/agencies/:code',
    roles: ADMIN,
    summary: 'Change an agency (`active: false` stops forwarding to it)',
    params: agencyParams,
    body: agencyBody.partial().omit({ code: true }),
    responses: { 200: 'the agency', 400: 'unknown field or parent agency', 404: 'no such agency' },
    handler: async ({ params, body: patch }, req, res) => {
      const me = currentUser(req);
      const current = await getAgency(ctx.db, params.code);
      if (!current) throw new HttpError(404, `Không có cơ quan mã ${params.code}`);
      const { id: _id, ...base } = current;
      const next = agencyBody.parse({ ...base, ...patch });
      await checkAgencyRefs(next);
      await upsertAgency(ctx.db, next);
      await logEvent(ctx.db, { type: 'agency_updated', actor: actorOf(me), data: { code: current.code, changes: patch } });
      announceChange(ctx, 'agencies', me, { id: current.code });
      res.json(await getAgency(ctx.db, current.code));
    },
  });

  csvImportRoute(
    'agencies',
    'of knowledge/agencies.csv (lists separated by ";")',
    '`{created, updated, errors: [{line, message}]}` (a bad header is one error on line 1)',
    importAgencies,
  );

  // ---- Fields ----
  routes.add({
    method: 'get',
    path: '/fields',
    roles: ANY_ROLE,
    summary: 'Ticket fields (lĩnh vực)',
    responses: { 200: '`[{code, name, sortOrder}]`' },
    handler: () => listFields(ctx.db),
  });

  routes.add({
    method: 'post',
    path: '/fields',
    roles: ADMIN,
    summary: 'Add a field (default order: after the last)',
    body: fieldBody,
    responses: { 201: '`{code, name, sortOrder}`', 409: 'code taken' },
    handler: async ({ body }, req, res) => {
      const me = currentUser(req);
      const existing = await fieldCodes(ctx.db);
      if (existing.has(body.code)) throw new HttpError(409, `Mã lĩnh vực ${body.code} đã tồn tại`);
      const sortOrder = body.sortOrder ?? (await listFields(ctx.db)).reduce((m, f) => Math.max(m, f.sortOrder), 0) + 10;
      await upsertField(ctx.db, { code: body.code, name: body.name, sortOrder });
      await logEvent(ctx.db, { type: 'field_created', actor: actorOf(me), data: { code: body.code, name: body.name } });
      announceChange(ctx, 'fields', me, { id: body.code });
      res.status(201).json({ code: body.code, name: body.name, sortOrder });
    },
  });

  routes.add({
    method: 'patch',
    path: '/fields/:code',
    roles: ADMIN,
    summary: 'Change a field',
    params: fieldParams,
    body: fieldBody.omit({ code: true }).partial(),
    responses: { 200: '`{code, name, sortOrder}`', 404: 'no such field' },
    handler: async ({ params, body: patch }, req, res) => {
      const me = currentUser(req);
      const current = (await listFields(ctx.db)).find((f) => f.code === params.code);
      if (!current) throw new HttpError(404, `Không có lĩnh vực mã ${params.code}`);
      const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      await upsertField(ctx.db, next);
      await logEvent(ctx.db, { type: 'field_updated', actor: actorOf(me), data: { code: current.code, changes: patch } });
      announceChange(ctx, 'fields', me, { id: current.code });
      res.json(next);
    },
  });

  csvImportRoute('fields', 'code,name,sort_order', '`{created, updated, errors: [{line, message}]}`', importFields);
}

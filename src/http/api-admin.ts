/**
 * Administration: users and roles, the signed-in user's password and two-factor login, console
 * settings, channels ("test connection"), and the agency and field directories with CSV import.
 * See docs/console-api.md ("Admin").
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import express, { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import { startTotpSetup, enableTotp, disableTotp } from '../auth/totp';
import { revokeUserTokens, tokenHash } from '../auth/tokens';
import { createUser, hashPassword, ROLES, type User } from '../auth/users';
import type { ChannelName } from '../channels/contract';
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
import { getStaff, listStaff, otherActiveAdmins, passwordHashOf, revokeOtherTokens, setPasswordHash, updateStaff } from '../store/staff';

/** Every channel the console lists (phone has no adapter: calls are logged as tickets). */
export const CHANNELS: ChannelName[] = ['zalo', 'facebook', 'email', 'livechat', 'edongthap', 'phone'];

const password = z.string().min(8, 'Mật khẩu cần ít nhất 8 ký tự').max(200);
const code = z.string().trim().regex(/^[a-z][a-z0-9_]*$/, 'Mã chỉ gồm chữ thường không dấu, số và "_", bắt đầu bằng chữ');
const csvBody = express.text({ type: ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel'], limit: '5mb' });

/** A readable temporary password (no look-alike characters). */
function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** Admin routes (mounted under /api after authentication). */
export function adminRouter(ctx: AppContext): Router {
  const r = Router();
  const admin = requireRole('admin');
  const supervisors = requireRole('admin', 'supervisor');
  const staff = requireRole('admin', 'supervisor', 'operator');
  const anyRole = requireRole('admin', 'supervisor', 'operator', 'agency');

  const agencyIdOf = async (c: string | null | undefined): Promise<string | null | undefined> => {
    if (c === undefined) return undefined;
    if (c === null || c === '') return null;
    const a = await getAgency(ctx.db, c);
    if (!a) throw new HttpError(400, `Không có cơ quan mã ${c}`);
    return a.id;
  };

  // ---- Users ----
  r.get('/users', staff, async (_req, res) => {
    res.json(await listStaff(ctx.db));
  });

  r.post('/users', admin, async (req, res) => {
    const me = currentUser(req);
    const body = z
      .object({
        username: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{3,50}$/, 'Tên đăng nhập 3–50 ký tự: chữ không dấu, số, ".", "-", "_"'),
        displayName: z.string().trim().min(1).max(120),
        role: z.enum(ROLES),
        agency: z.string().nullable().optional(),
        password,
      })
      .parse(req.body ?? {});
    const agencyId = (await agencyIdOf(body.agency)) ?? null;
    if (body.role === 'agency' && !agencyId) throw new HttpError(400, 'Người dùng vai trò cơ quan cần chọn cơ quan');
    let user: User;
    try {
      user = await createUser(ctx.db, { username: body.username, displayName: body.displayName, password: body.password, role: body.role, agencyId: body.role === 'agency' ? agencyId : null, mustChangePassword: true });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new HttpError(409, `Tên đăng nhập ${body.username} đã tồn tại`);
      throw err;
    }
    await logEvent(ctx.db, { type: 'user_created', actor: actorOf(me), data: { userId: user.id, username: user.username, role: user.role } });
    announceChange(ctx, 'users', me, { id: user.id });
    res.status(201).json(await getStaff(ctx.db, user.id));
  });

  r.patch('/users/:id', admin, async (req, res) => {
    const me = currentUser(req);
    const id = String(req.params.id);
    const target = isUuid(id) ? await getStaff(ctx.db, id) : null;
    if (!target) throw new HttpError(404, 'Không tìm thấy người dùng');
    const body = z
      .object({ displayName: z.string().trim().min(1).max(120).optional(), role: z.enum(ROLES).optional(), agency: z.string().nullable().optional(), active: z.boolean().optional() })
      .parse(req.body ?? {});
    const role = body.role ?? target.role;
    let agencyId = await agencyIdOf(body.agency);
    if (role !== 'agency') agencyId = target.agencyId ? null : undefined;
    else if (agencyId === null || (agencyId === undefined && target.agencyId === null)) throw new HttpError(400, 'Người dùng vai trò cơ quan cần chọn cơ quan');
    const losesAdmin = target.role === 'admin' && (role !== 'admin' || body.active === false);
    if (losesAdmin && (await otherActiveAdmins(ctx.db, target.id)) === 0) throw new HttpError(409, 'Không thể bỏ quyền quản trị của quản trị viên cuối cùng');
    const revoke = body.active === false || (!!body.role && body.role !== target.role);
    await ctx.db.transaction(async (tx) => {
      await updateStaff(tx, target.id, { displayName: body.displayName, role: body.role, agencyId, active: body.active });
      if (revoke) await revokeUserTokens(tx, target.id);
      await logEvent(tx, { type: 'user_updated', actor: actorOf(me), data: { userId: target.id, username: target.username, changes: body } });
    });
    if (revoke) announceSessionsRevoked(ctx, target.id);
    announceChange(ctx, 'users', me, { id: target.id });
    res.json(await getStaff(ctx.db, target.id));
  });

  r.post('/users/:id/reset-password', admin, async (req, res) => {
    const me = currentUser(req);
    const id = String(req.params.id);
    const target = isUuid(id) ? await getStaff(ctx.db, id) : null;
    if (!target) throw new HttpError(404, 'Không tìm thấy người dùng');
    const temp = temporaryPassword();
    const hash = await hashPassword(temp);
    await ctx.db.transaction(async (tx) => {
      await setPasswordHash(tx, target.id, hash, true);
      await revokeUserTokens(tx, target.id);
      await logEvent(tx, { type: 'password_reset', actor: actorOf(me), data: { userId: target.id, username: target.username } });
    });
    announceSessionsRevoked(ctx, target.id);
    res.json({ temporaryPassword: temp });
  });

  // ---- The signed-in user ----
  r.post('/me/password', anyRole, async (req, res) => {
    const me = currentUser(req);
    const body = z.object({ current: z.string().min(1).max(200), next: password }).parse(req.body ?? {});
    const hash = await passwordHashOf(ctx.db, me.id);
    if (!hash || !(await argon2.verify(hash, body.current).catch(() => false))) throw new HttpError(400, 'Mật khẩu hiện tại không đúng');
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
  });

  r.post('/me/totp/setup', anyRole, async (req, res) => {
    const me = currentUser(req);
    res.json(await startTotpSetup(ctx.db, me.id, me.username));
  });

  r.post('/me/totp/enable', anyRole, async (req, res) => {
    const me = currentUser(req);
    const body = z.object({ code: z.string().trim().min(1).max(20) }).parse(req.body ?? {});
    if (!(await enableTotp(ctx.db, me.id, body.code))) throw new HttpError(400, 'Mã xác thực không đúng hoặc chưa bắt đầu thiết lập');
    await logEvent(ctx.db, { type: 'totp_enabled', actor: actorOf(me), data: { userId: me.id } });
    res.json({ ok: true, totpEnabled: true });
  });

  r.post('/me/totp/disable', anyRole, async (req, res) => {
    const me = currentUser(req);
    const body = z.object({ code: z.string().trim().min(1).max(20) }).parse(req.body ?? {});
    if (!(await disableTotp(ctx.db, me.id, body.code))) throw new HttpError(400, 'Mã xác thực không đúng');
    await logEvent(ctx.db, { type: 'totp_disabled', actor: actorOf(me), data: { userId: me.id } });
    res.json({ ok: true, totpEnabled: false });
  });

  // ---- Settings ----
  r.get('/settings', supervisors, async (_req, res) => {
    res.json(await readSettings(ctx));
  });

  r.put('/settings', admin, async (req, res) => {
    const me = currentUser(req);
    const raw = (req.body ?? {}) as Record<string, unknown>;
    // A plain string is the default text for every channel.
    for (const k of ['receipt', 'ticketReceipt']) if (typeof raw[k] === 'string') raw[k] = { default: raw[k] };
    const patch = settingsSchema.partial().strict().parse(raw);
    if (Object.keys(patch).length === 0) throw new HttpError(400, 'Không có thay đổi nào');
    const saved = await saveSettings(ctx, patch, me.id);
    await logEvent(ctx.db, { type: 'settings_changed', actor: actorOf(me), data: { keys: Object.keys(patch), values: patch } });
    announceChange(ctx, 'settings', me);
    res.json(saved);
  });

  // ---- Channels ----
  r.get('/channels', admin, async (_req, res) => {
    res.json(
      CHANNELS.map((channel) => {
        const a = ctx.channels.get(channel);
        return { channel, enabled: !!a, capabilities: a?.capabilities ?? null, testable: !!a };
      }),
    );
  });

  r.post('/channels/:channel/test', admin, async (req, res) => {
    const me = currentUser(req);
    const channel = String(req.params.channel) as ChannelName;
    if (!CHANNELS.includes(channel)) throw new HttpError(404, `Không có kênh ${channel}`);
    const a = ctx.channels.get(channel);
    let result: { ok: boolean; detail: string };
    if (!a) result = { ok: false, detail: channel === 'phone' ? 'Kênh điện thoại không có kết nối để kiểm tra' : 'Kênh chưa được cấu hình (thiếu thông tin xác thực trong cấu hình máy chủ)' };
    else {
      const started = performance.now();
      result = await a.testConnection().catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }));
      result = { ...result, detail: `${result.detail} (${Math.round(performance.now() - started)} ms)` };
    }
    await logEvent(ctx.db, { type: 'channel_tested', actor: actorOf(me), data: { channel, ok: result.ok, detail: result.detail } });
    res.json(result);
  });

  // ---- Agencies ----
  r.get('/agencies', anyRole, async (req, res) => {
    const q = z.object({ q: z.string().max(200).optional(), kind: z.string().max(40).optional() }).parse(req.query);
    res.json(await listAgencies(ctx.db, { q: q.q?.trim() || undefined, kind: q.kind || undefined }));
  });

  const agencyBody = Agency.extend({ active: z.boolean().optional() });
  const checkAgencyRefs = async (a: { parent: string | null; fields: string[]; code: string }) => {
    const known = await fieldCodes(ctx.db);
    const bad = a.fields.filter((f) => !known.has(f));
    if (bad.length) throw new HttpError(400, `Lĩnh vực không có trong danh mục: ${bad.join(', ')}`);
    if (a.parent && a.parent !== a.code && !(await getAgency(ctx.db, a.parent))) throw new HttpError(400, `Không có cơ quan cấp trên mã ${a.parent}`);
  };

  r.post('/agencies', admin, async (req, res) => {
    const me = currentUser(req);
    const input = { parent: null, phone: null, email: null, fields: [], aliases: [], notes: null, kind: 'department', ...(req.body ?? {}) };
    const body = agencyBody.parse(input);
    if (await getAgency(ctx.db, body.code)) throw new HttpError(409, `Mã cơ quan ${body.code} đã tồn tại`);
    await checkAgencyRefs(body);
    await upsertAgency(ctx.db, body);
    await logEvent(ctx.db, { type: 'agency_created', actor: actorOf(me), data: { code: body.code, name: body.name } });
    announceChange(ctx, 'agencies', me, { id: body.code });
    res.status(201).json(await getAgency(ctx.db, body.code));
  });

  r.patch('/agencies/:code', admin, async (req, res) => {
    const me = currentUser(req);
    const current = await getAgency(ctx.db, String(req.params.code));
    if (!current) throw new HttpError(404, `Không có cơ quan mã ${req.params.code}`);
    const patch = agencyBody.partial().omit({ code: true }).parse(req.body ?? {});
    const { id: _id, ...base } = current;
    const next = agencyBody.parse({ ...base, ...patch });
    await checkAgencyRefs(next);
    await upsertAgency(ctx.db, next);
    await logEvent(ctx.db, { type: 'agency_updated', actor: actorOf(me), data: { code: current.code, changes: patch } });
    announceChange(ctx, 'agencies', me, { id: current.code });
    res.json(await getAgency(ctx.db, current.code));
  });

  r.post('/agencies/import', admin, csvBody, async (req, res) => {
    if (typeof req.body !== 'string' || !req.body.trim()) throw new HttpError(400, 'Cần gửi nội dung CSV (Content-Type: text/csv)');
    const result = await importAgencies(ctx, currentUser(req), req.body);
    announceChange(ctx, 'agencies', currentUser(req));
    res.json(result);
  });

  // ---- Fields ----
  r.get('/fields', anyRole, async (_req, res) => {
    res.json(await listFields(ctx.db));
  });

  const fieldBody = z.object({ code, name: z.string().trim().min(1).max(200), sortOrder: z.coerce.number().int().min(-100000).max(100000).optional() });
  r.post('/fields', admin, async (req, res) => {
    const me = currentUser(req);
    const body = fieldBody.parse(req.body ?? {});
    const existing = await fieldCodes(ctx.db);
    if (existing.has(body.code)) throw new HttpError(409, `Mã lĩnh vực ${body.code} đã tồn tại`);
    const sortOrder = body.sortOrder ?? ((await listFields(ctx.db)).reduce((m, f) => Math.max(m, f.sortOrder), 0) + 10);
    await upsertField(ctx.db, { code: body.code, name: body.name, sortOrder });
    await logEvent(ctx.db, { type: 'field_created', actor: actorOf(me), data: { code: body.code, name: body.name } });
    announceChange(ctx, 'fields', me, { id: body.code });
    res.status(201).json({ code: body.code, name: body.name, sortOrder });
  });

  r.patch('/fields/:code', admin, async (req, res) => {
    const me = currentUser(req);
    const current = (await listFields(ctx.db)).find((f) => f.code === String(req.params.code));
    if (!current) throw new HttpError(404, `Không có lĩnh vực mã ${req.params.code}`);
    const patch = fieldBody.omit({ code: true }).partial().parse(req.body ?? {});
    const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    await upsertField(ctx.db, next);
    await logEvent(ctx.db, { type: 'field_updated', actor: actorOf(me), data: { code: current.code, changes: patch } });
    announceChange(ctx, 'fields', me, { id: current.code });
    res.json(next);
  });

  r.post('/fields/import', admin, csvBody, async (req, res) => {
    if (typeof req.body !== 'string' || !req.body.trim()) throw new HttpError(400, 'Cần gửi nội dung CSV (Content-Type: text/csv)');
    const result = await importFields(ctx, currentUser(req), req.body);
    announceChange(ctx, 'fields', currentUser(req));
    res.json(result);
  });

  return r;
}

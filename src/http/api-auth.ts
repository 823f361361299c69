/** `POST /api/auth/token` (login, throttled) and `GET /api/me`. */
import { z } from 'zod';
import { loginRetryAfterMs, recordLoginFailure, recordLoginSuccess, throttleKeys } from '../auth/throttle';
import { activeTotpSecret, useTotp } from '../auth/totp';
import { issueToken, revokeToken, tokenHash } from '../auth/tokens';
import { checkCredentials } from '../auth/passwords';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { announceSessionEnded } from '../realtime/announce';
import { footerCredit } from '../operations/settings';
import { logEvent } from '../store/events';
import { refuseTooMany } from './rate-limit';
import { ANY_ROLE, type RouteTable } from './route';

/** Login routes (no authentication needed). */
export function authRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/auth/branding',
    roles: 'public',
    summary: 'What the sign-in page shows before anyone signs in: the credit line (setting `footerCredit`)',
    responses: { 200: '`{footerCredit}`' },
    handler: async () => ({ footerCredit: await footerCredit(ctx.db) }),
  });
  routes.add({
    method: 'post',
    path: '/auth/token',
    roles: 'public',
    summary: 'Log in: a bearer token for the other /api routes',
    description:
      'Repeated failures are throttled per username and address, per username and per address, with a delay that doubles with each further failure (429 with Retry-After; shared by every node). A code is accepted once. With two-factor login on, `totp` is needed: without it (or wrong) the answer is 401 with `details: {totpRequired: true}`.',
    body: z.object({
      username: z.string().trim().min(1).max(100),
      password: z.string().min(1).max(200),
      totp: z.string().max(20).optional(),
    }),
    responses: { 200: '`{token, expiresAt, user}`', 401: 'wrong credentials or two-factor code', 429: 'too many failures' },
    handler: async ({ body }, req, res) => {
      const keys = throttleKeys(body.username, req.ip);
      const wait = await loginRetryAfterMs(ctx.db, keys);
      if (wait > 0) refuseTooMany(res, wait, 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau.');
      const user = await checkCredentials(ctx.db, body.username, body.password);
      if (!user) {
        await recordLoginFailure(ctx.db, keys);
        throw new HttpError(401, 'Sai tên đăng nhập hoặc mật khẩu');
      }
      const totpSecret = await activeTotpSecret(ctx.db, ctx.secretsKey, user.id);
      if (totpSecret && !body.totp) throw new HttpError(401, 'Cần nhập mã xác thực hai lớp (TOTP)', { totpRequired: true });
      if (totpSecret && !(await useTotp(ctx.db, ctx.secretsKey, user.id, body.totp!))) {
        await recordLoginFailure(ctx.db, keys);
        throw new HttpError(401, 'Mã xác thực hai lớp không đúng', { totpRequired: true });
      }
      await recordLoginSuccess(ctx.db, keys);
      const { token, expiresAt } = await issueToken(ctx.db, user.id, ctx.config.TOKEN_TTL_HOURS);
      await logEvent(ctx.db, {
        type: 'user_login',
        actor: { kind: user.role === 'agency' ? 'agency' : user.role, userId: user.id, name: user.displayName },
        data: {},
      });
      res.json({ token, expiresAt, user });
    },
  });
}

/** Routes for the signed-in user. */
export function meRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/me',
    roles: ANY_ROLE,
    summary: 'The signed-in user',
    responses: { 200: '`{id, username, displayName, role, agencyId, mustChangePassword, active}`' },
    handler: (_input, req, res) => {
      res.json(req.user);
    },
  });
  routes.add({
    method: 'post',
    path: '/auth/logout',
    roles: ANY_ROLE,
    summary: 'Revoke the token of this request (its live console connections close, on every node)',
    responses: { 200: '`{ok: true}`' },
    handler: async (_input, req, res) => {
      const token = (req.headers.authorization ?? '').slice(7).trim();
      await revokeToken(ctx.db, token);
      if (req.user) announceSessionEnded(ctx, req.user.id, tokenHash(token));
      res.json({ ok: true });
    },
  });
}

/** `POST /api/auth/token` (login, throttled) and `GET /api/me`. */
import { z } from 'zod';
import { LoginThrottle } from '../auth/throttle';
import { activeTotpSecret, checkTotp } from '../auth/totp';
import { issueToken, revokeToken } from '../auth/tokens';
import { checkCredentials } from '../auth/passwords';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { logEvent } from '../store/events';
import { ANY_ROLE, type RouteTable } from './route';

/** Login routes (no authentication needed). */
export function authRoutes(ctx: AppContext, routes: RouteTable, throttle = new LoginThrottle()): void {
  routes.add({
    method: 'post',
    path: '/auth/token',
    roles: 'public',
    summary: 'Log in: a bearer token for the other /api routes',
    description:
      'Repeated failures for a username or an address are throttled (429 with Retry-After). With two-factor login on, `totp` is needed: without it (or wrong) the answer is 401 with `details: {totpRequired: true}`.',
    body: z.object({
      username: z.string().trim().min(1).max(100),
      password: z.string().min(1).max(200),
      totp: z.string().max(20).optional(),
    }),
    responses: { 200: '`{token, expiresAt, user}`', 401: 'wrong credentials or two-factor code', 429: 'too many failures' },
    handler: async ({ body }, req, res) => {
      const keys = LoginThrottle.keysFor(body.username, req.ip);
      const wait = throttle.retryAfterMs(keys);
      if (wait > 0) {
        res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
        throw new HttpError(429, 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau.');
      }
      const user = await checkCredentials(ctx.db, body.username, body.password);
      if (!user) {
        throttle.fail(keys);
        throw new HttpError(401, 'Sai tên đăng nhập hoặc mật khẩu');
      }
      const totpSecret = await activeTotpSecret(ctx.db, user.id);
      if (totpSecret && !body.totp) throw new HttpError(401, 'Cần nhập mã xác thực hai lớp (TOTP)', { totpRequired: true });
      if (totpSecret && !(await checkTotp(totpSecret, body.totp!))) {
        throttle.fail(keys);
        throw new HttpError(401, 'Mã xác thực hai lớp không đúng', { totpRequired: true });
      }
      throttle.succeed(keys);
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
    summary: 'Revoke the token of this request',
    responses: { 200: '`{ok: true}`' },
    handler: async (_input, req, res) => {
      await revokeToken(ctx.db, (req.headers.authorization ?? '').slice(7).trim());
      res.json({ ok: true });
    },
  });
}

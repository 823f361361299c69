/** `POST /api/auth/token` (login, throttled) and `GET /api/me`. */
import { Router } from 'express';
import { z } from 'zod';
import { LoginThrottle } from '../auth/throttle';
import { activeTotpSecret, checkTotp } from '../auth/totp';
import { issueToken, revokeToken } from '../auth/tokens';
import { checkCredentials } from '../auth/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { logEvent } from '../store/events';

/** Login routes (no authentication needed). */
export function authRouter(ctx: AppContext, throttle = new LoginThrottle()): Router {
  const r = Router();
  r.post('/auth/token', async (req, res) => {
    const body = z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200), totp: z.string().max(20).optional() }).parse(req.body);
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
    await logEvent(ctx.db, { type: 'user_login', actor: { kind: user.role === 'agency' ? 'agency' : user.role, userId: user.id, name: user.displayName }, data: {} });
    res.json({ token, expiresAt, user });
  });
  return r;
}

/** Routes for the signed-in user. */
export function meRouter(ctx: AppContext): Router {
  const r = Router();
  r.get('/me', (req, res) => {
    res.json(req.user);
  });
  r.post('/auth/logout', async (req, res) => {
    await revokeToken(ctx.db, (req.headers.authorization ?? '').slice(7).trim());
    res.json({ ok: true });
  });
  return r;
}

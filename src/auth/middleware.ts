/** Bearer-token authentication and role checks for `/api`. */
import type { NextFunction, Request, Response } from 'express';
import type { Queryable } from '../db/database';
import { HttpError } from '../errors';
import { userOfToken } from './tokens';
import type { Role, User } from '../store/users';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
  }
}

/** Resolves the bearer token into `req.user` (401 without a valid one; 403 for anything but a password change while one is due). */
export function authenticate(db: Queryable) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const user = token ? await userOfToken(db, token) : null;
    if (!user) throw new HttpError(401, 'Chưa đăng nhập hoặc phiên đã hết hạn');
    // A temporary or first password opens only the way to change it (and /me, and logout).
    if (user.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(`${req.method} ${req.baseUrl}${req.path}`))
      throw new HttpError(403, MUST_CHANGE_PASSWORD, { mustChangePassword: true });
    req.user = user;
    next();
  };
}

/** The refusal a user who must change the password gets from the API and the live connection (`details`/`data`: `{mustChangePassword: true}`). */
export const MUST_CHANGE_PASSWORD = 'Cần đổi mật khẩu trước khi tiếp tục';

/** What a user who must change the password may still call. */
const PASSWORD_CHANGE_PATHS = new Set(['GET /api/me', 'POST /api/me/password', 'POST /api/auth/logout']);

/** Allows only the given roles (403 otherwise). */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user || !roles.includes(req.user.role)) throw new HttpError(403, 'Không có quyền thực hiện thao tác này');
    next();
  };
}

/** The signed-in user of a request (after `authenticate`). */
export function currentUser(req: Request): User {
  if (!req.user) throw new HttpError(401, 'Chưa đăng nhập');
  return req.user;
}

/**
 * Refuses NUL characters in a request's path and query (400) before any route sees them:
 * PostgreSQL text cannot hold them, so they would otherwise surface as a 500 from deep inside a
 * query (issue 14: `/api/tickets/%00`).
 */
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors';

/** Middleware for `/api`. */
export function rejectNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  const at = req.originalUrl.indexOf('?');
  const query = at >= 0 ? req.originalUrl.slice(at + 1).replace(/\+/g, ' ') : '';
  if (hasNul(req.path) || hasNul(query)) throw new HttpError(400, 'Dữ liệu không hợp lệ: ký tự NUL');
  next();
}

/** True when the URL part holds a NUL, raw or percent-encoded (a malformed escape is left to the router). */
function hasNul(part: string): boolean {
  if (part.includes('\u0000')) return true;
  try {
    return decodeURIComponent(part).includes('\u0000');
  } catch {
    return /%00/.test(part);
  }
}

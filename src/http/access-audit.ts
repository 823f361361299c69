/**
 * Audit of personal-data access: after a successful answer of a route that shows or exports a
 * citizen's data, one row in the access log (`store/access-log.ts`). The routes are listed here, in
 * one place, by their declared path; a list or search counts only when it searches by text (a
 * name or phone) or exports.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { recordAccess, type AccessAction } from '../store/access-log';

/** An audited route: its method and declared path, what it counts as, and the subject's id from the path. */
interface AuditedRoute {
  method: string;
  pattern: RegExp;
  action: AccessAction;
  subjectKind: string;
  /** Only when the query searches by text. */
  searchOnly?: boolean;
}

const AUDITED: AuditedRoute[] = [
  { method: 'GET', pattern: /^\/api\/tickets\/([^/]+)$/, action: 'view', subjectKind: 'ticket' },
  { method: 'GET', pattern: /^\/api\/tickets\/([^/]+)\/log(?:\.pdf)?$/, action: 'export', subjectKind: 'ticket' },
  { method: 'GET', pattern: /^\/api\/conversations\/([^/]+)$/, action: 'view', subjectKind: 'conversation' },
  { method: 'GET', pattern: /^\/api\/contacts\/([^/]+)$/, action: 'view', subjectKind: 'contact' },
  { method: 'GET', pattern: /^\/api\/attachments\/([^/]+)$/, action: 'view', subjectKind: 'attachment' },
  { method: 'GET', pattern: /^\/api\/export\/tickets\.(csv|xlsx)$/, action: 'export', subjectKind: 'tickets' },
  { method: 'GET', pattern: /^\/api\/tickets$/, action: 'search', subjectKind: 'tickets', searchOnly: true },
  { method: 'GET', pattern: /^\/api\/conversations$/, action: 'search', subjectKind: 'conversations', searchOnly: true },
];

/** Middleware (after authentication) recording audited accesses once they succeeded. */
export function auditPersonalData(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = `${req.baseUrl}${req.path}`;
    const route = AUDITED.find((r) => r.method === req.method && r.pattern.test(path));
    const q = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    if (!route || !req.user || (route.searchOnly && !q)) return next();
    const user = req.user;
    res.once('finish', () => {
      if (res.statusCode >= 300) return;
      const match = route.pattern.exec(path)!;
      const subjectId = route.subjectKind === 'tickets' ? null : decodeURIComponent(match[1] ?? '') || null;
      const detail: Record<string, unknown> = {};
      if (q) detail.q = q.slice(0, 200);
      if (route.subjectKind === 'tickets' && match[1]) detail.format = match[1];
      const filters = Object.fromEntries(Object.entries(req.query).filter(([k, v]) => k !== 'q' && typeof v === 'string'));
      if (Object.keys(filters).length) detail.filters = filters;
      recordAccess(ctx.db, {
        userId: user.id,
        username: user.username,
        action: route.action,
        subjectKind: route.subjectKind,
        subjectId: route.searchOnly ? null : subjectId,
        detail,
        ip: req.ip ?? null,
      }).catch((err: unknown) => ctx.log.error({ err, path }, 'personal-data access not recorded'));
    });
    next();
  };
}

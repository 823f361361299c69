/**
 * Audit of personal-data access: a route that shows or exports a citizen's data declares
 * `use: [auditAccess(ctx, …)]`, and each successful answer of it adds one row to the access log
 * (`store/access-log.ts`). A list or search counts only when it searches by text (a name or phone).
 * Routes that show no personal data pay nothing.
 */
import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { recordAccess, type AccessAction } from '../store/access-log';

/** How an audited route's accesses are recorded. */
export interface AuditOptions {
  /** Only when the query searches by text (`q`); no subject id is recorded. */
  searchOnly?: boolean;
  /** Fixed details of the route (e.g. an export's format). */
  detail?: Record<string, unknown>;
}

/** Route middleware recording the access once it succeeded; the subject is the route's `:code` or `:id`. */
export function auditAccess(ctx: AppContext, action: AccessAction, subjectKind: string, options: AuditOptions = {}): RequestHandler {
  return (req, res, next) => {
    const query = req.query;
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    const user = req.user;
    if (!user || (options.searchOnly && !q)) return next();
    const params = req.params as Record<string, string | undefined>;
    const subjectId = options.searchOnly ? null : params.code || params.id || null;
    res.once('finish', () => {
      if (res.statusCode >= 300) return;
      const detail: Record<string, unknown> = { ...options.detail };
      if (q) detail.q = q.slice(0, 200);
      const filters = Object.fromEntries(Object.entries(query).filter(([k, v]) => k !== 'q' && typeof v === 'string'));
      if (Object.keys(filters).length) detail.filters = filters;
      recordAccess(ctx.db, {
        userId: user.id,
        username: user.username,
        action,
        subjectKind,
        subjectId,
        detail,
        ip: req.ip ?? null,
      }).catch((err: unknown) => ctx.log.error({ err, action, subjectKind }, 'personal-data access not recorded'));
    });
    next();
  };
}

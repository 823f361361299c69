/** Maps errors and unknown paths to JSON responses in one place. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { HttpError } from '../errors';
import type { Logger } from '../logger';

/** The last middleware: HttpError → its status; body-parser errors → 400/413; anything else → 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message, details: err.details });
      return;
    }
    if (err instanceof ZodError) {
      res
        .status(400)
        .json({ error: 'Dữ liệu không hợp lệ', details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      return;
    }
    const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : 500;
    if (status === 413) {
      res.status(413).json({ error: 'Body too large' });
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: err.type === 'entity.parse.failed' ? 'Malformed JSON body' : String(err.message ?? 'Bad request') });
      return;
    }
    log.error({ err, path: req.path }, 'unhandled error');
    res.status(500).json({ error: 'Internal error' });
  };
}

/**
 * After every route: an unknown path is a JSON 404 from us, not Express's default page (which would
 * replace the security headers with its own and, on a gateway without a built console, answer `/`).
 */
export function notFoundHandler(): RequestHandler {
  return (_req, res) => {
    res.status(404).json({ error: 'Not found' });
  };
}

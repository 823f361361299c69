/** `GET /api/tickets/:code/log` (printable HTML) and `…/log.pdf`: a ticket's processing log. */
import { Writable } from 'node:stream';
import { Router, type Response } from 'express';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { ticketForUser } from '../operations/conversation-actions';
import { loadProcessingLog, renderLogHtml, renderLogPdf } from '../operations/processing-log';

/** The organisation named at the top of the log. */
const orgName = (ctx: AppContext) => `Tổng đài Thông tin dịch vụ công 1022 ${ctx.bot.province}`;

function disposition(res: Response, kind: 'inline' | 'attachment', name: string): void {
  res.setHeader('Content-Disposition', `${kind}; filename="${name}"`);
}

/** Processing-log routes (every role; agency users only for their agency's tickets). */
export function ticketLogRouter(ctx: AppContext): Router {
  const r = Router();
  const anyRole = requireRole('admin', 'supervisor', 'operator', 'agency');

  r.get('/tickets/:code/log', anyRole, async (req, res) => {
    const t = await ticketForUser(ctx, currentUser(req), String(req.params.code));
    const html = renderLogHtml(await loadProcessingLog(ctx, t), orgName(ctx));
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    // Self-contained: inline styles and the print button only.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:");
    disposition(res, 'inline', `nhat-ky-${t.code}.html`);
    res.send(html);
  });

  r.get('/tickets/:code/log.pdf', anyRole, async (req, res) => {
    const t = await ticketForUser(ctx, currentUser(req), String(req.params.code));
    const log = await loadProcessingLog(ctx, t);
    // Render into memory first so that a failure is still a clean JSON error, not half a PDF.
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    await renderLogPdf(log, orgName(ctx), sink);
    const pdf = Buffer.concat(chunks);
    if (!pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new HttpError(500, 'Không tạo được tệp PDF');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Cache-Control', 'no-store');
    disposition(res, 'attachment', `nhat-ky-${t.code}.pdf`);
    res.send(pdf);
  });

  return r;
}

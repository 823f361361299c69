/** `GET /api/tickets/:code/log` (printable HTML) and `…/log.pdf`: a ticket's processing log. */
import { Writable } from 'node:stream';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { loadProcessingLog, renderLogHtml, renderLogPdf } from '../reports/processing-log';
import { verifyTicketChain } from '../store/event-chain';
import { auditAccess } from './access-audit';
import { addTicketRoute } from './api-tickets';
import { fileHeaders } from './downloads';
import { ANY_ROLE, type RouteTable } from './route';

/** The organisation named at the top of the log. */
const orgName = (ctx: AppContext) => `Tổng đài Thông tin dịch vụ công 1022 ${ctx.bot.province}`;

/** Processing-log routes (every role; agency users only for their agency's tickets). */
export function ticketLogRoutes(ctx: AppContext, routes: RouteTable): void {
  addTicketRoute(ctx, routes, {
    method: 'get',
    path: '/tickets/:code/log',
    roles: ANY_ROLE,
    use: [auditAccess(ctx, 'export', 'ticket')],
    summary: "The ticket's processing log as a printable page (Vietnamese, self-contained, A4 print styles)",
    description:
      'Ticket fields, timings (received, due, first response, answered, closed, with durations), then every message and event in time order with actor and time; rows carry `data-message-id` / `data-event-id`.',
    responses: { 200: { description: 'the page', contentType: 'text/html' } },
    handler: async (t, _user, _input, res) => {
      const html = renderLogHtml(await loadProcessingLog(ctx, t), orgName(ctx));
      fileHeaders(res, 'text/html; charset=utf-8', `nhat-ky-${t.code}.html`, 'inline');
      res.setHeader('Cache-Control', 'no-store');
      // Self-contained: inline styles and the print button only.
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:");
      res.send(html);
    },
  });

  addTicketRoute(ctx, routes, {
    method: 'get',
    path: '/tickets/:code/log/verify',
    roles: ANY_ROLE,
    summary: "Checks the hash chain of the ticket's processing log",
    description:
      'Every event stores the hash of the previous event of its chain and of its own content; this recomputes them. `ok: false` means an event was changed, inserted or removed outside the application (`broken` names the first bad event of each chain).',
    responses: { 200: '`{ok, events, chains, broken: [{chain, firstBadEventId, badEvents}]}`' },
    handler: (t) => verifyTicketChain(ctx.db, t.id, t.conversationId),
  });

  addTicketRoute(ctx, routes, {
    method: 'get',
    path: '/tickets/:code/log.pdf',
    roles: ANY_ROLE,
    use: [auditAccess(ctx, 'export', 'ticket')],
    summary: 'The processing log as PDF',
    responses: {
      200: { description: 'the PDF', contentType: 'application/pdf' },
      501: 'the PDF library or font is missing on the server',
    },
    handler: async (t, _user, _input, res) => {
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
      fileHeaders(res, 'application/pdf', `nhat-ky-${t.code}.pdf`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(pdf);
    },
  });
}

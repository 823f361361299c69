/**
 * Ticket workflow beyond the basic ticket routes: forwarding to an agency with a deadline, and the
 * review of agency answers held in approval mode (proposals; the reply route that holds them is in
 * `api-tickets.ts`).
 */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { approveProposal, rejectProposal } from '../operations/agency-answers';
import { forwardTicket } from '../operations/inbox-actions';
import { listPendingProposals } from '../store/proposals';
import { addTicketRoute } from './api-tickets';
import { idParams, STAFF, type RouteTable } from './route';

/** Forward and proposal-review routes. */
export function ticketWorkflowRoutes(ctx: AppContext, routes: RouteTable): void {
  addTicketRoute(ctx, routes, {
    method: 'post',
    path: '/tickets/:code/forward',
    roles: STAFF,
    summary: 'Forward the ticket to an agency, with a deadline and a note',
    description: 'The ticket becomes `forwarded` (event `forwarded` with the agency, the previous one, the deadline and the note).',
    body: z.object({
      agency: z.string().trim().min(1, 'Cần chọn cơ quan xử lý').describe('agency code'),
      dueAt: z.coerce.date().nullable().optional(),
      note: z.string().trim().max(5000).nullable().optional(),
    }),
    responses: {
      200: 'the ticket',
      400: 'unknown or inactive agency, or a deadline in the past',
      404: 'no such ticket',
      409: 'the ticket is closed',
    },
    handler: async (t, user, { body }, res) => {
      res.json(await forwardTicket(ctx, user, t, body.agency, body.dueAt ?? null, body.note || null));
    },
  });

  routes.add({
    method: 'get',
    path: '/proposals',
    roles: STAFF,
    summary: 'Agency answers waiting for approval, oldest first',
    responses: {
      200: '`[{id, ticketId, ticketCode, ticketTitle, text, final, status, agency: {code, name}, author, authorId, reason, createdAt}]`',
    },
    handler: async (_input, _req, res) => {
      res.json(await listPendingProposals(ctx.db));
    },
  });

  routes.add({
    method: 'post',
    path: '/proposals/:id/approve',
    roles: STAFF,
    summary: "Send an agency answer to the citizen as the focal point's answer, optionally edited",
    description: '`final` on the proposal marks the ticket answered (event `agency_answer_approved`).',
    params: idParams('proposal'),
    body: z.object({ text: z.string().trim().min(1).max(20000).optional() }),
    responses: { 200: '`{ok: true, messageId, ticketCode}`', 404: 'no such proposal', 409: 'already reviewed' },
    handler: async ({ params, body }, req, res) => {
      res.json({ ok: true, ...(await approveProposal(ctx, currentUser(req), params.id, body.text)) });
    },
  });

  routes.add({
    method: 'post',
    path: '/proposals/:id/reject',
    roles: STAFF,
    summary: 'Reject an agency answer, with a reason for the focal point',
    params: idParams('proposal'),
    body: z.object({ reason: z.string().trim().min(1, 'Cần nêu lý do từ chối').max(2000) }),
    responses: { 200: '`{ok: true}`', 404: 'no such proposal', 409: 'already reviewed' },
    handler: async ({ params, body }, req, res) => {
      await rejectProposal(ctx, currentUser(req), params.id, body.reason);
      res.json({ ok: true });
    },
  });
}

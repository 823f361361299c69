/**
 * Ticket workflow beyond the basic ticket routes: forwarding to an agency with a deadline, and agency
 * answers in approval mode (proposals). Mounted BEFORE the ticket router: in approval mode it answers
 * an agency user's `POST /tickets/:code/reply` itself; otherwise it passes the request on.
 */
import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { approveProposal, proposeAgencyAnswer, rejectProposal } from '../operations/agency-answers';
import { ticketForUser } from '../operations/conversation-actions';
import { forwardTicket } from '../operations/inbox-actions';
import { agencyReplyMode } from '../operations/settings';
import { listPendingProposals } from '../store/proposals';

/** Forward and agency-answer routes. */
export function ticketWorkflowRouter(ctx: AppContext): Router {
  const r = Router();
  const staff = requireRole('admin', 'supervisor', 'operator');
  const anyRole = requireRole('admin', 'supervisor', 'operator', 'agency');

  r.post('/tickets/:code/forward', staff, async (req, res) => {
    const user = currentUser(req);
    const body = z
      .object({
        agency: z.string().trim().min(1, 'Cần chọn cơ quan xử lý'),
        dueAt: z.coerce.date().nullable().optional(),
        note: z.string().trim().max(5000).nullable().optional(),
      })
      .parse(req.body ?? {});
    const t = await ticketForUser(ctx, user, String(req.params.code));
    res.json(await forwardTicket(ctx, user, t, body.agency, body.dueAt ?? null, body.note || null));
  });

  r.post('/tickets/:code/reply', anyRole, async (req, res, next) => {
    const user = currentUser(req);
    if (user.role !== 'agency' || (await agencyReplyMode(ctx.db)) !== 'approval') return next();
    const t = await ticketForUser(ctx, user, String(req.params.code));
    const body = z.object({ text: z.string().trim().min(1).max(20000), final: z.boolean().optional() }).parse(req.body ?? {});
    res.status(202).json(await proposeAgencyAnswer(ctx, user, t, body.text, body.final ?? false));
  });

  r.get('/proposals', staff, async (_req, res) => {
    res.json(await listPendingProposals(ctx.db));
  });

  r.post('/proposals/:id/approve', staff, async (req, res) => {
    const body = z.object({ text: z.string().trim().min(1).max(20000).optional() }).parse(req.body ?? {});
    res.json({ ok: true, ...(await approveProposal(ctx, currentUser(req), String(req.params.id), body.text)) });
  });

  r.post('/proposals/:id/reject', staff, async (req, res) => {
    const body = z.object({ reason: z.string().trim().min(1, 'Cần nêu lý do từ chối').max(2000) }).parse(req.body ?? {});
    await rejectProposal(ctx, currentUser(req), String(req.params.id), body.reason);
    res.json({ ok: true });
  });

  return r;
}

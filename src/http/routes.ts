/**
 * Every HTTP route of the gateway, in the order Express tries them: service routes, webhooks, then the
 * console API under `/api` (JSON bodies; login and this OpenAPI document before authentication, every
 * other route after it; an unknown `/api` path is a JSON 404). The web console is mounted by the app.
 */
import { json } from 'express';
import { authenticate } from '../auth/middleware';
import type { AppContext } from '../context';
import { rejectNulCharacters } from './input-guard';
import { accessLogRoutes } from './api-access-log';
import { adminRoutes } from './api-admin';
import { agencyNoticeRoutes } from './api-agency-notices';
import { authRoutes, meRoutes } from './api-auth';
import { channelRoutes } from './api-channels';
import { conversationRoutes } from './api-conversations';
import { dashboardRoutes } from './api-dashboard';
import { deliveryRoutes } from './api-deliveries';
import { notFoundHandler } from './error-handler';
import { floorRoutes } from './api-floor';
import { inboxRoutes } from './api-inbox';
import { kbRoutes } from './api-kb';
import { statsRoutes } from './api-stats';
import { ticketWorkflowRoutes } from './api-ticket-workflow';
import { ticketRoutes } from './api-tickets';
import { openApiDocument } from './openapi';
import { prechatSeenRoutes } from './api-prechat-seen';
import { RouteTable } from './route';
import { serviceRoutes } from './service-routes';
import { ticketLogRoutes } from './ticket-log';
import { webhookRoutes } from './webhooks';

/** Builds the route table of one app; `table.router` serves it and `table.routes` lists it. */
export function httpRoutes(ctx: AppContext): RouteTable {
  const table = RouteTable.create();
  serviceRoutes(ctx, table.under('', 'service'));
  webhookRoutes(ctx, table.under('/webhooks', 'webhooks'));

  const api = table.under('/api');
  api.use(rejectNulCharacters);
  api.use(json({ limit: '1mb' }));
  let document: object | null = null;
  api.under('', 'service').add({
    method: 'get',
    path: '/openapi.json',
    roles: 'public',
    summary: 'This document (OpenAPI 3.1), generated from the declared routes',
    responses: { 200: 'the OpenAPI document' },
    handler: () => (document ??= openApiDocument(table.routes)),
  });
  authRoutes(ctx, api.under('', 'auth'));
  api.use(authenticate(ctx.db));
  meRoutes(ctx, api.under('', 'auth'));
  accessLogRoutes(ctx, api.under('', 'admin'));
  adminRoutes(ctx, api.under('', 'admin'));
  channelRoutes(ctx, api.under('', 'admin'));
  agencyNoticeRoutes(ctx, api.under('', 'tickets'));
  ticketWorkflowRoutes(ctx, api.under('', 'tickets'));
  ticketLogRoutes(ctx, api.under('', 'tickets'));
  ticketRoutes(ctx, api.under('', 'tickets'));
  inboxRoutes(ctx, api.under('', 'inbox'));
  conversationRoutes(ctx, api.under('', 'inbox'));
  prechatSeenRoutes(ctx, api.under('', 'inbox'));
  deliveryRoutes(ctx, api.under('', 'inbox'));
  floorRoutes(ctx, api.under('', 'floor'));
  dashboardRoutes(ctx, api.under('', 'statistics'));
  statsRoutes(ctx, api.under('', 'statistics'));
  kbRoutes(ctx, api.under('', 'knowledge'));
  // Before the console's static files and page fallback: an unknown API path is never looked up on disk.
  api.use(notFoundHandler());
  return table;
}

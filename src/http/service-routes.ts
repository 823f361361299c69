/** Routes outside the console API: health, readiness, metrics, the Rasa-compatible NLU parse, and the live-chat widget. */
import { json, type RequestHandler } from 'express';
import { z } from 'zod';
import { MemoryRateLimiter } from '../channels/kit/rate-window';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { projectPath } from '../paths';
import { bearerMatches, mayReadMetrics } from './metrics-endpoint';
import { refuseTooMany } from './rate-limit';
import type { RouteTable } from './route';

const intentScore = z.object({ name: z.string(), confidence: z.number() });

/** Rasa's parse result (https://rasa.com/docs/rasa/pages/http-api#operation/parseModelMessage). */
const parseResult = z.object({
  text: z.string(),
  intent: intentScore.describe('`nlu_fallback` when the engine is not sure enough'),
  intent_ranking: z.array(intentScore),
  entities: z.array(
    z.object({ entity: z.string(), value: z.string(), start: z.number().int(), end: z.number().int(), extractor: z.string() }),
  ),
  requests: z
    .array(intentScore)
    .optional()
    .describe('only when one message asks for two or more distinct things: the intent of each request, in the order asked'),
});

/** Declares the service routes on `routes` (mounted at the root). */
export function serviceRoutes(ctx: AppContext, routes: RouteTable): void {
  // An open NLU endpoint is an oracle for probing the model: a token, or a per-address rate limit.
  const parseLimit = new MemoryRateLimiter(ctx.config.NLU_PARSE_PER_MINUTE, 60_000);
  const parseGuard: RequestHandler = (req, res, next) => {
    const token = ctx.config.NLU_PARSE_TOKEN;
    if (token) {
      if (!bearerMatches(req.headers.authorization, token)) throw new HttpError(401, 'Cần token (NLU_PARSE_TOKEN)');
      return next();
    }
    const verdict = parseLimit.hitNow(req.ip ?? 'unknown');
    if (!verdict.allowed) refuseTooMany(res, verdict.retryAfterMs, 'Quá nhiều yêu cầu, vui lòng thử lại sau');
    next();
  };
  routes.add({
    method: 'get',
    path: '/healthz',
    roles: 'public',
    summary: 'The process is up',
    responses: { 200: '`{ok: true}`' },
    handler: () => ({ ok: true }),
  });

  routes.add({
    method: 'get',
    path: '/readyz',
    roles: 'public',
    summary: 'The database answers',
    responses: { 200: '`{ok: true, database: "pglite" | "postgres"}`', 503: '`{ok: false}`' },
    handler: async (_input, _req, res) => {
      try {
        await ctx.db.query('SELECT 1');
        res.json({ ok: true, database: ctx.db.kind });
      } catch {
        res.status(503).json({ ok: false });
      }
    },
  });

  routes.add({
    method: 'get',
    path: '/metrics',
    roles: 'public',
    summary: 'Prometheus metrics',
    description:
      'Only for clients on this machine or bearing `METRICS_TOKEN` (anyone else: 404); `METRICS_PORT` serves them on a listen address of their own.',
    responses: {
      200: { description: 'the Prometheus text exposition format', contentType: 'text/plain' },
      404: 'not a local client and no valid METRICS_TOKEN',
    },
    handler: async (_input, req, res) => {
      if (!mayReadMetrics(req, ctx.config.METRICS_TOKEN)) throw new HttpError(404, 'Not found');
      res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  });

  routes.add({
    method: 'post',
    path: '/model/parse',
    roles: 'public',
    summary: 'Rasa-compatible NLU parse of one message',
    description:
      'With `NLU_PARSE_TOKEN` set, callers bearing it are not limited and others get 401; without it, each address may call `NLU_PARSE_PER_MINUTE` times a minute (then 429 with Retry-After).',
    use: [parseGuard, json({ limit: '64kb' })],
    body: z.object({ text: z.string({ error: 'Body must be {"text": "…"}' }) }),
    responses: {
      200: { description: 'the parse result, in Rasa format', schema: parseResult },
      401: 'NLU_PARSE_TOKEN is set and not given',
      429: 'too many calls from this address',
    },
    handler: ({ body }) => ctx.nlu.parse(body.text),
  });

  routes.add({
    method: 'get',
    path: '/widget.js',
    roles: 'public',
    summary: 'The live-chat widget, embedded with one <script> tag (the chat runs over socket.io, namespace /livechat)',
    responses: { 200: { description: 'the script', contentType: 'application/javascript' } },
    handler: (_input, _req, res) => {
      res.type('application/javascript').sendFile(projectPath('adapters', 'livechat', 'widget', 'widget.js'));
    },
  });
}

/** Routes outside the console API: health, readiness, metrics, the Rasa-compatible NLU parse, and the live-chat widget. */
import { json } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { projectPath } from '../paths';
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
});

/** Declares the service routes on `routes` (mounted at the root). */
export function serviceRoutes(ctx: AppContext, routes: RouteTable): void {
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
    responses: { 200: { description: 'the Prometheus text exposition format', contentType: 'text/plain' } },
    handler: async (_input, _req, res) => {
      res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  });

  routes.add({
    method: 'post',
    path: '/model/parse',
    roles: 'public',
    summary: 'Rasa-compatible NLU parse of one message',
    use: [json({ limit: '64kb' })],
    body: z.object({ text: z.string({ error: 'Body must be {"text": "…"}' }) }),
    responses: { 200: { description: 'the parse result, in Rasa format', schema: parseResult } },
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

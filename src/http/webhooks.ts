/**
 * `/webhooks/:channel`: verify over the raw bytes, store the raw event with its unique key
 * (a replay is acknowledged and dropped), answer 2xx. Nothing else happens in the request.
 */
import { Router, raw, type Request, type Response } from 'express';
import type { ChannelName, WebhookRequest } from '../channels/contract';
import { sha256Hex } from '../channels/helpers';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { storeInbound } from '../pipeline/intake';

function toWebhookRequest(req: Request): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query)) query[k] = typeof v === 'string' ? v : undefined;
  return { method: req.method, headers, query, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) };
}

/** The webhook router. */
export function webhookRouter(ctx: AppContext): Router {
  const router = Router();
  const adapterOf = (req: Request) => {
    const adapter = ctx.channels.get(String(req.params.channel) as ChannelName);
    if (!adapter?.webhook) throw new HttpError(404, 'Kênh chưa được bật hoặc không nhận webhook');
    return adapter as typeof adapter & { webhook: NonNullable<typeof adapter.webhook> };
  };

  router.get('/:channel', (req: Request, res: Response) => {
    const adapter = adapterOf(req);
    const answer = adapter.webhook.handshake?.(toWebhookRequest(req));
    if (!answer) throw new HttpError(405, 'This webhook only accepts POST');
    res.status(answer.status).type('text/plain').send(answer.body);
  });

  router.post(
    '/:channel',
    raw({ type: () => true, limit: ctx.config.WEBHOOK_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const started = performance.now();
      const adapter = adapterOf(req);
      const channel = adapter.channel;
      const wreq = toWebhookRequest(req);
      let body: unknown;
      try {
        body = JSON.parse(wreq.rawBody.toString('utf8'));
      } catch {
        ctx.metrics.webhooks.inc({ channel, result: 'malformed' });
        throw new HttpError(400, 'Malformed JSON body');
      }
      if (!adapter.webhook.verify(wreq, body)) {
        ctx.metrics.webhooks.inc({ channel, result: 'bad_signature' });
        throw new HttpError(401, 'Invalid signature');
      }
      const stored = await storeInbound(ctx.db, {
        channel,
        dedupeKey: adapter.webhook.dedupeKey?.(body) ?? `sha256:${sha256Hex(wreq.rawBody)}`,
        orderingKey: adapter.webhook.orderingKey(body),
        contentType: 'application/json',
        body: wreq.rawBody,
      });
      ctx.metrics.webhooks.inc({ channel, result: stored ? 'stored' : 'replay' });
      ctx.metrics.webhookLatency.observe({ channel }, (performance.now() - started) / 1000);
      if (stored) ctx.wake();
      res.status(200).json({ ok: true, duplicate: !stored });
    },
  );
  return router;
}

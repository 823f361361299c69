/**
 * `/webhooks/:channel`: verify over the raw bytes, store the raw event with its unique key
 * (a replay is acknowledged and dropped), answer 2xx. Nothing else happens in the request.
 */
import { raw, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ChannelName, WebhookRequest } from '../channels/kit/contract';
import { sha256Hex } from '../channels/kit/helpers';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { INBOUND_JOB } from '../pipeline/intake';
import { DbRateLimiter, refuseTooMany } from './rate-limit';
import type { RouteTable } from './route';

function toWebhookRequest(req: Request): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query)) query[k] = typeof v === 'string' ? v : undefined;
  return { method: req.method, headers, query, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) };
}

const channelParams = z.object({ channel: z.string().describe('zalo, facebook or edongthap (an unknown or disabled channel: 404)') });

/** Declares the webhook routes on `routes` (mounted at `/webhooks`). */
export function webhookRoutes(ctx: AppContext, routes: RouteTable): void {
  // Every webhook of a channel updates the same counter row: with a relaxed commit its lock is not held
  // through a disk flush (a count lost in a database crash only lets a few more webhooks through).
  const limiter = ctx.config.WEBHOOK_PER_MINUTE > 0 ? new DbRateLimiter(ctx.db.relaxed, ctx.config.WEBHOOK_PER_MINUTE, 60_000) : null;
  const adapterOf = (channel: string) => {
    const adapter = ctx.channels.get(channel as ChannelName);
    if (!adapter?.webhook) throw new HttpError(404, 'Kênh chưa được bật hoặc không nhận webhook');
    return adapter as typeof adapter & { webhook: NonNullable<typeof adapter.webhook> };
  };

  routes.add({
    method: 'get',
    path: '/:channel',
    roles: 'public',
    summary: 'Verification handshake (Messenger: hub.mode, hub.verify_token, hub.challenge)',
    params: channelParams,
    responses: {
      200: { description: 'the challenge, as sent', contentType: 'text/plain' },
      403: 'wrong verify token',
      404: 'channel not enabled',
      405: 'this channel has no handshake',
    },
    handler: ({ params }, req, res) => {
      const adapter = adapterOf(params.channel);
      const answer = adapter.webhook.handshake?.(toWebhookRequest(req));
      if (!answer) throw new HttpError(405, 'This webhook only accepts POST');
      res.status(answer.status).type('text/plain').send(answer.body);
    },
  });

  routes.add({
    method: 'post',
    path: '/:channel',
    roles: 'public',
    summary: 'A provider event: verified over the raw body, stored, then acknowledged',
    description:
      'Processing (parsing, receipt, bot, replies) runs afterwards from durable jobs. A replay of a stored event is acknowledged with `duplicate: true` and dropped. Signatures and payloads per channel: docs/contract.md and docs/channels.md.',
    params: channelParams,
    use: [raw({ type: () => true, limit: ctx.config.WEBHOOK_BODY_LIMIT })],
    rawBody: { contentTypes: ['application/json'], description: "the provider's JSON payload, verified byte for byte" },
    responses: {
      200: '`{ok: true, duplicate: boolean}`',
      400: 'a signed body that can never be processed: not a JSON object, NUL characters, nesting deeper than 32, wrong field types, impossible times',
      401: 'bad signature (checked before the body is parsed)',
      404: 'channel not enabled',
      413: 'body larger than WEBHOOK_BODY_LIMIT',
      429: 'more than WEBHOOK_PER_MINUTE signed requests for this channel in the current minute (all nodes together); Retry-After says when',
    },
    handler: async ({ params }, req, res) => {
      ctx.intake.enter();
      try {
        await acceptWebhook(params.channel, req, res);
      } finally {
        ctx.intake.leave();
      }
    },
  });

  async function acceptWebhook(channelParam: string, req: Request, res: Response): Promise<void> {
    const started = performance.now();
    const adapter = adapterOf(channelParam);
    const channel = adapter.channel;
    const wreq = toWebhookRequest(req);
    // Signature over the raw bytes first; only a signed body is parsed, and a payload that could
    // never be processed is refused here rather than stored and retried.
    const verdict = adapter.webhook.accept(wreq);
    if (!verdict.accept) {
      ctx.metrics.webhooks.inc({ channel, result: verdict.status === 401 ? 'bad_signature' : 'malformed' });
      throw new HttpError(verdict.status, verdict.reason);
    }
    // Counted once signed (unsigned floods cannot spend a channel's budget), across nodes.
    const limit = limiter && (await limiter.hit(`webhook:${channel}`));
    if (limit && !limit.allowed) {
      ctx.metrics.webhooks.inc({ channel, result: 'rate_limited' });
      refuseTooMany(res, limit.retryAfterMs, 'Too many webhook requests for this channel');
    }
    const stored = await ctx.storeInbound({
      channel,
      dedupeKey: verdict.dedupeKey ?? `sha256:${sha256Hex(wreq.rawBody)}`,
      orderingKey: verdict.orderingKey,
      contentType: 'application/json',
      body: wreq.rawBody,
    });
    ctx.metrics.webhooks.inc({ channel, result: stored ? 'stored' : 'replay' });
    ctx.metrics.webhookLatency.observe({ channel }, (performance.now() - started) / 1000);
    if (stored) ctx.wake(INBOUND_JOB);
    res.status(200).json({ ok: true, duplicate: !stored });
  }
}

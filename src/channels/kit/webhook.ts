/**
 * Accepting a webhook: the one call the core makes before storing a provider's event. The signature
 * is checked over the raw bytes before anything is parsed (an unsigned 1 MiB body costs one HMAC);
 * then the body must be JSON that can ever be processed — no NUL characters, no absurd nesting, a
 * JSON object, and whatever shape checks the adapter adds. A refused payload is answered 400/401
 * and never stored; an unknown *event type* is not a refusal (it is stored as `unsupported`).
 */
import type { WebhookHandler, WebhookRequest, WebhookVerdict } from './contract';
import { parseJsonKeepingBigInts } from './safe-json';

/** Deepest JSON nesting a webhook may have (providers send 5–8 levels). */
export const MAX_WEBHOOK_DEPTH = 32;

/** The parts an adapter supplies; `acceptWebhook` runs them in order. */
export interface WebhookParts {
  /** Signature check over `req.rawBody`, timing-safe. */
  verify(req: WebhookRequest): boolean;
  /** Why a signed JSON object can never be processed (wrong types, impossible times), or null. */
  check?(body: Record<string, unknown>): string | null;
  /** Unique key of this delivery, so a replay is dropped (default: SHA-256 of the body). */
  dedupeKey?(body: unknown): string | null;
  /** Key that orders processing: the citizen's id. */
  orderingKey(body: unknown): string;
}

/** Verifies, reads and checks one webhook request. */
export function acceptWebhook(req: WebhookRequest, parts: WebhookParts): WebhookVerdict {
  if (!parts.verify(req)) return { accept: false, status: 401, reason: 'Invalid signature' };
  const read = readWebhookJson(req.rawBody);
  if (typeof read === 'string') return { accept: false, status: 400, reason: read };
  const problem = parts.check?.(read);
  if (problem) return { accept: false, status: 400, reason: problem };
  return { accept: true, dedupeKey: parts.dedupeKey?.(read) ?? null, orderingKey: parts.orderingKey(read) };
}

/** The body as a JSON object (long integers kept exact), or the reason it cannot be one. */
export function readWebhookJson(raw: Buffer): Record<string, unknown> | string {
  if (raw.includes(0)) return 'Body contains a NUL byte';
  const text = raw.toString('utf8');
  if (nestingDepth(text) > MAX_WEBHOOK_DEPTH) return `JSON nested deeper than ${MAX_WEBHOOK_DEPTH} levels`;
  let value: unknown;
  try {
    value = parseJsonKeepingBigInts(text);
  } catch {
    return 'Malformed JSON body';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'The body must be a JSON object';
  if (hasNulString(value)) return 'A string contains a NUL character';
  return value as Record<string, unknown>;
}

/** Deepest bracket nesting outside string literals, counted without parsing. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function hasNulString(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNulString(v));
  return false;
}

/** A time in epoch milliseconds that a real event can have (2000-01-01 up to a day ahead), for `check`s. */
export function isPlausibleEpochMs(value: unknown, now = Date.now()): boolean {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 946_684_800_000 && n <= now + 86_400_000;
}

/** A channel's webhook handler from its parts: `accept` runs them; the parts stay callable for tests. */
export function webhookHandler(parts: WebhookParts & Pick<WebhookHandler, 'handshake'>): WebhookHandler {
  return { ...parts, accept: (req) => acceptWebhook(req, parts) };
}

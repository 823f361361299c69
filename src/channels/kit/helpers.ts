/**
 * Shared helpers for channel adapters: constant-time comparison and one HTTP call
 * that maps transport failures to `ChannelApiError` the same way for every provider.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ChannelApiError, type ChannelName, type InboundUnsupported } from './contract';

/** Constant-time equality of two strings (false on different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Hex HMAC-SHA256 of `data` with `secret`. */
export function hmacSha256Hex(secret: string, data: Buffer | string): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/** Hex SHA-256 of `data`. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The `unsupported` event of a whole webhook body that yields no event (malformed, another kind of
 * object, empty): keyed by the body's hash, so that a provider's retry of it is a duplicate.
 */
export function unsupportedBody(channel: ChannelName, reason: string, rawBody: Buffer): InboundUnsupported {
  return {
    type: 'unsupported',
    channel,
    externalUserId: '',
    externalMessageId: `${reason}:${sha256Hex(rawBody)}`,
    timestamp: Date.now(),
    reason,
  };
}

/** Parses a Retry-After header (seconds or HTTP date) into ms; null when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Options of `callProvider`. */
export interface ProviderRequest {
  channel: ChannelName;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as-is when a string or Buffer, as multipart/form-data when FormData (file uploads), JSON-encoded otherwise. */
  body?: unknown;
  /** Abort after this many ms (default: 10000). A timeout is retryable. */
  timeoutMs?: number;
}

/** A provider's answer: HTTP status, headers and parsed JSON (or text when not JSON). */
export interface ProviderResponse {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

/**
 * One HTTP call to a provider. Network errors, timeouts, 5xx and 429 throw a retryable
 * `ChannelApiError` (429 honouring Retry-After); other non-2xx answers are returned so the
 * adapter can read the provider's own error codes (Zalo answers errors with HTTP 200).
 */
export async function callProvider(req: ProviderRequest): Promise<ProviderResponse> {
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let body: string | Uint8Array | FormData | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === 'string' || req.body instanceof FormData)
      body = req.body; // fetch sets the multipart boundary
    else if (Buffer.isBuffer(req.body)) body = new Uint8Array(req.body);
    else {
      body = JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers,
      body: body as BodyInit | undefined,
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ChannelApiError({ channel: req.channel, message: `network error: ${reason}`, retryable: true });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.status === 429 || res.status >= 500) {
    throw new ChannelApiError({
      channel: req.channel,
      message: `HTTP ${res.status}: ${text.slice(0, 200)}`,
      status: res.status,
      retryable: true,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    });
  }
  return { status: res.status, headers: res.headers, json, text };
}

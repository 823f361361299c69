/**
 * Shared helpers for channel adapters: constant-time comparison and one HTTP call
 * that maps transport failures to `ChannelApiError` the same way for every provider.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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

/** The largest provider answer read (bytes); a longer one fails the call as a network error would. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** A provider's raw answer, before `callProvider` reads it. */
interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One request over Node's own HTTP client (`http.globalAgent`/`https.globalAgent`: connections kept
 * alive, each dropped a second before the provider's announced Keep-Alive timeout). Not `fetch`: its
 * Request, Response and web-stream objects cost about 0.3 ms of CPU per call more, twice per
 * conversation (docs/performance.md, "Where the CPU goes"). Like `fetch` it sends the body in one piece; unlike it, it
 * follows no redirect and asks for no compression (no provider API here redirects or needs either).
 * `timeoutMs` bounds the whole exchange, answer body included.
 */
function exchange(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // A provider's answer is a small JSON document: a runaway body must not fill the memory.
        if (size > MAX_ANSWER_BYTES) return void req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const answer = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) answer.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve({ status: res.statusCode ?? 0, headers: answer, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the answer ended'));
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * One HTTP call to a provider. Network errors, timeouts, 5xx and 429 throw a retryable
 * `ChannelApiError` (429 honouring Retry-After); other non-2xx answers are returned so the
 * adapter can read the provider's own error codes (Zalo answers errors with HTTP 200).
 */
export async function callProvider(req: ProviderRequest): Promise<ProviderResponse> {
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let body: Buffer | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === 'string') body = Buffer.from(req.body, 'utf8');
    else if (Buffer.isBuffer(req.body)) body = req.body;
    else if (req.body instanceof FormData) {
      // Encoded as fetch would: the multipart bytes and their boundary (file uploads only).
      const encoded = new Response(req.body);
      body = Buffer.from(await encoded.arrayBuffer());
      headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    } else {
      body = Buffer.from(JSON.stringify(req.body), 'utf8');
      headers['content-type'] ??= 'application/json';
    }
    headers['content-length'] = String(body.length);
  }
  let res: RawAnswer;
  try {
    res = await exchange(req.method, new URL(req.url), headers, body, req.timeoutMs ?? 10_000);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ChannelApiError({ channel: req.channel, message: `network error: ${reason}`, retryable: true });
  }
  const text = res.text;
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

/**
 * A fake Zalo OA API + OAuth v4 server (node:http on 127.0.0.1, port 0) for adapter tests.
 *
 * It checks every request against the documented API (method, path, headers, body shape) and
 * records violations; it answers like Zalo (errors as HTTP 200 with a negative `error`),
 * enforces access tokens (-216 when unknown) and single-use refresh tokens (-14014 on reuse),
 * and can be told to fail the next call on a path on purpose.
 */
import { startFakeServer, type RecordedRequest } from './fake-server';

/** A request the fake received, with its body parsed. */
export interface ZaloRecordedRequest extends RecordedRequest {
  /** Parsed JSON body, when JSON. */
  json?: any;
  /** Parsed form body, when urlencoded. */
  form?: URLSearchParams;
}

/** A scripted answer. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  delayMs?: number;
}

/** Options of `startFakeZalo`. */
export interface FakeZaloOptions {
  appId: string;
  appSecret: string;
  accessToken: string;
  refreshToken: string;
  /** Delay of the OAuth refresh answer (to make races observable), ms (default: 0). */
  refreshDelayMs?: number;
  /** `expires_in` returned on refresh (a string, as Zalo does; default: "90000"). */
  expiresIn?: string;
  oa?: { oa_id: string; name: string };
  profiles?: Record<string, string>;
  /** Called as each request arrives (before it is answered), e.g. to build a timeline. */
  onRequest?: (r: ZaloRecordedRequest) => void;
}

/** A running fake. */
export interface FakeZalo {
  /** Base URL of the OA API (also serves OAuth paths). */
  apiBase: string;
  oauthBase: string;
  requests: ZaloRecordedRequest[];
  /** Documented-API violations seen; tests expect none. */
  violations: string[];
  /** Access tokens the fake accepts. */
  validAccessTokens: Set<string>;
  /** The one refresh token that is still redeemable. */
  currentRefreshToken: string;
  /** Successful + failed refresh calls. */
  refreshCalls: number;
  /** Answers the next request whose path starts with `pathPrefix` with `reply` (queued, FIFO). */
  failNext(pathPrefix: string, reply: FakeReply): void;
  /** Requests whose path starts with `pathPrefix`. */
  calls(pathPrefix: string): ZaloRecordedRequest[];
  close(): Promise<void>;
}

const ID_RE = /^\d{5,25}$/;

/** Starts a fake Zalo server on an ephemeral local port. */
export async function startFakeZalo(opts: FakeZaloOptions): Promise<FakeZalo> {
  const queue: Array<{ prefix: string; reply: FakeReply }> = [];
  let counter = 0;
  let tokenCounter = 0;
  const fake: Omit<FakeZalo, 'apiBase' | 'oauthBase' | 'close'> = {
    requests: [],
    violations: [],
    validAccessTokens: new Set([opts.accessToken]),
    currentRefreshToken: opts.refreshToken,
    refreshCalls: 0,
    failNext(prefix, reply) {
      queue.push({ prefix, reply });
    },
    calls(prefix) {
      return this.requests.filter((r) => r.path.startsWith(prefix));
    },
  };

  const server = await startFakeServer(async (rec: ZaloRecordedRequest, res) => {
    const ct = String(rec.headers['content-type'] ?? '');
    if (ct.startsWith('application/json')) {
      try {
        rec.json = JSON.parse(rec.body.toString('utf8'));
      } catch {
        fake.violations.push(`${rec.path}: body is not JSON`);
      }
    } else if (ct.startsWith('application/x-www-form-urlencoded')) {
      rec.form = new URLSearchParams(rec.body.toString('utf8'));
    }
    fake.requests.push(rec);
    opts.onRequest?.(rec);
    const send = async (r: FakeReply) => {
      if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
      const text = r.text ?? JSON.stringify(r.json ?? {});
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(text);
    };
    const violation = (msg: string) => fake.violations.push(`${rec.method} ${rec.path}: ${msg}`);
    const reply = route(rec, violation);
    const scripted = queue.findIndex((q) => rec.path.startsWith(q.prefix));
    if (scripted >= 0) {
      const [{ reply: r }] = queue.splice(scripted, 1);
      await send(r);
      return;
    }
    await send(await reply());
  });

  /** Validates a request and returns the normal answer (computed lazily, after scripted failures). */
  function route(r: ZaloRecordedRequest, violation: (m: string) => void): () => Promise<FakeReply> {
    const ok = (data: unknown): FakeReply => ({ json: { error: 0, message: 'Success', data } });
    const needToken = (): FakeReply | null => {
      const token = r.headers['access_token'];
      if (typeof token !== 'string' || !token) violation('missing access_token header');
      if (r.headers['authorization']) violation('OA API takes the access_token header, not Authorization');
      if (r.query.has('access_token')) violation('access token must not be in the query string');
      if (typeof token !== 'string' || !fake.validAccessTokens.has(token)) {
        return { json: { error: -216, message: 'Access token is invalid' } };
      }
      return null;
    };

    if (r.method === 'POST' && r.path === '/v3.0/oa/message/cs') {
      if (!String(r.headers['content-type']).startsWith('application/json')) violation('content-type must be application/json');
      const b = r.json ?? {};
      if (!b.recipient || typeof b.recipient.user_id !== 'string' || !ID_RE.test(b.recipient.user_id)) {
        violation('recipient.user_id must be a numeric string');
      }
      const m = b.message ?? {};
      if (m.text === undefined && m.attachment === undefined) violation('message needs text or attachment');
      if (m.text !== undefined && (typeof m.text !== 'string' || m.text.length === 0 || m.text.length > 2000)) {
        violation('message.text must be a non-empty string of at most 2000 characters');
      }
      if (m.attachment !== undefined) {
        const a = m.attachment;
        const media =
          a.type === 'template' &&
          a.payload?.template_type === 'media' &&
          Array.isArray(a.payload.elements) &&
          a.payload.elements.length === 1 &&
          a.payload.elements[0].media_type === 'image' &&
          (typeof a.payload.elements[0].url === 'string' || typeof a.payload.elements[0].attachment_id === 'string');
        const file = a.type === 'file' && typeof a.payload?.token === 'string' && m.text === undefined;
        if (!media && !file) violation(`unexpected attachment ${JSON.stringify(a)}`);
      }
      const extra = Object.keys(b).filter((k) => k !== 'recipient' && k !== 'message');
      if (extra.length) violation(`unexpected top-level keys ${extra.join(',')}`);
      return async () => needToken() ?? ok({ message_id: `zmsg${String(++counter).padStart(28, '0')}`, user_id: b.recipient?.user_id });
    }
    if (r.method === 'POST' && (r.path === '/v2.0/oa/upload/image' || r.path === '/v2.0/oa/upload/file')) {
      const ct = String(r.headers['content-type'] ?? '');
      const boundary = /boundary=(.+)$/.exec(ct)?.[1];
      if (!ct.startsWith('multipart/form-data') || !boundary) violation('upload must be multipart/form-data with a boundary');
      const text = r.body.toString('latin1');
      if (!text.includes('name="file"; filename=')) violation('upload needs a `file` field with a filename');
      if (boundary && !text.trimEnd().endsWith(`--${boundary}--`)) violation('multipart body not terminated');
      return async () => needToken() ?? ok(r.path.endsWith('image') ? { attachment_id: `att${++counter}` } : { token: `ftok${++counter}` });
    }
    if (r.method === 'GET' && r.path === '/v3.0/oa/user/detail') {
      let userId: unknown;
      try {
        userId = JSON.parse(r.query.get('data') ?? '').user_id;
      } catch {
        violation('data must be JSON {"user_id": …}');
      }
      if (typeof userId !== 'string' || !ID_RE.test(userId)) violation('data.user_id must be a numeric string');
      return async () => {
        const denied = needToken();
        if (denied) return denied;
        const name = opts.profiles?.[String(userId)];
        return name
          ? ok({ user_id: userId, display_name: name, avatars: { '240': 'https://s240-ava-talk.zadn.vn/a.jpg' }, user_is_follower: true })
          : { json: { error: -213, message: 'User has not followed OA' } };
      };
    }
    if (r.method === 'GET' && r.path === '/v2.0/oa/getoa') {
      return async () =>
        needToken() ??
        ok({ oa_id: opts.oa?.oa_id ?? '2974318543902785381', name: opts.oa?.name ?? 'Tổng đài 1022 Đồng Tháp', num_follower: 15873 });
    }
    if (r.method === 'POST' && r.path === '/v4/oa/access_token') {
      fake.refreshCalls++;
      if (r.headers['secret_key'] !== opts.appSecret) violation('secret_key header must be the app secret');
      if (!String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
        violation('content-type must be form-urlencoded');
      const f = r.form ?? new URLSearchParams();
      if (f.get('app_id') !== opts.appId) violation('form app_id must be the app id');
      if (f.get('grant_type') !== 'refresh_token') violation('grant_type must be refresh_token');
      const keys = [...f.keys()].sort().join(',');
      if (keys !== 'app_id,grant_type,refresh_token') violation(`unexpected form fields ${keys}`);
      return async () => {
        if (opts.refreshDelayMs) await new Promise((ok2) => setTimeout(ok2, opts.refreshDelayMs));
        if (f.get('refresh_token') !== fake.currentRefreshToken) {
          return { json: { error: -14014, error_name: 'Invalid refresh token', error_description: 'Refresh token is invalid or expired' } };
        }
        const n = ++tokenCounter;
        const access = `at-${n}`;
        const refresh = `rt-${n}`;
        fake.currentRefreshToken = refresh;
        fake.validAccessTokens.clear();
        fake.validAccessTokens.add(access);
        return { json: { access_token: access, refresh_token: refresh, expires_in: opts.expiresIn ?? '90000' } };
      };
    }
    violation('no such endpoint');
    return async () => ({ status: 404, json: { error: 404, message: 'empty api' } });
  }

  return Object.assign(fake, { apiBase: server.baseUrl, oauthBase: server.baseUrl, close: server.close });
}

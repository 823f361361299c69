/**
 * A fake Graph API (Messenger Send API, User Profile, /me) on 127.0.0.1, port 0, for adapter tests.
 *
 * Every request is checked against the documented API (path with version, `Authorization:
 * Bearer <page token>`, JSON body shape and limits) and violations are recorded. It answers like
 * Graph (errors as HTTP 4xx with `{error:{message,type,code,error_subcode,fbtrace_id}}`) and can
 * be told to fail the next call on a path on purpose.
 */
import { startFakeServer, type RecordedRequest } from './fake-server';

/** A request the fake received, with its JSON body. */
export interface GraphRecordedRequest extends RecordedRequest {
  json?: any;
}

/** A scripted answer. */
export interface GraphReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
}

/** Options of `startFakeGraph`. */
export interface FakeGraphOptions {
  pageAccessToken: string;
  version: string;
  page?: { id: string; name: string };
  profiles?: Record<string, { name?: string; first_name?: string; last_name?: string }>;
}

/** A file received by the Attachment Upload API. */
export interface GraphUpload {
  type: string;
  name: string;
  contentType: string;
  data: Buffer;
}

/** A running fake. */
export interface FakeGraph {
  graphBase: string;
  /** Files uploaded through /me/message_attachments, by the attachment_id answered. */
  uploads: Map<string, GraphUpload>;
  requests: GraphRecordedRequest[];
  violations: string[];
  /** Answers the next request whose path (after the version) starts with `pathPrefix` (FIFO). */
  failNext(pathPrefix: string, reply: GraphReply): void;
  /** Requests whose path (after the version) starts with `pathPrefix`. */
  calls(pathPrefix: string): GraphRecordedRequest[];
  close(): Promise<void>;
}

/** A Graph error body. */
export function graphError(code: number, message: string, subcode?: number, type = 'OAuthException'): GraphReply {
  return {
    status: code === 190 ? 401 : 400,
    json: { error: { message, type, code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: 'AbCdEf123' } },
  };
}

const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
const ATTACHMENT_TYPES = new Set(['image', 'audio', 'video', 'file']);

/** Starts a fake Graph server on an ephemeral local port. */
export async function startFakeGraph(opts: FakeGraphOptions): Promise<FakeGraph> {
  const queue: Array<{ prefix: string; reply: GraphReply }> = [];
  const prefix = `/${opts.version}`;
  let counter = 0;
  const requests: GraphRecordedRequest[] = [];
  const violations: string[] = [];
  const uploads = new Map<string, GraphUpload>();

  const server = await startFakeServer((rec: GraphRecordedRequest, res) => {
    if (rec.body.length && !String(rec.headers['content-type']).startsWith('multipart/form-data')) {
      try {
        rec.json = JSON.parse(rec.body.toString('utf8'));
      } catch {
        violations.push(`${rec.path}: body is not JSON`);
      }
    }
    requests.push(rec);
    const violation = (m: string) => violations.push(`${rec.method} ${rec.path}: ${m}`);
    const send = (r: GraphReply) => {
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(r.text ?? JSON.stringify(r.json ?? {}));
    };

    if (!rec.path.startsWith(`${prefix}/`)) violation(`path must start with ${prefix}/`);
    const sub = rec.path.slice(prefix.length);
    if (rec.query.has('access_token')) violation('token must be in the Authorization header, not the query');
    const authorized = rec.headers['authorization'] === `Bearer ${opts.pageAccessToken}`;
    if (!rec.headers['authorization']) violation('missing Authorization header');
    const normal = route(rec, sub, violation);
    const scripted = queue.findIndex((q) => sub.startsWith(q.prefix));
    if (scripted >= 0) {
      send(queue.splice(scripted, 1)[0]!.reply);
      return;
    }
    if (!authorized) {
      send(graphError(190, 'Invalid OAuth access token - Cannot parse access token'));
      return;
    }
    send(normal());
  });

  function route(r: GraphRecordedRequest, sub: string, violation: (m: string) => void): () => GraphReply {
    if (r.method === 'POST' && sub === '/me/messages') {
      if (!String(r.headers['content-type']).startsWith('application/json')) violation('content-type must be application/json');
      const b = r.json ?? {};
      if (!b.recipient || typeof b.recipient.id !== 'string' || !/^\d+$/.test(b.recipient.id))
        violation('recipient.id must be a PSID string');
      if (b.sender_action !== undefined) {
        if (b.message !== undefined || b.messaging_type !== undefined) violation('sender_action cannot be combined with a message');
        if (!['typing_on', 'typing_off', 'mark_seen'].includes(b.sender_action)) violation('bad sender_action');
        return () => ({ json: { recipient_id: b.recipient?.id } });
      }
      if (!MESSAGING_TYPES.has(b.messaging_type)) violation('messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG');
      if (b.messaging_type === 'MESSAGE_TAG' && !b.tag) violation('MESSAGE_TAG needs a tag');
      if (b.messaging_type !== 'MESSAGE_TAG' && b.tag !== undefined) violation('tag only with MESSAGE_TAG');
      const m = b.message ?? {};
      const hasText = m.text !== undefined;
      const hasAtt = m.attachment !== undefined;
      if (hasText === hasAtt) violation('message needs exactly one of text or attachment');
      if (hasText && (typeof m.text !== 'string' || m.text.length === 0 || m.text.length > 2000))
        violation('text must be 1..2000 characters');
      if (hasAtt && !ATTACHMENT_TYPES.has(m.attachment.type)) violation('attachment type must be image, audio, video or file');
      if (hasAtt && typeof m.attachment.payload?.url !== 'string' && !uploads.has(m.attachment.payload?.attachment_id))
        violation('attachment by URL or by the attachment_id of an earlier upload expected');
      if (m.quick_replies !== undefined) {
        if (!Array.isArray(m.quick_replies) || m.quick_replies.length === 0 || m.quick_replies.length > 13)
          violation('1..13 quick replies');
        for (const q of m.quick_replies ?? []) {
          if (q.content_type !== 'text' || typeof q.title !== 'string' || [...q.title].length > 20 || !q.payload)
            violation(`bad quick reply ${JSON.stringify(q)}`);
        }
      }
      if (m.metadata !== undefined && (typeof m.metadata !== 'string' || m.metadata.length > 1000)) violation('metadata ≤ 1000 chars');
      return () => ({ json: { recipient_id: b.recipient?.id, message_id: `m_fake${String(++counter).padStart(6, '0')}` } });
    }
    if (r.method === 'POST' && sub === '/me/message_attachments') return uploadRoute(r, violation);
    if (r.method === 'GET' && sub === '/me') {
      return () => ({ json: { id: opts.page?.id ?? '104857623518279', name: opts.page?.name ?? 'Tổng đài 1022 Đồng Tháp' } });
    }
    const profile = /^\/(\d+)$/.exec(sub);
    if (r.method === 'GET' && profile) {
      if (!r.query.get('fields')) violation('profile request needs fields');
      return () => {
        const p = opts.profiles?.[profile[1]!];
        return p
          ? { json: { id: profile[1], ...p } }
          : graphError(100, 'Unsupported get request. Object does not exist or missing permissions', 33, 'GraphMethodException');
      };
    }
    violation('no such endpoint');
    return () => ({ status: 404, json: { error: { message: 'Unknown path', code: 803 } } });
  }

  /** The Attachment Upload API: multipart with a `message` JSON field and the file as `filedata`. */
  function uploadRoute(r: GraphRecordedRequest, violation: (m: string) => void): () => GraphReply {
    const ct = String(r.headers['content-type'] ?? '');
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(ct);
    if (!ct.startsWith('multipart/form-data') || !boundary) {
      violation('upload must be multipart/form-data with a boundary');
      return () => graphError(100, 'Invalid parameter');
    }
    const parts = parseMultipart(r.body, boundary[1] ?? boundary[2]!);
    const message = parts.find((p) => p.name === 'message');
    const file = parts.find((p) => p.name === 'filedata');
    let declared: any;
    try {
      declared = JSON.parse(message?.data.toString('utf8') ?? '');
    } catch {
      violation('`message` field must be JSON');
    }
    if (!ATTACHMENT_TYPES.has(declared?.attachment?.type)) violation('message.attachment.type must be image, audio, video or file');
    if (declared?.attachment?.payload?.is_reusable !== true) violation('message.attachment.payload.is_reusable should be true');
    if (!file || !file.filename || !file.contentType || file.data.length === 0) violation('`filedata` needs a file with a name and a type');
    const id = String(9_000_000_000_000 + ++counter);
    if (file)
      uploads.set(id, {
        type: declared?.attachment?.type,
        name: file.filename ?? '',
        contentType: file.contentType ?? '',
        data: file.data,
      });
    return () => ({ json: { attachment_id: id } });
  }

  return {
    uploads,
    graphBase: server.baseUrl,
    requests,
    violations,
    failNext(p, reply) {
      queue.push({ prefix: p, reply });
    },
    calls(p) {
      return requests.filter((r) => r.path.slice(prefix.length).startsWith(p));
    },
    close: server.close,
  };
}

/** The parts of a multipart/form-data body (enough for the fake: no nested multiparts). */
function parseMultipart(body: Buffer, boundary: string): Array<{ name?: string; filename?: string; contentType?: string; data: Buffer }> {
  const out: Array<{ name?: string; filename?: string; contentType?: string; data: Buffer }> = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString('utf8');
    out.push({
      name: /name="([^"]*)"/.exec(head)?.[1],
      filename: /filename="([^"]*)"/.exec(head)?.[1],
      contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1],
      data: part.subarray(headEnd + 4),
    });
    at = next;
  }
  return out;
}

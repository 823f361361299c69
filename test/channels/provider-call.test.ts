/**
 * `callProvider`, the one HTTP client of every channel adapter, against a real local HTTP server:
 * what it sends, how it reads answers, and which failures are retryable.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelApiError } from '../../src/channels/kit/contract';
import { callProvider } from '../../src/channels/kit/helpers';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: number;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
let sockets = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = req.socket as typeof req.socket & { n?: number };
      s.n ??= ++sockets;
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString(), socket: s.n });
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen.length = 0;
});

async function failure(p: Promise<unknown>): Promise<ChannelApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelApiError);
  return err as ChannelApiError;
}

test('JSON bodies are sent with their length and type; answers are parsed; connections are kept alive', async () => {
  answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'x-trace': 'a' }).end('{"ok":true,"n":"Đồng Tháp"}');
  const first = await callProvider({ channel: 'zalo', method: 'POST', url: `${base}/v3/message?x=1`, body: { text: 'Xin chào' } });
  answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('not json');
  const second = await callProvider({
    channel: 'zalo',
    method: 'POST',
    url: `${base}/v3/message`,
    body: 'raw',
    headers: { 'content-type': 'text/plain' },
  });
  expect(first).toMatchObject({ status: 200, json: { ok: true, n: 'Đồng Tháp' } });
  expect(first.headers.get('x-trace')).toBe('a');
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/v3/message?x=1', body: '{"text":"Xin chào"}' });
  expect(seen[0].headers).toMatchObject({
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength('{"text":"Xin chào"}')),
  });
  expect(seen[1]).toMatchObject({ body: 'raw' });
  expect(seen[1].headers['content-type']).toBe('text/plain');
  expect(second).toMatchObject({ json: null, text: 'not json' });
  expect(seen[1].socket).toBe(seen[0].socket);
});

test('multipart uploads carry their boundary', async () => {
  answer = (_req, res) => res.writeHead(200).end('{}');
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'a.png');
  await callProvider({ channel: 'facebook', method: 'POST', url: `${base}/upload`, body: form });
  expect(seen[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  expect(seen[0].body).toContain('filename="a.png"');
  expect(seen[0].body).toContain('PNGDATA');
});

test('4xx answers are returned; 5xx and 429 are retryable errors, 429 with its Retry-After', async () => {
  answer = (_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":-201}');
  expect(await callProvider({ channel: 'zalo', method: 'GET', url: `${base}/x` })).toMatchObject({ status: 400, json: { error: -201 } });
  answer = (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down');
  expect(await failure(callProvider({ channel: 'zalo', method: 'GET', url: `${base}/x` }))).toMatchObject({
    retryable: true,
    status: 429,
    retryAfterMs: 7_000,
  });
  answer = (_req, res) => res.writeHead(503).end('down');
  expect(await failure(callProvider({ channel: 'zalo', method: 'GET', url: `${base}/x` }))).toMatchObject({ retryable: true, status: 503 });
});

test('a redirect is not followed (a provider URL never redirects; following one could leave the checked host)', async () => {
  answer = (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
  const res = await callProvider({ channel: 'edongthap', method: 'POST', url: `${base}/api/messages`, body: {} });
  expect(res.status).toBe(302);
  expect(seen).toHaveLength(1);
});

test('a slow answer times out, and a runaway answer body is cut off: both retryable', async () => {
  answer = (_req, res) => setTimeout(() => res.end('{}'), 1_000);
  const slow = await failure(callProvider({ channel: 'zalo', method: 'GET', url: `${base}/slow`, timeoutMs: 100 }));
  expect(slow).toMatchObject({ retryable: true });
  expect(slow.message).toMatch(/no answer within 100 ms/);

  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < 6 * 1024 * 1024 && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
  };
  const big = await failure(callProvider({ channel: 'zalo', method: 'GET', url: `${base}/big` }));
  expect(big).toMatchObject({ retryable: true });
  expect(big.message).toMatch(/answer larger than/);
});

test('an unreachable provider is a retryable network error', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const err = await failure(callProvider({ channel: 'zalo', method: 'GET', url: `http://127.0.0.1:${port}/` }));
  expect(err).toMatchObject({ retryable: true });
  expect(err.message).toMatch(/^network error/);
});

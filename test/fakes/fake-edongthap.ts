/**
 * A fake citizen app: receives the gateway's callbacks, checks each request against the contract
 * (method, path, content type, signature, body shape), records them, and fails on purpose when told.
 */
import { createHmac } from 'node:crypto';
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-server';

/** One callback the fake app accepted. */
export interface ReceivedCallback {
  id: string;
  userId: string;
  text: string;
  ticketCode: string | null;
  quickReplies: string[];
  timestamp: number;
}

/** The fake app. */
export class FakeEdongthap {
  readonly received: ReceivedCallback[] = [];
  /** Requests that broke the contract (must stay empty). */
  readonly violations: string[] = [];
  /** Statuses to answer next (then 200), e.g. [503, 429]. */
  failures: { status: number; retryAfter?: string }[] = [];
  /** Answer every request with this status (permanent outage) when set. */
  alwaysFail: number | null = null;
  /** Milliseconds to wait before answering each delivery (a slow provider). */
  delayMs = 0;
  /** When set, every delivery waits for this promise before it is answered (to let a batch of deliveries finish together). */
  hold: Promise<unknown> | null = null;
  attempts = 0;
  private server: FakeServer | null = null;
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];

  constructor(private readonly secret: string) {}

  /** Starts listening on a free loopback port; returns the callback URL. */
  async start(): Promise<string> {
    this.server = await startFakeServer(async (req, res) => {
      // The adapter's connection check: a HEAD on the callback URL, not a delivery.
      if (req.method === 'HEAD' && req.url === '/callback') return void res.writeHead(204).end();
      this.attempts++;
      const problem = this.check(req);
      if (problem) {
        this.violations.push(problem);
        res.writeHead(400).end(problem);
        return;
      }
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.hold) await this.hold;
      if (this.alwaysFail) return void res.writeHead(this.alwaysFail).end('down');
      const failure = this.failures.shift();
      if (failure) {
        res.writeHead(failure.status, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {}).end('try later');
        return;
      }
      const body = JSON.parse(req.body.toString('utf8')) as ReceivedCallback;
      if (!this.received.some((r) => r.id === body.id)) this.received.push(body);
      else this.received.push({ ...body, id: `${body.id}#duplicate` });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      this.notify();
    });
    return `${this.server.baseUrl}/callback`;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** Messages received for a user, in order. */
  to(userId: string): ReceivedCallback[] {
    return this.received.filter((r) => r.userId === userId);
  }

  /** Resolves when `pred` holds (checked on every callback), or rejects after `ms`. */
  waitFor(pred: () => boolean, ms = 10_000, what = 'callbacks'): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.received.map((r) => r.text.slice(0, 60)))}`)),
        ms,
      );
      this.waiters.push({ pred, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true));
  }

  private check(req: RecordedRequest): string | null {
    const raw = req.body;
    if (req.method !== 'POST') return `method ${req.method}`;
    if (req.url !== '/callback') return `path ${req.url}`;
    if (!String(req.headers['content-type']).startsWith('application/json')) return `content-type ${req.headers['content-type']}`;
    const expected = `sha256=${createHmac('sha256', this.secret).update(raw).digest('hex')}`;
    if (req.headers['x-signature'] !== expected) return 'bad signature';
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return 'malformed JSON';
    }
    const keys = ['id', 'userId', 'text', 'ticketCode', 'quickReplies', 'timestamp'];
    if (Object.keys(body).sort().join() !== [...keys].sort().join()) return `keys ${Object.keys(body).join()}`;
    if (typeof body.id !== 'string' || typeof body.userId !== 'string' || typeof body.text !== 'string') return 'types';
    if (body.ticketCode !== null && !/^1022-\d{4}-\d{6}-[A-Z2-9]{4}$/.test(String(body.ticketCode))) return `ticketCode ${body.ticketCode}`;
    if (!Array.isArray(body.quickReplies) || body.quickReplies.some((q) => typeof q !== 'string')) return 'quickReplies';
    if (typeof body.timestamp !== 'number') return 'timestamp';
    return null;
  }
}

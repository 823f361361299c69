/**
 * The bus across the nodes of a cluster, on the PostgreSQL server they share: `NOTIFY` to publish,
 * `LISTEN` on one dedicated connection per process to receive. An event is delivered at once to
 * this process's subscribers and, through the server, once to every other node's (a node ignores
 * its own notifications). A NOTIFY payload must stay under 8000 bytes, so a bigger event is stored
 * in `bus_payloads` and only its id is notified. A lost listening connection is re-opened with
 * backoff; since events published meanwhile were missed, subscribers are then told to resync.
 * https://www.postgresql.org/docs/current/sql-notify.html
 */
import { randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import type { Logger } from '../logger';
import { Bus, type BusEvents } from './bus';

/** The notification channel of the bus. */
export const BUS_CHANNEL = 'cong1022_bus';
/** Largest notification sent inline; the server refuses 8000 bytes and more. */
const INLINE_MAX_BYTES = 7_800;
/** How long a stored payload is kept for the nodes to fetch it. */
const KEEP_STORED_MS = 5 * 60_000;
/** How often the listening connection is checked (a dead TCP peer may never raise an error). */
const PING_MS = 15_000;
/** Events sent in one statement at most. */
const MAX_BATCH = 200;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/** What is notified: the publishing node, the event kind, and the payload or the id of the stored payload. */
interface Envelope {
  o: string;
  s: number;
  k: keyof BusEvents;
  p?: unknown;
  id?: number;
}

/** Options of `PgBus`. */
export interface PgBusOptions {
  /** The server's URL, for the dedicated listening connection. */
  url: string;
  /** Publishes and fetches stored payloads (a pool of the realtime side, outside the application's statement counts). */
  pool: Pool;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** A bus whose events reach every node sharing the PostgreSQL server. */
export class PgBus extends Bus {
  /** This process's id in notifications. */
  readonly nodeId = randomUUID();
  /** How this process's own notifications begin (`publish` writes the id first): they come back and are dropped unread. */
  private readonly ownPrefix = `{"o":${JSON.stringify(this.nodeId)},`;
  /** The listening connection, once it listens. */
  private client: Client | null = null;
  /** The connection being opened or open: events of any other (older) connection are ignored. */
  private current: Client | null = null;
  private connectedOnce = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private reconnectMs = RECONNECT_MIN_MS;
  /** Events not yet notified, in order; sent in batches of one statement each. */
  private outbox: Array<{ kind: keyof BusEvents; payload: unknown; inline: string }> = [];
  private sending: Promise<void> | null = null;
  /** Numbers this node's events, so that two equal events in one batch are not folded into one by the server. */
  private seq = 0;
  /** Notifications received, delivered in order (a stored payload is fetched before the next one is delivered). */
  private inbox: Envelope[] = [];
  private delivering: Promise<void> | null = null;
  private lastCleanup = 0;

  constructor(private readonly opts: PgBusOptions) {
    super();
  }

  /** Publishes to this process's subscribers now and to the other nodes through the server. */
  override emit<K extends keyof BusEvents>(kind: K, payload: BusEvents[K]): void {
    if (!this.closed) this.publish(kind, payload);
    super.emit(kind, payload);
  }

  /** Opens the listening connection (on failure, keeps trying in the background). */
  override async start(): Promise<void> {
    this.closed = false;
    await this.connect();
  }

  /** Sends what is still queued, then closes the listening connection. */
  override async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.reconnectTimer = this.pingTimer = null;
    while (this.sending) await this.sending;
    const client = this.current;
    this.client = this.current = null;
    await client?.end().catch(() => undefined);
    while (this.delivering) await this.delivering;
  }

  /** True while the listening connection is open. */
  get listening(): boolean {
    return this.client !== null;
  }

  private publish(kind: keyof BusEvents, payload: unknown): void {
    const inline = JSON.stringify({ o: this.nodeId, s: this.seq++, k: kind, p: payload } satisfies Envelope);
    this.outbox.push({ kind, payload, inline });
    this.send();
  }

  /** Sends the outbox, one statement per batch: a burst of events costs one round trip, not one each. */
  private send(): void {
    if (this.sending) return;
    this.sending = (async () => {
      while (this.outbox.length > 0) {
        const batch = this.outbox.splice(0, MAX_BATCH);
        try {
          const envelopes: string[] = [];
          for (const e of batch)
            envelopes.push(Buffer.byteLength(e.inline) <= INLINE_MAX_BYTES ? e.inline : await this.store(e.kind, e.payload));
          await this.opts.pool.query('SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n', [BUS_CHANNEL, envelopes]);
        } catch (err) {
          this.opts.log.warn({ err, events: batch.length }, 'bus events not published to the other nodes');
        }
      }
    })().finally(() => {
      this.sending = null;
      if (this.outbox.length > 0) this.send();
    });
  }

  /** Stores a payload too big for a notification; returns the envelope naming it. */
  private async store(kind: keyof BusEvents, payload: unknown): Promise<string> {
    const { pool } = this.opts;
    const r = await pool.query<{ id: string }>('INSERT INTO bus_payloads (payload) VALUES ($1::jsonb) RETURNING id', [
      JSON.stringify(payload),
    ]);
    if (Date.now() - this.lastCleanup > KEEP_STORED_MS / 2) {
      this.lastCleanup = Date.now();
      await pool.query(`DELETE FROM bus_payloads WHERE created_at < now() - make_interval(secs => $1)`, [KEEP_STORED_MS / 1000]);
    }
    return JSON.stringify({ o: this.nodeId, s: this.seq++, k: kind, id: Number(r.rows[0].id) } satisfies Envelope);
  }

  private receive(raw: string): void {
    if (raw.startsWith(this.ownPrefix)) return;
    try {
      this.inbox.push(JSON.parse(raw) as Envelope);
    } catch (err) {
      this.opts.log.warn({ err }, 'unreadable bus notification');
      return;
    }
    this.deliverInbox();
  }

  /** Delivers received events in order; inline ones at once, stored ones once fetched. */
  private deliverInbox(): void {
    if (this.delivering) return;
    this.delivering = (async () => {
      while (this.inbox.length > 0) {
        const env = this.inbox.shift()!;
        try {
          let payload = env.p;
          if (env.id !== undefined) {
            const r = await this.opts.pool.query<{ payload: unknown }>('SELECT payload FROM bus_payloads WHERE id = $1', [env.id]);
            if (!r.rows[0]) throw new Error(`stored bus payload ${env.id} is gone`);
            payload = r.rows[0].payload;
          }
          this.deliver(env.k, payload, 'remote');
        } catch (err) {
          this.opts.log.warn({ err, kind: env.k }, 'bus event from another node not delivered');
        }
      }
    })().finally(() => {
      this.delivering = null;
      if (this.inbox.length > 0) this.deliverInbox();
    });
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = null;
    if (this.closed) return;
    const client = new Client({ connectionString: this.opts.url, keepAlive: true, application_name: 'cong1022-bus' });
    this.current = client;
    client.on('notification', (n) => {
      // `current`, not `client`: a notification may come in the same read as the LISTEN's answer.
      if (n.channel === BUS_CHANNEL && n.payload && client === this.current) this.receive(n.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${BUS_CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.closed || this.current !== client) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectMs = RECONNECT_MIN_MS;
    this.pingTimer ??= setInterval(() => {
      const c = this.client;
      c?.query('SELECT 1').catch((err) => this.lost(c, err));
    }, PING_MS).unref();
    if (this.connectedOnce) {
      this.opts.log.info({}, 'bus listening again: caches reload what may have changed meanwhile');
      this.resync();
    }
    this.connectedOnce = true;
  }

  /** The connection failed or dropped: try again later. */
  private lost(client: Client, err?: unknown): void {
    client.end().catch(() => undefined);
    if (client !== this.current) return; // an older connection, already replaced
    this.client = this.current = null;
    if (this.closed || this.reconnectTimer) return;
    this.opts.log.warn({ err, retryMs: this.reconnectMs }, 'bus listening connection lost: reconnecting');
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectMs);
    this.reconnectMs = Math.min(this.reconnectMs * 2, RECONNECT_MAX_MS);
  }
}

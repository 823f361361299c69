/**
 * Cluster-wide locks on the database we already have. Several gateway processes may share one
 * PostgreSQL server; some work must run on one of them only (the IMAP intake, whose cursor two
 * nodes must never write; the periodic roll-up refresh). A node leads a role while it holds a
 * session advisory lock on a connection of its own: when the process dies, even by `kill -9`, the
 * server ends that session and frees the lock, and another node takes the role at its next check.
 * On PGlite there is one process: every role is led at once.
 *
 * Advisory locks: https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
import { Client } from 'pg';
import type { Database, Queryable } from './database';

/** The key of the start-up lock (migrations, first admin, knowledge seed), shared by every node. */
const START_LOCK_KEY = 1022;
/** First half of the two-part key of leader locks, so they never collide with the start-up lock. */
const LEADER_LOCK_CLASS = 1022;

/**
 * Runs `fn` in one transaction under the start-up lock: nodes started together on an empty database
 * take turns, so each sees what the previous one created (no duplicate first admin).
 */
export async function withStartLock<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [START_LOCK_KEY]);
    return fn(tx);
  });
}

/** Something that runs on one node of the cluster at a time. */
export interface LeaderRole {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A role this node takes part in; `release` stops it here (if led here) and lets another node lead. */
export interface RoleHandle {
  /** True while this node leads the role. */
  readonly leading: boolean;
  /** Settles after the first attempt to lead: the role started here, or another node leads it. */
  readonly ready: Promise<void>;
  release(): Promise<void>;
}

/** Elects one leader per named role among the nodes of a cluster. */
export interface Leadership {
  /** Runs `role` while this node holds the lock named `name`; tries again every check while another node holds it. */
  lead(name: string, role: LeaderRole): RoleHandle;
  /** Stops every role led here and frees the locks. */
  close(): Promise<void>;
}

/** Logging the election needs. */
interface LeadershipLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Options of `createLeadership`. */
export interface LeadershipOptions {
  /** This node's name, shown in `pg_stat_activity.application_name` as `cong1022-leader:<nodeId>` (who leads what). */
  nodeId?: string;
  /** How often a follower tries to take a free role, and a leader checks its connection (default: 5000 ms). */
  checkMs?: number;
  log: LeadershipLog;
}

/** The leadership for `db`: advisory locks on a connection of its own on a server, every role at once on PGlite. */
export function createLeadership(db: Database, opts: LeadershipOptions): Leadership {
  if (db.kind === 'pglite') return new SoleNode();
  const url = db.url;
  if (!url) throw new Error('a PostgreSQL database needs its URL for leader locks');
  return new AdvisoryLeadership(url, `cong1022-leader:${opts.nodeId ?? process.pid}`.slice(0, 63), opts.checkMs ?? 5_000, opts.log);
}

/** One process: it leads every role, at once. */
class SoleNode implements Leadership {
  private readonly roles = new Set<{ role: LeaderRole; leading: boolean }>();

  lead(_name: string, role: LeaderRole): RoleHandle {
    const entry = { role, leading: true };
    this.roles.add(entry);
    const started = role.start();
    return {
      get leading() {
        return entry.leading;
      },
      ready: started,
      release: async () => {
        if (!this.roles.delete(entry)) return;
        entry.leading = false;
        await started.catch(() => undefined);
        await role.stop();
      },
    };
  }

  async close(): Promise<void> {
    for (const entry of [...this.roles]) {
      this.roles.delete(entry);
      entry.leading = false;
      await entry.role.stop();
    }
  }
}

interface Candidate {
  name: string;
  role: LeaderRole;
  leading: boolean;
  /** Another node held the role at an earlier attempt: taking it over waits one check first. */
  contested: boolean;
  /** Settles `ready` after the first attempt. */
  tried: () => void;
}

/** Session advisory locks held on one dedicated connection; a lost connection loses every role. */
class AdvisoryLeadership implements Leadership {
  private client: Client | null = null;
  private readonly candidates = new Set<Candidate>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly applicationName: string,
    private readonly checkMs: number,
    private readonly log: LeadershipLog,
  ) {}

  lead(name: string, role: LeaderRole): RoleHandle {
    let tried = () => undefined as void;
    const ready = new Promise<void>((resolve) => (tried = resolve));
    const candidate: Candidate = { name, role, leading: false, contested: false, tried };
    this.candidates.add(candidate);
    this.schedule(0);
    return {
      get leading() {
        return candidate.leading;
      },
      ready,
      release: async () => {
        candidate.tried();
        if (!this.candidates.delete(candidate)) return;
        while (this.checking) await this.checking;
        await this.resign(candidate);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.checking) await this.checking;
    for (const c of [...this.candidates]) {
      this.candidates.delete(c);
      c.tried();
      await this.resign(c);
    }
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // One check at a time: a second one would take a role twice (session advisory locks are re-entrant).
      if (this.checking) {
        void this.checking.then(() => this.schedule(0));
        return;
      }
      this.checking = this.check().finally(() => {
        this.checking = null;
        this.schedule(this.checkMs);
      });
    }, ms);
    this.timer.unref();
  }

  /** Verifies the connection (its loss means the locks are gone), then tries to take the free roles. */
  private async check(): Promise<void> {
    try {
      const client = await this.connection();
      await client.query('SELECT 1');
      const takenOver: Candidate[] = [];
      for (const c of this.candidates) {
        const contested = c.contested;
        if (!c.leading && !this.closed && (await this.takeLock(client, c))) {
          if (contested) takenOver.push(c);
          else await this.startRole(c);
        }
        c.tried();
      }
      if (!takenOver.length) return;
      // A takeover: the lock is free as soon as the previous leader's session ends, but that node stops
      // its roles only when it notices (at once from the connection's error, at the latest at its next
      // check). Waiting one check interval, once for all the roles taken over, keeps the two from running
      // a role at the same time; a role whose lock went with this connection meanwhile is not started.
      await new Promise((resolve) => setTimeout(resolve, this.checkMs));
      for (const c of takenOver) if (c.leading && !this.closed) await this.startRole(c);
    } catch (err) {
      this.log.warn({ err }, 'leader lock connection lost: stopping the roles led here');
      await this.connectionLost();
      for (const c of this.candidates) c.tried();
    }
  }

  /** Tries to take the role's lock; true when this node now leads it (its role not started yet). */
  private async takeLock(client: Client, c: Candidate): Promise<boolean> {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LEADER_LOCK_CLASS, c.name]);
    if (!r.rows[0]?.ok) {
      c.contested = true;
      return false;
    }
    c.leading = true;
    this.log.info({ role: c.name }, 'this node now leads the role');
    return true;
  }

  private async startRole(c: Candidate): Promise<void> {
    try {
      await c.role.start();
    } catch (err) {
      this.log.warn({ err, role: c.name }, 'role failed to start: handing it over');
      await this.resign(c);
    }
  }

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({ connectionString: this.url, keepAlive: true, application_name: this.applicationName });
    // A dropped connection shows as an error event; the next check notices it and stops the roles.
    client.on('error', () => void this.connectionLost(client));
    await client.connect();
    this.client = client;
    return client;
  }

  /** Stops every role led here: their locks went with the connection. */
  private async connectionLost(client = this.client): Promise<void> {
    if (client && this.client !== client) return;
    this.client = null;
    client?.end().catch(() => undefined);
    for (const c of this.candidates) if (c.leading) await this.stopRole(c);
  }

  private async stopRole(c: Candidate): Promise<void> {
    c.leading = false;
    await c.role.stop().catch((err) => this.log.warn({ err, role: c.name }, 'role failed to stop'));
  }

  /** Stops the role and frees its lock for another node. */
  private async resign(c: Candidate): Promise<void> {
    if (!c.leading) return;
    await this.stopRole(c);
    await this.client?.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEADER_LOCK_CLASS, c.name]).catch(() => undefined);
    this.log.info({ role: c.name }, 'this node no longer leads the role');
  }
}

/** The node leading role `name` across the cluster (its NODE_ID), or null when none does; PostgreSQL only. */
export async function roleLeader(q: Queryable, name: string): Promise<string | null> {
  const r = await q.query<{ app: string }>(
    `SELECT a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = $1
       AND l.objid = (hashtext($2)::bigint & 4294967295)::oid AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LEADER_LOCK_CLASS, name],
  );
  return r.rows[0]?.app.replace(/^cong1022-leader:/, '') ?? null;
}

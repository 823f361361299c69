/**
 * The realtime side of one gateway: its bus and how its socket.io server reaches other nodes.
 * On PGlite (one process) the bus is in-process and socket.io keeps its in-memory adapter; on a
 * PostgreSQL server both go through the server (LISTEN/NOTIFY), so that any number of gateways
 * sharing it behave as one: a console or a live-chat tab connected to any node sees everything.
 */
import { Pool } from 'pg';
import type { Server } from 'socket.io';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { Bus } from './bus';
import { PgBus } from './pg-bus';
import { shareSocketRooms } from './socket-cluster';

/** The bus and socket.io sharing of one gateway. */
export interface Realtime {
  bus: Bus;
  /** Makes `io`'s rooms reach the other nodes (nothing to do in-process); call before mounting namespaces. */
  shareSockets(io: Server): void;
  /** Starts receiving the other nodes' events. */
  start(): Promise<void>;
  /** Stops both and closes their connections. */
  close(): Promise<void>;
}

/** The realtime side for `db` (on a server, with dedicated listening connections to its URL). */
export function createRealtime(db: Database, log: Logger): Realtime {
  const url = db.url;
  if (db.kind !== 'postgres' || !url) {
    const bus = new Bus();
    return { bus, shareSockets: () => undefined, start: () => bus.start(), close: () => bus.close() };
  }
  // Its own small pool: notifications are not application statements, and must not wait behind them.
  const pool = new Pool({ connectionString: url, max: 4, application_name: 'cong1022-realtime' });
  pool.on('error', () => undefined); // an idle client's error surfaces on the next query
  const bus = new PgBus({ url, pool, log });
  let stopSharing: (() => Promise<void>) | null = null;
  return {
    bus,
    shareSockets(io) {
      stopSharing ??= shareSocketRooms(io, url, pool, log);
    },
    start: () => bus.start(),
    async close() {
      await stopSharing?.();
      await bus.close();
      await pool.end();
    },
  };
}

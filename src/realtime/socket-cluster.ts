/**
 * socket.io rooms across the nodes of a cluster, through the PostgreSQL server they share (the
 * official `@socket.io/postgres-adapter`): an emit to a room (a live-chat visitor's tabs) reaches
 * that room's sockets on every node. Bus events are NOT sent this way: every node receives them
 * from the bus and emits them to its own sockets (`nsp.local`), so they are never doubled.
 * https://socket.io/docs/v4/postgres-adapter/
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import { Client, type Pool } from 'pg';
import type { Server } from 'socket.io';
import type { Logger } from '../logger';

/**
 * Makes `io` share its rooms with the other nodes; returns the function that stops sharing.
 * The adapter holds one connection for LISTEN: it gets a connection of its own (not a pool
 * client, which would stay counted in the pool after a drop and crash the process on an error
 * while checked out); the adapter re-opens it when it drops.
 */
export function shareSocketRooms(io: Server, url: string, pool: Pool, log: Pick<Logger, 'warn'>): () => Promise<void> {
  const source = {
    query: pool.query.bind(pool),
    async connect() {
      const client = new Client({ connectionString: url, keepAlive: true, application_name: 'cong1022-socket.io' });
      client.on('error', (err) => log.warn({ err }, 'socket.io cluster connection lost'));
      await client.connect();
      return Object.assign(client, { release: () => void client.end().catch(() => undefined) });
    },
  };
  const adapterOf = createAdapter(source as unknown as Pool, {
    errorHandler: (err) => log.warn({ err }, 'socket.io cluster adapter error'),
  });
  // socket.io calls the factory with `new`: a function, not an arrow.
  io.adapter(function inOrder(nsp: Parameters<typeof adapterOf>[0]) {
    return broadcastInOrder(adapterOf(nsp));
  } as unknown as typeof adapterOf);
  return async () => {
    for (const nsp of io._nsps.values()) await nsp.adapter.close();
  };
}

/** What `broadcastInOrder` needs of an adapter. */
interface Broadcasting {
  broadcast(packet: unknown, opts: unknown): Promise<void> | void;
}

/**
 * Makes an adapter's broadcasts run one after the other. The cluster adapter first publishes a
 * broadcast to the other nodes (a query on a pool of connections) and only then delivers it to this
 * node's sockets: two emits in a row (a receipt, then the bot's answer) could otherwise reach a
 * visitor, here or on another node, in the other order.
 */
export function broadcastInOrder<A extends Broadcasting>(adapter: A): A {
  const broadcast = adapter.broadcast.bind(adapter);
  let last: Promise<unknown> = Promise.resolve();
  adapter.broadcast = (packet, opts) => {
    const run = last.then(() => broadcast(packet, opts));
    last = run.catch(() => undefined);
    return run;
  };
  return adapter;
}

/**
 * Live-chat limits per client address (issue 14: 300 sockets from one address in 0.9 s): connections
 * a minute, new visitors (conversations) an hour and messages a minute, counted over every socket of
 * the address; a visitor resuming with a session token is not a new visitor. Behind a local proxy
 * the forwarded address counts.
 */
import { io as connectClient } from 'socket.io-client';
import { clientAddress } from '../../../adapters/livechat/server';
import { connect, startGateway, type Gateway, type TestClient } from './harness';

let gw: Gateway;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.disconnect();
  await gw?.close();
});

/** Tries to connect; resolves with the refusal's message, or null when connected. */
function refusal(url: string, auth: Record<string, unknown> = {}): Promise<string | null> {
  const socket = connectClient(`${url}/livechat`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve) => {
    socket.once('connect', () => (socket.disconnect(), resolve(null)));
    socket.once('connect_error', (err) => (socket.disconnect(), resolve(err.message)));
  });
}

/** Waits out the end of the current fixed window when it is near, so a burst of frames falls in one window. */
async function awayFromWindowEnd(windowMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 3000) await new Promise((resolve) => setTimeout(resolve, left + 10));
}

test('the client address: the peer, or the forwarded one behind a local proxy', () => {
  expect(clientAddress('203.0.113.4', undefined)).toBe('203.0.113.4');
  expect(clientAddress('203.0.113.4', '198.51.100.1')).toBe('203.0.113.4'); // not from a local proxy: ignored
  expect(clientAddress('::ffff:127.0.0.1', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
  expect(clientAddress('127.0.0.1', '198.51.100.1, 127.0.0.1')).toBe('198.51.100.1');
});

test('new visitors and connections per address are capped; a returning visitor is not new', async () => {
  gw = await startGateway({ config: { perAddress: { newVisitorsPerHour: 3, connectionsPerMinute: 6 } } });
  for (let i = 0; i < 3; i++) clients.push(await connect(gw.url));
  expect(await refusal(gw.url)).toMatch(/quá nhiều kết nối/);
  // The first visitor comes back with its session token: allowed (until the connection cap).
  const token = clients[0].session.token!;
  clients.push(await connect(gw.url, { token }));
  expect(await refusal(gw.url, { token })).toBeNull();
  expect(await refusal(gw.url, { token })).toMatch(/quá nhiều kết nối/); // the 7th connection this minute
});

test('messages are counted over every socket of the address', async () => {
  gw = await startGateway({ config: { perAddress: { framesPerMinute: 4 } } });
  const a = await connect(gw.url);
  const b = await connect(gw.url);
  clients.push(a, b);
  await awayFromWindowEnd(60_000);
  const send = (c: TestClient, i: number) =>
    c.socket.timeout(5000).emitWithAck('message', { clientId: `c-${i}`, text: `tin ${i}` } as never);
  const acks = [];
  for (let i = 0; i < 6; i++) acks.push(await send(i % 2 ? a : b, i));
  expect(acks.map((x: { ok: boolean }) => x.ok)).toEqual([true, true, true, true, false, false]);
  expect(acks[4]).toMatchObject({ retryable: true });
  expect(gw.ingested).toHaveLength(4);
});

test('one socket is held to 30 frames per 30 s even when its address may send more', async () => {
  gw = await startGateway({ config: { perAddress: { framesPerMinute: 100 } } });
  const a = await connect(gw.url);
  clients.push(a);
  await awayFromWindowEnd(30_000);
  const acks: { ok: boolean }[] = [];
  for (let i = 0; i < 31; i++)
    acks.push(await a.socket.timeout(5000).emitWithAck('message', { clientId: `s-${i}`, text: `tin ${i}` } as never));
  expect(acks.filter((x) => x.ok)).toHaveLength(30);
  expect(acks[30]).toMatchObject({ ok: false, retryable: true });
  // Another socket of the same address still has its own allowance.
  const b = await connect(gw.url);
  clients.push(b);
  expect(await b.socket.timeout(5000).emitWithAck('message', { clientId: 's-b', text: 'tin b' } as never)).toMatchObject({ ok: true });
});

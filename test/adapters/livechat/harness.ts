/**
 * A live-chat gateway for tests: an HTTP server with the adapter started on an in-memory fake
 * runtime (ingest with a dedupe set, history from what was ingested and sent, state in a Map),
 * `GET /widget.js` served like the core will, and an optional "bot" answering every new message.
 * As in the gateway, the runtime hands the adapter a namespace of the HTTP server's one socket.io
 * server (src/realtime/io.ts), which also serves the browser client the widget loads.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectClient, type Socket } from 'socket.io-client';
import type {
  AdapterRuntime,
  ChannelAdapter,
  HistoryItem,
  InboundMessage,
  IntakeItem,
  OutboundMessage,
  QuickReply,
} from '../../../src/channels/kit/contract';
import { socketServerFor } from '../../../src/realtime/io';
import { exclusiveHere } from '../contract-suite';
import { createLivechatAdapter, widgetScriptPath, type LivechatConfig } from '../../../adapters/livechat';
import type {
  ClientToServerEvents,
  HandshakeAuth,
  ServerToClientEvents,
  SessionEvent,
  WireMessage,
} from '../../../adapters/livechat/protocol';

/** The widget's side of the typed socket. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A bot for the harness: what to answer to a new citizen message (null = stay silent). */
export type FakeBot = (msg: InboundMessage) => { text: string; quickReplies?: QuickReply[] } | null;

/** Options of `startGateway`. */
export interface GatewayOptions {
  config?: Partial<LivechatConfig>;
  /** Builds the adapter for the server's URL instead of `createLivechatAdapter` (e.g. through the registry); `config` is then unused. */
  makeAdapter?: (url: string) => ChannelAdapter;
  bot?: FakeBot;
  /** Delay before ingest resolves (ms), to show acks wait for it. */
  ingestDelayMs?: number;
  /** The adapter's persistent state (default: a new Map); pass one back to simulate a restart. */
  state?: Map<string, unknown>;
}

/** A running test gateway. */
export interface Gateway {
  url: string;
  adapter: ChannelAdapter;
  runtime: AdapterRuntime;
  /** Every item ingest accepted (replays excluded). */
  ingested: IntakeItem[];
  /** Number of ingest calls, replays included. */
  ingestCalls: () => number;
  /** Citizen typing changes relayed to the core, in order. */
  typing: Array<{ externalUserId: string; on: boolean }>;
  /** The adapter's persistent state. */
  state: Map<string, unknown>;
  httpServer: http.Server;
  /** Makes the next ingest calls throw (storage down). */
  failIngest: (fail: boolean) => void;
  history: Map<string, HistoryItem[]>;
  /** Sends an outbound message through the adapter and records it in history, as the core's dispatcher would. */
  reply: (externalUserId: string, text: string, extra?: Partial<OutboundMessage>) => Promise<OutboundMessage>;
  close: () => Promise<void>;
}

/** The identity secret every harness gateway uses unless told otherwise. */
export const IDENTITY_SECRET = 'identity-secret-for-tests';

let seq = 0;

/** Starts an HTTP server with the live-chat adapter and the fake runtime. */
export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const httpServer = http.createServer((req, res) => {
    if (req.url === '/widget.js') {
      res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(readFileSync(widgetScriptPath()));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const adapter =
    opts.makeAdapter?.(url) ??
    createLivechatAdapter({
      sessionSecret: 'session-secret-for-tests',
      identitySecret: IDENTITY_SECRET,
      publicBaseUrl: url,
      ...opts.config,
    });
  const seen = new Set<string>();
  const ingested: IntakeItem[] = [];
  const history = new Map<string, HistoryItem[]>();
  const files = new Map<string, { data: Buffer; mimeType: string; name: string }>();
  const state = opts.state ?? new Map<string, unknown>();
  const typing: Gateway['typing'] = [];
  let calls = 0;
  let failing = false;
  const pending = new Set<Promise<unknown>>();

  const record = (userId: string, item: HistoryItem): void => {
    const list = history.get(userId) ?? [];
    list.push(item);
    history.set(userId, list);
  };

  const reply: Gateway['reply'] = async (externalUserId, text, extra = {}) => {
    const m = botAnswer(`m_${++seq}`, externalUserId, text, { lastInboundAt: Date.now(), ...extra });
    record(externalUserId, {
      id: m.id,
      direction: 'out',
      author: m.author,
      authorName: m.authorName,
      text: m.text,
      attachments: m.attachments,
      quickReplies: m.quickReplies,
      externalMessageId: m.id,
      status: 'sent',
      createdAt: Date.now(),
    });
    await adapter.send(m);
    return m;
  };

  const runtime: AdapterRuntime = {
    async ingest(item) {
      calls++;
      if (opts.ingestDelayMs) await new Promise((r) => setTimeout(r, opts.ingestDelayMs));
      if (failing) throw new Error('storage down');
      if (seen.has(item.dedupeKey)) return false;
      seen.add(item.dedupeKey);
      ingested.push(item);
      // What the core's job does later: parse, store attachments, record the message.
      for (const ev of adapter.parse(item.body, item.contentType)) {
        if (ev.type !== 'message') continue;
        const attachments = ev.attachments.map((a) => {
          const attachmentId = `att_${++seq}`;
          files.set(attachmentId, { data: a.data!, mimeType: a.mimeType!, name: a.name ?? 'file' });
          return { kind: a.kind, name: a.name, mimeType: a.mimeType, size: a.size, attachmentId };
        });
        record(ev.externalUserId, {
          id: `h_${++seq}`,
          direction: 'in',
          author: 'citizen',
          text: ev.text,
          attachments,
          quickReplies: [],
          externalMessageId: ev.externalMessageId,
          status: 'received',
          createdAt: ev.timestamp,
        });
        const answer = opts.bot?.(ev);
        if (answer) {
          const p = new Promise((r) => setTimeout(r, 50)).then(() =>
            reply(ev.externalUserId, answer.text, { quickReplies: answer.quickReplies ?? [] }),
          );
          pending.add(p);
          void p.finally(() => pending.delete(p));
        }
      }
      return true;
    },
    state: {
      async get<T>(key: string) {
        return (state.get(key) as T) ?? null;
      },
      async set<T>(key: string, value: T) {
        state.set(key, value);
      },
      async update<T>(key: string, fn: (current: T | null) => Promise<T>) {
        const next = await fn((state.get(key) as T) ?? null);
        state.set(key, next);
        return next;
      },
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    async history(externalUserId, limit) {
      return (history.get(externalUserId) ?? []).slice(-limit);
    },
    exclusive: exclusiveHere,
    async readAttachment(id) {
      return files.get(id) ?? null;
    },
    socketNamespace: (name) => socketServerFor(httpServer).of(name),
    citizenTyping(externalUserId, on) {
      typing.push({ externalUserId, on });
    },
  };
  await adapter.start!(runtime);

  return {
    url,
    adapter,
    runtime,
    ingested,
    typing,
    state,
    httpServer,
    ingestCalls: () => calls,
    failIngest: (fail) => {
      failing = fail;
    },
    history,
    reply,
    async close() {
      await Promise.allSettled([...pending]);
      await adapter.stop?.();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** A live-chat bot answer `id` to a visitor, in one part (`extra` overrides). */
export function botAnswer(id: string, externalUserId: string, text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id,
    channel: 'livechat',
    externalUserId,
    author: 'bot',
    purpose: 'answer',
    text,
    quickReplies: [],
    attachments: [],
    ticketCode: null,
    lastInboundAt: null,
    part: 0,
    parts: 1,
    ...extra,
  };
}

/** A connected widget-side socket with its session and first history. */
export interface TestClient {
  socket: ClientSocket;
  session: SessionEvent;
  history: WireMessage[];
  /** Events received after the handshake, by name. */
  received: Array<{ event: string; payload: unknown }>;
  /** Resolves with the next payload of `event` (or one already received and not yet taken). */
  next: <T = unknown>(event: string, timeoutMs?: number) => Promise<T>;
}

/** Connects like the widget does and waits for `session` and `history`. */
export async function connect(url: string, auth: HandshakeAuth = {}): Promise<TestClient> {
  const socket: ClientSocket = connectClient(`${url}/livechat`, {
    auth: auth as Record<string, unknown>,
    transports: ['websocket'],
    forceNew: true,
  });
  const received: TestClient['received'] = [];
  const waiters: Array<{ event: string; resolve: (p: unknown) => void }> = [];
  socket.onAny((event: string, payload: unknown) => {
    const i = waiters.findIndex((w) => w.event === event);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(payload);
    else received.push({ event, payload });
  });
  const next = <T>(event: string, timeoutMs = 3000): Promise<T> => {
    const i = received.findIndex((r) => r.event === event);
    if (i >= 0) return Promise.resolve(received.splice(i, 1)[0].payload as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const j = waiters.indexOf(w);
        if (j >= 0) waiters.splice(j, 1);
        reject(new Error(`no ${event} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = {
        event,
        resolve: (p: unknown) => {
          clearTimeout(timer);
          resolve(p as T);
        },
      };
      waiters.push(w);
    });
  };
  const session = await next<SessionEvent>('session');
  const { messages } = await next<{ messages: WireMessage[] }>('history');
  return { socket, session, history: messages, received, next };
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

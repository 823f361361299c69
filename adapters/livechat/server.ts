/**
 * The socket.io side of live chat: handshake (session token or verified identity), history on
 * connect, citizen frames stored through `runtime.ingest` before they are acknowledged, and
 * pushes to every open tab of a visitor (one room per visitor). Protocol: ./protocol.ts.
 *
 * It mounts the namespace `/livechat` on the gateway's one socket.io server (handed over as
 * `runtime.socketNamespace`, shared with the console's `/console`): two `Server`s on one HTTP
 * server would fight over `/socket.io` requests. https://socket.io/docs/v4/namespaces/
 */
import type { Namespace, Socket } from 'socket.io';
import { MemoryRateLimiter, type AdapterRuntime } from '../../src/channels/kit';
import type {
  ClientToServerEvents,
  HandshakeAuth,
  IntakeFrame,
  MessageAck,
  ServerToClientEvents,
  SocketData,
  AttachmentAck,
  AuthErrorEvent,
  PrechatAck,
} from './protocol';
import { historyToWire, intakeToWire } from './send';
import { validateMessageFrame, validateQuickReplyFrame, type FrameLimits, type Validated } from './validate';
import { issueSessionToken, newVisitorId, verifyIdentity, verifySessionToken } from './verify';

/** Options of the live-chat server. */
export interface LivechatServerOptions {
  sessionSecret: string;
  identitySecret?: string;
  publicBaseUrl: string;
  limits: FrameLimits;
  sessionMaxAgeMs: number;
  /** Frames one socket may send per `rateWindowMs` window before being asked to slow down. */
  rateLimit: number;
  rateWindowMs: number;
  /** Limits per client address on this node: one address cannot open hundreds of sockets or conversations. */
  perAddress: PerAddressLimits;
}

/** Limits per client address (per node). */
export interface PerAddressLimits {
  connectionsPerMinute: number;
  /** Connections without a valid session or identity, each a new visitor (and soon a new conversation). */
  newVisitorsPerHour: number;
  /** Messages and quick replies from every socket of the address together. */
  framesPerMinute: number;
}

/**
 * The client's address: the socket's peer, or — when the peer is a proxy on this machine — the
 * right-most forwarded address that is not one (as Express's `trust proxy: loopback` reads it).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
  const loopback = (a: string) => a === '::1' || /^(::ffff:)?127\./.test(a);
  let address = peer ?? 'unknown';
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  while (loopback(address) && hops.length) address = hops.pop()!;
  return address;
}

interface ServerSocketData extends SocketData {
  authError?: AuthErrorEvent['code'];
  address: string;
  /** Last typing state relayed to the core, so a chatty widget does not flood it. */
  typing?: boolean;
}

/** The part of an intake frame the citizen wrote. */
type FrameContent = Pick<IntakeFrame, 'clientId' | 'text' | 'attachments' | 'quickReplyPayload'>;

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ServerSocketData>;
type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ServerSocketData>;

/** The namespace every widget connects to. */
export const LIVECHAT_NAMESPACE = '/livechat';

const AUTH_ERRORS: Record<AuthErrorEvent['code'], string> = {
  identity_invalid: 'Không xác thực được tài khoản của bạn; cuộc trò chuyện tiếp tục ở chế độ khách.',
  identity_unavailable: 'Trang này chưa bật xác thực tài khoản; cuộc trò chuyện tiếp tục ở chế độ khách.',
};
const BUSY = 'Hệ thống đang bận, tin nhắn sẽ được tự động gửi lại.';
const TOO_FAST = 'Bạn gửi tin nhắn quá nhanh, vui lòng chờ giây lát.';
const UNAVAILABLE = 'Dịch vụ trò chuyện tạm ngừng, vui lòng thử lại sau.';
const TOO_MANY = 'Có quá nhiều kết nối từ địa chỉ của bạn, vui lòng thử lại sau ít phút.';
const PRECHAT_REQUIRED = 'Vui lòng điền thông tin và đồng ý xử lý dữ liệu cá nhân trước khi bắt đầu trò chuyện.';

/**
 * The server currently serving each namespace. Namespaces live as long as the socket.io server,
 * which outlives an adapter (stop and start again on the same HTTP server): the middleware and
 * connection handler are registered once and hand over to whichever server is current.
 */
const mounted = new WeakMap<LiveNamespace, { current: LivechatServer | null }>();

/** Room holding every open tab of one visitor. */
export function visitorRoom(visitorId: string): string {
  return `visitor:${visitorId}`;
}

/** The `/livechat` namespace of the gateway's socket.io server. */
export class LivechatServer {
  private readonly nsp: LiveNamespace;
  private readonly slot: { current: LivechatServer | null };
  private readonly connections: MemoryRateLimiter;
  private readonly newVisitors: MemoryRateLimiter;
  private readonly frames: MemoryRateLimiter;
  private readonly socketFrames: MemoryRateLimiter;

  constructor(
    private readonly runtime: AdapterRuntime,
    private readonly opts: LivechatServerOptions,
  ) {
    if (!runtime.socketNamespace) throw new Error('live chat needs runtime.socketNamespace to mount socket.io');
    this.connections = new MemoryRateLimiter(opts.perAddress.connectionsPerMinute, 60_000);
    this.newVisitors = new MemoryRateLimiter(opts.perAddress.newVisitorsPerHour, 3_600_000);
    this.frames = new MemoryRateLimiter(opts.perAddress.framesPerMinute, 60_000);
    this.socketFrames = new MemoryRateLimiter(opts.rateLimit, opts.rateWindowMs);
    this.nsp = runtime.socketNamespace(LIVECHAT_NAMESPACE) as unknown as LiveNamespace;
    let slot = mounted.get(this.nsp);
    if (!slot) {
      const s: { current: LivechatServer | null } = { current: null };
      slot = s;
      mounted.set(this.nsp, s);
      this.nsp.use((socket, next) => {
        if (!s.current) return next(new Error(UNAVAILABLE));
        next(s.current.authenticate(socket) ?? undefined);
      });
      this.nsp.on('connection', (socket) => {
        if (s.current) s.current.onConnection(socket);
        else socket.disconnect(true);
      });
    }
    this.slot = slot;
    slot.current = this;
  }
  /** Emits an event to every open tab of a visitor, on whichever node each tab is connected; a no-op when none is open. */
  emitToVisitor<E extends keyof ServerToClientEvents>(visitorId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.nsp.to(visitorRoom(visitorId)).emit(event, ...args);
  }

  /** Emits an event to the visitor's tabs connected to THIS node (for notices every node relays itself). */
  emitToVisitorHere<E extends keyof ServerToClientEvents>(visitorId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.nsp.local.to(visitorRoom(visitorId)).emit(event, ...args);
  }

  /** Number of open widget connections on this node. */
  connectionCount(): number {
    return this.nsp.sockets.size;
  }

  /**
   * Disconnects every widget of this node (`local`: with several nodes, the others' stay connected);
   * the socket.io server and the HTTP server belong to the core and stay open.
   */
  async stop(): Promise<void> {
    if (this.slot.current === this) this.slot.current = null;
    this.nsp.local.disconnectSockets(true);
  }

  /** Handshake: a verified identity, a valid session token, or a new anonymous visitor; an error refuses the connection. */
  authenticate(socket: LiveSocket): Error | null {
    const auth = (socket.handshake.auth ?? {}) as HandshakeAuth;
    const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for']);
    socket.data.address = address;
    if (!this.connections.hitNow(address).allowed) return new Error(TOO_MANY);
    if (auth.identity) {
      const check = verifyIdentity(this.opts.identitySecret, auth.identity);
      if (check.ok) {
        Object.assign(socket.data, { visitorId: check.visitorId, verified: true, name: check.name });
        return null;
      }
      socket.data.authError = check.code;
    }
    const resumed = verifySessionToken(this.opts.sessionSecret, auth.token, Date.now(), this.opts.sessionMaxAgeMs);
    if (!resumed && !this.newVisitors.hitNow(address).allowed) return new Error(TOO_MANY);
    Object.assign(socket.data, { visitorId: resumed ?? newVisitorId(), verified: false });
    return null;
  }

  /** A widget connected: join its visitor room, bind its events, send session and history. */
  onConnection(socket: LiveSocket): void {
    const { visitorId, verified, authError } = socket.data;
    void socket.join(visitorRoom(visitorId));

    socket.on('message', (frame, ack) => void this.onFrame(socket, 'message', frame, ack));
    socket.on('quick_reply', (frame, ack) => void this.onFrame(socket, 'quick_reply', frame, ack));
    socket.on('typing', (frame) => this.onTyping(socket, frame));
    socket.on('disconnect', () => {
      if (socket.data.typing) this.onTyping(socket, { on: false });
    });
    socket.on('attachment', (req, ack) => void this.onAttachment(socket, req, ack));
    socket.on('prechat', (frame, ack) => void this.onPrechat(socket, frame, ack));

    // A fresh token on every connection makes the expiry sliding: active visitors never lose their history.
    const { limits } = this.opts;
    socket.emit('session', {
      token: verified ? null : issueSessionToken(this.opts.sessionSecret, visitorId),
      visitorId,
      verified,
      limits: { maxTextLength: limits.maxTextLength, maxFileBytes: limits.maxAttachmentBytes, fileTypes: limits.allowedMimeTypes },
    });
    if (authError) socket.emit('auth_error', { code: authError, message: AUTH_ERRORS[authError] });
    void this.sendPrechat(socket).then(() => this.sendHistory(socket));
  }

  /** Tells the widget whether to show the pre-chat form (when the core has one). */
  private async sendPrechat(socket: LiveSocket): Promise<void> {
    if (!this.runtime.prechatForm || !this.runtime.mayWrite) return;
    try {
      const { enabled, ...form } = await this.runtime.prechatForm();
      const needed = enabled && !(await this.runtime.mayWrite(socket.data.visitorId));
      socket.emit('prechat', { form: needed ? form : null });
    } catch (err) {
      this.runtime.log.warn({ channel: 'livechat', err: errorText(err) }, 'live-chat pre-chat form unavailable');
    }
  }

  /** A filled pre-chat form: the core validates and records it; every tab of the visitor then hides the form. */
  private async onPrechat(socket: LiveSocket, raw: unknown, ack: (res: PrechatAck) => void): Promise<void> {
    if (typeof ack !== 'function') return;
    try {
      if (!this.allow(socket)) return ack({ ok: false, error: TOO_FAST, field: 'form' });
      if (!this.runtime.submitPrechat) return ack({ ok: false, error: UNAVAILABLE, field: 'form' });
      const res = await this.runtime.submitPrechat(socket.data.visitorId, raw);
      if (res.ok) {
        socket.data.mayWrite = true;
        this.emitToVisitor(socket.data.visitorId, 'prechat', { form: null });
      }
      ack(res);
    } catch (err) {
      this.runtime.log.error({ channel: 'livechat', err: errorText(err) }, 'live-chat pre-chat form failed');
      ack({ ok: false, error: BUSY, field: 'form' });
    }
  }

  /**
   * Whether this socket's visitor may write. Asked of the core for every frame (the form may be switched
   * on, a conversation closed meanwhile) until the visitor fills the form on this socket.
   */
  private async mayWrite(socket: LiveSocket): Promise<boolean> {
    if (socket.data.mayWrite || !this.runtime.mayWrite) return true;
    return this.runtime.mayWrite(socket.data.visitorId);
  }

  /** Relays the citizen's typing to the core (operators see it), only on changes. */
  private onTyping(socket: LiveSocket, frame: unknown): void {
    const on = !!(frame && typeof frame === 'object' && (frame as { on?: unknown }).on === true);
    if (socket.data.typing === on || (!on && socket.data.typing === undefined)) return;
    socket.data.typing = on;
    try {
      this.runtime.citizenTyping?.(socket.data.visitorId, on);
    } catch (err) {
      this.runtime.log.warn({ channel: 'livechat', err: errorText(err) }, 'live-chat typing relay failed');
    }
  }

  private async sendHistory(socket: LiveSocket): Promise<void> {
    try {
      const items = await this.runtime.history(socket.data.visitorId, 100);
      socket.emit('history', { messages: items.map((i) => historyToWire(i, this.opts.publicBaseUrl)) });
      const seen = await this.runtime.seenMarker?.(socket.data.visitorId);
      if (seen) socket.emit('seen', seen);
    } catch (err) {
      this.runtime.log.warn({ channel: 'livechat', err: errorText(err) }, 'live-chat history unavailable');
    }
  }

  /** One more frame within the address's and the socket's limits. */
  private allow(socket: LiveSocket): boolean {
    return this.frames.hitNow(socket.data.address).allowed && this.socketFrames.hitNow(socket.id).allowed;
  }

  private async onFrame(
    socket: LiveSocket,
    kind: IntakeFrame['kind'],
    raw: unknown,
    ack: ((res: MessageAck) => void) | undefined,
  ): Promise<void> {
    const reply = typeof ack === 'function' ? ack : () => undefined;
    try {
      if (!this.allow(socket)) return reply({ ok: false, error: TOO_FAST, retryable: true });
      const { visitorId, verified, name } = socket.data;
      const receivedAt = Date.now();
      const content = this.contentOf(kind, raw);
      if (!content.ok) return reply({ ok: false, error: content.error, retryable: false });
      // The form cannot be skipped by a script: no consent, no new conversation.
      if (!(await this.mayWrite(socket))) {
        return reply({ ok: false, error: PRECHAT_REQUIRED, retryable: false, code: 'prechat_required' });
      }
      const frame: IntakeFrame = { v: 1, kind, visitorId, ...content.value, verified, receivedAt };
      if (name) frame.name = name;
      const messageId = `${visitorId}:${frame.clientId}`;
      let stored: boolean;
      try {
        stored = await this.runtime.ingest({
          dedupeKey: messageId,
          orderingKey: visitorId,
          body: Buffer.from(JSON.stringify(frame)),
          contentType: 'application/json',
        });
      } catch (err) {
        this.runtime.log.error({ channel: 'livechat', err: errorText(err) }, 'live-chat ingest failed');
        return reply({ ok: false, error: BUSY, retryable: true });
      }
      // Acknowledged only now: the frame is durable, so the widget may drop it from its outbox.
      reply({ ok: true, duplicate: !stored, messageId });
      if (stored) socket.to(visitorRoom(visitorId)).emit('message', intakeToWire(frame));
    } catch (err) {
      this.runtime.log.error({ channel: 'livechat', err: errorText(err) }, 'live-chat frame failed');
      reply({ ok: false, error: BUSY, retryable: true });
    }
  }

  /** What the citizen sent in a frame, validated: a message's text and files, or a quick reply's title and payload. */
  private contentOf(kind: IntakeFrame['kind'], raw: unknown): Validated<FrameContent> {
    if (kind === 'message') {
      const v = validateMessageFrame(raw, this.opts.limits);
      if (!v.ok) return v;
      return { ok: true, value: { clientId: v.value.clientId, text: v.value.text, attachments: v.value.attachments } };
    }
    const v = validateQuickReplyFrame(raw);
    if (!v.ok) return v;
    return { ok: true, value: { clientId: v.value.clientId, text: v.value.title, attachments: [], quickReplyPayload: v.value.payload } };
  }

  private async onAttachment(socket: LiveSocket, req: unknown, ack: (res: AttachmentAck) => void): Promise<void> {
    if (typeof ack !== 'function') return;
    const notFound: AttachmentAck = { ok: false, error: 'Không tìm thấy tệp.' };
    try {
      const id = (req as { attachmentId?: unknown } | null)?.attachmentId;
      if (typeof id !== 'string' || id.length === 0 || id.length > 200) return ack(notFound);
      // Only files of the visitor's own conversation: attachment ids must not be a way to read others' files.
      const items = await this.runtime.history(socket.data.visitorId, 200);
      if (!items.some((i) => (i.attachments ?? []).some((a) => a.attachmentId === id))) return ack(notFound);
      const file = await this.runtime.readAttachment(id);
      if (!file) return ack(notFound);
      ack({ ok: true, name: file.name, mimeType: file.mimeType, dataBase64: file.data.toString('base64') });
    } catch (err) {
      this.runtime.log.warn({ channel: 'livechat', err: errorText(err) }, 'live-chat attachment read failed');
      ack({ ok: false, error: BUSY });
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

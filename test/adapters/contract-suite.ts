/**
 * The channel-adapter contract suite: the same checks for every adapter in the registry.
 *
 * Usage, in `test/adapters/<channel>/contract.test.ts`:
 *   runAdapterContractSuite('zalo', async () => ({ adapter, validRequest, … }));
 * The harness hides the provider (a local fake server) behind a few generic calls. Webhook
 * parts are optional so intake-based adapters (email, live chat) can use the suite too.
 * Also exports an in-memory `AdapterState` and `AdapterRuntime` for adapter tests.
 */
import type {
  AdapterLogger,
  AdapterRuntime,
  AdapterState,
  ChannelAdapter,
  InboundEvent,
  IntakeItem,
  OutboundMessage,
  WebhookRequest,
} from '../../src/channels/contract';
import { ChannelApiError } from '../../src/channels/contract';

/** How the provider should fail in `sendWithProviderFailure`. */
export type ProviderFailureKind = 'retryable' | 'permanent';

/** What a channel's test provides to the contract suite. */
export interface AdapterHarness {
  adapter: ChannelAdapter;
  /** A correctly signed webhook request carrying one citizen message (webhook channels). */
  validRequest?(): WebhookRequest;
  /** The same request with a wrong signature (webhook channels). */
  invalidSignatureRequest?(): WebhookRequest;
  /** A raw payload of an event kind the adapter does not handle. */
  unknownEventBody(): Buffer;
  /** A raw payload that is not a valid provider payload at all. */
  malformedBody(): Buffer;
  /** Content type handed to `parse` (default: application/json). */
  contentType?: string;
  /** An outbound message to the test citizen that may be sent now (inside the reply window). */
  outbound(overrides?: Partial<OutboundMessage>): OutboundMessage;
  /** What the fake provider received for the most recent successful send. */
  lastDelivered(): { text: string; quickReplyTitles: string[] };
  /** Makes the provider fail the next send the given way, sends, and returns what was thrown. */
  sendWithProviderFailure(kind: ProviderFailureKind): Promise<unknown>;
  close(): Promise<void>;
}

/** Runs the contract suite for one adapter; `makeHarness` is called once per test file. */
export function runAdapterContractSuite(name: string, makeHarness: () => Promise<AdapterHarness>): void {
  describe(`adapter contract: ${name}`, () => {
    let h: AdapterHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    const ct = () => h.contentType ?? 'application/json';

    test('declares sane capabilities', () => {
      const c = h.adapter.capabilities;
      expect(h.adapter.channel).toBe(name);
      expect(c.maxTextLength).toBeGreaterThan(0);
      if (c.quickReplies) {
        expect(c.quickReplies.max).toBeGreaterThan(0);
        expect(c.quickReplies.maxTitleLength).toBeGreaterThan(0);
      }
      if (c.replyWindowMs !== null) expect(c.replyWindowMs).toBeGreaterThan(0);
    });

    test('accepts a good signature and rejects a bad one', () => {
      if (!h.validRequest || !h.invalidSignatureRequest) return;
      expect(h.adapter.webhook).toBeDefined();
      const good = h.validRequest();
      expect(h.adapter.webhook!.verify(good, JSON.parse(good.rawBody.toString('utf8')))).toBe(true);
      const bad = h.invalidSignatureRequest();
      expect(h.adapter.webhook!.verify(bad, JSON.parse(bad.rawBody.toString('utf8')))).toBe(false);
      const unsigned = { ...good, headers: {} };
      expect(h.adapter.webhook!.verify(unsigned, JSON.parse(good.rawBody.toString('utf8')))).toBe(false);
    });

    test('a valid payload parses to well-formed events, ordered by the citizen', () => {
      if (!h.validRequest) return;
      const req = h.validRequest();
      const events = h.adapter.parse(req.rawBody, ct());
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expectWellFormed(e, name);
      expect(events.some((e) => e.type === 'message')).toBe(true);
      const key = h.adapter.webhook!.orderingKey(JSON.parse(req.rawBody.toString('utf8')));
      expect(key).toBe(events[0]!.externalUserId);
    });

    test('a replay gives the same dedupe key and the same event ids', () => {
      if (!h.validRequest) return;
      const a = h.validRequest();
      const b = h.validRequest();
      const keyA = h.adapter.webhook!.dedupeKey?.(JSON.parse(a.rawBody.toString('utf8'))) ?? null;
      const keyB = h.adapter.webhook!.dedupeKey?.(JSON.parse(b.rawBody.toString('utf8'))) ?? null;
      expect(keyA).toEqual(keyB);
      if (keyA === null) expect(a.rawBody.equals(b.rawBody)).toBe(true); // the core hashes the body
      const ids = (req: WebhookRequest) => h.adapter.parse(req.rawBody, ct()).map((e) => e.externalMessageId);
      expect(ids(a)).toEqual(ids(b));
    });

    test('an unknown event becomes only unsupported events', () => {
      const events = h.adapter.parse(h.unknownEventBody(), ct());
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        expectWellFormed(e, name);
        expect(e.type).toBe('unsupported');
      }
    });

    test('a malformed payload does not throw and becomes unsupported', () => {
      const events = h.adapter.parse(h.malformedBody(), ct());
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expect(e.type).toBe('unsupported');
    });

    test('sends the longest text the channel allows', async () => {
      const max = Math.min(h.adapter.capabilities.maxTextLength, 5000);
      const unit = 'Thủ tục cấp lại căn cước. ';
      const text = unit.repeat(Math.ceil(max / unit.length)).slice(0, max);
      const res = await h.adapter.send(h.outbound({ text }));
      expect(typeof (res.providerMessageId ?? '')).toBe('string');
      expect(h.lastDelivered().text).toBe(text);
    });

    test('sends quick replies within capabilities', async () => {
      const qr = h.adapter.capabilities.quickReplies;
      const quickReplies = qr
        ? Array.from({ length: qr.max }, (_, i) => ({ title: `${i + 1}`.padEnd(qr.maxTitleLength, 'ạ'), payload: `P${i}` }))
        : [];
      await h.adapter.send(h.outbound({ text: 'Anh/chị cần hỗ trợ gì?', quickReplies }));
      const got = h.lastDelivered();
      expect(got.text).toContain('Anh/chị cần hỗ trợ gì?');
      if (qr) expect(got.quickReplyTitles).toEqual(quickReplies.map((q) => q.title));
    });

    test('a transient provider failure is retryable', async () => {
      const err = await h.sendWithProviderFailure('retryable');
      expect(err).toBeInstanceOf(ChannelApiError);
      expect((err as ChannelApiError).retryable).toBe(true);
      expect((err as ChannelApiError).channel).toBe(name);
    });

    test('a permanent provider failure is not retryable', async () => {
      const err = await h.sendWithProviderFailure('permanent');
      expect(err).toBeInstanceOf(ChannelApiError);
      expect((err as ChannelApiError).retryable).toBe(false);
    });

    test('testConnection resolves without throwing', async () => {
      const check = await h.adapter.testConnection();
      expect(typeof check.ok).toBe('boolean');
      expect(typeof check.detail).toBe('string');
      expect(check.ok).toBe(true);
    });
  });
}

function expectWellFormed(e: InboundEvent, channel: string): void {
  expect(e.channel).toBe(channel);
  expect(typeof e.externalUserId).toBe('string');
  expect(typeof e.externalMessageId).toBe('string');
  expect(e.externalMessageId.length).toBeGreaterThan(0);
  expect(Number.isFinite(e.timestamp)).toBe(true);
}

/** In-memory `AdapterState`; `update` is serialized per key like the real store's row lock. */
export class MemoryAdapterState implements AdapterState {
  readonly values = new Map<string, unknown>();
  /** Number of `update` calls that stored a value. */
  writes = 0;
  private readonly locks = new Map<string, Promise<unknown>>();

  async get<T>(key: string): Promise<T | null> {
    return this.values.has(key) ? structuredClone(this.values.get(key) as T) : null;
  }

  async set<T>(key: string, value: T): Promise<void> {
    this.values.set(key, structuredClone(value));
    this.writes++;
  }

  async update<T>(key: string, fn: (current: T | null) => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(async () => {
      const next = await fn(await this.get<T>(key));
      await this.set(key, next);
      return next;
    });
    this.locks.set(key, run);
    return run;
  }
}

/** A minimal `AdapterRuntime` over a `MemoryAdapterState`; logs are collected in `logs`. */
export function memoryRuntime(state: AdapterState = new MemoryAdapterState()): AdapterRuntime & { logs: Array<{ level: string; obj: object; msg?: string }> } {
  const logs: Array<{ level: string; obj: object; msg?: string }> = [];
  const log: AdapterLogger = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  return {
    logs,
    state,
    log,
    ingest: async (_item: IntakeItem) => true,
    history: async () => [],
    readAttachment: async () => null,
  };
}

/** A minimal outbound message with sensible defaults. */
export function outboundMessage(channel: OutboundMessage['channel'], externalUserId: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `out-${Math.random().toString(36).slice(2, 10)}`,
    channel,
    externalUserId,
    author: 'bot',
    purpose: 'answer',
    text: 'Dạ, Tổng đài 1022 đã nhận câu hỏi của anh/chị.',
    quickReplies: [],
    attachments: [],
    ticketCode: null,
    lastInboundAt: Date.now() - 60_000,
    part: 0,
    parts: 1,
    ...overrides,
  };
}

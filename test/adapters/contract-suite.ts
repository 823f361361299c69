/**
 * The channel-adapter contract suite: the same checks for every adapter the registry builds
 * (test/adapters/contract.test.ts runs it on each). Which checks apply is decided when the suite is
 * defined, from what the adapter declares — a webhook or an intake, quick replies or none, a reply
 * window or none — so each test that runs asserts something and none returns early.
 * A channel's harness (`test/adapters/<channel>/contract-harness.ts`) hides its provider (a local
 * fake server) behind a few generic calls.
 * Also exports an in-memory `AdapterState` and `AdapterRuntime` for adapter tests.
 */
import type {
  AdapterLogger,
  AdapterRuntime,
  ExclusiveRole,
  AdapterState,
  ChannelAdapter,
  InboundEvent,
  IntakeItem,
  OutboundMessage,
  WebhookRequest,
} from '../../src/channels/kit/contract';
import { ChannelApiError } from '../../src/channels/kit/contract';
import { windowProblem } from '../../src/pipeline/dispatcher';
import { scaleReply } from '../../src/pipeline/scale';

/** How the provider fails in `sendWithProviderFailure`: a passing hitch (rate limit, 5xx) or a refusal of this message. */
export type ProviderFailureKind = 'transient' | 'refusal';

/** Builds the channel's adapter through the registry, from the harness's settings plus `env` (the fake provider's addresses). */
export type BuildAdapter = (env: Record<string, string>) => ChannelAdapter;

/** A channel's contract harness: its settings, what its provider can do, and how to start the fake provider. */
export interface ContractHarness {
  /** Environment that enables the channel (credentials; addresses are overridden by `start`). */
  env: Record<string, string>;
  /** Whether the provider can refuse a message for good (e-DongThap's contract retries every non-2xx answer). */
  refusalsArePermanent: boolean;
  start(build: BuildAdapter): Promise<AdapterHarness>;
}

/** A running harness: the adapter, payloads for it, and a view of its fake provider. */
export interface AdapterHarness {
  adapter: ChannelAdapter;
  /** The raw payload of one citizen text message, as `parse` receives it. */
  messageBody(): Buffer;
  /** Webhook channels: that message as a correctly signed request. */
  signedRequest?(): WebhookRequest;
  /** Webhook channels: the same request with a wrong signature. */
  badlySignedRequest?(): WebhookRequest;
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

const HOUR_MS = 3_600_000;

/** Runs the contract suite on `declared` (the adapter as the registry builds it) through `harness`. */
export function runAdapterContractSuite(declared: ChannelAdapter, harness: ContractHarness, build: BuildAdapter): void {
  const name = declared.channel;
  const caps = declared.capabilities;
  describe(`adapter contract: ${name}`, () => {
    let h: AdapterHarness;
    beforeAll(async () => {
      h = await harness.start(build);
    });
    afterAll(async () => {
      await h?.close();
    });
    const ct = () => h.contentType ?? 'application/json';
    const sendFailing = async (kind: ProviderFailureKind): Promise<ChannelApiError> => {
      const err = await h.sendWithProviderFailure(kind);
      expect(err).toBeInstanceOf(ChannelApiError);
      expect((err as ChannelApiError).channel).toBe(name);
      return err as ChannelApiError;
    };

    test('is the adapter the registry declares, with sane capabilities', () => {
      expect(h.adapter.channel).toBe(name);
      expect(h.adapter.capabilities).toEqual(caps);
      expect(Boolean(h.adapter.webhook)).toBe(Boolean(declared.webhook));
      expect(caps.maxTextLength).toBeGreaterThan(0);
    });

    test('a citizen message parses to well-formed events, one of them the message', () => {
      const events = h.adapter.parse(h.messageBody(), ct());
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expectWellFormed(e, name);
      expect(events.some((e) => e.type === 'message')).toBe(true);
    });

    test('an unknown event becomes only unsupported events', () => {
      const events = h.adapter.parse(h.unknownEventBody(), ct());
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        expectWellFormed(e, name);
        expect(e.type).toBe('unsupported');
      }
    });

    test.each([
      ["the channel's own malformed payload", () => h.malformedBody()],
      ['text that is not JSON', () => Buffer.from('hello')],
      ['a JSON array', () => Buffer.from('[]')],
      ['an empty body', () => Buffer.alloc(0)],
    ])('%s does not throw and becomes unsupported', (_what, body) => {
      const events = h.adapter.parse(body(), ct());
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expect(e.type).toBe('unsupported');
    });

    test('sends the longest text the channel allows', async () => {
      const max = Math.min(caps.maxTextLength, 5000);
      const unit = 'Thủ tục cấp lại căn cước. ';
      const text = unit.repeat(Math.ceil(max / unit.length)).slice(0, max);
      const res = await h.adapter.send(h.outbound({ text }));
      expect(typeof (res.providerMessageId ?? '')).toBe('string');
      expect(h.lastDelivered().text).toBe(text);
    });

    test('a transient provider failure is retryable', async () => {
      expect((await sendFailing('transient')).retryable).toBe(true);
    });

    test('testConnection resolves, and reports the fake provider reachable', async () => {
      const check = await h.adapter.testConnection();
      expect(typeof check.ok).toBe('boolean');
      expect(typeof check.detail).toBe('string');
      expect(check.ok).toBe(true);
    });

    if (declared.webhook) {
      describe('webhook', () => {
        const bodyOf = (req: WebhookRequest): unknown => JSON.parse(req.rawBody.toString('utf8'));

        test('accepts a good signature and rejects a bad or missing one', () => {
          const good = h.signedRequest!();
          expect(h.adapter.webhook!.verify(good)).toBe(true);
          const bad = h.badlySignedRequest!();
          expect(h.adapter.webhook!.verify(bad)).toBe(false);
          expect(h.adapter.webhook!.verify({ ...good, headers: {} })).toBe(false);
        });

        test('accept: a signed event is stored under its keys; a bad signature is a 401 before any parsing', () => {
          const good = h.signedRequest!();
          const verdict = h.adapter.webhook!.accept(good);
          expect(verdict).toEqual({
            accept: true,
            dedupeKey: h.adapter.webhook!.dedupeKey?.(bodyOf(good)) ?? null,
            orderingKey: h.adapter.webhook!.orderingKey(bodyOf(good)),
          });
          expect(h.adapter.webhook!.accept(h.badlySignedRequest!())).toMatchObject({ accept: false, status: 401 });
          expect(h.adapter.webhook!.accept({ ...good, headers: {}, rawBody: Buffer.alloc(1024 * 1024, 0x5b) })).toMatchObject({
            accept: false,
            status: 401,
          });
        });

        test('orders processing by the citizen who wrote', () => {
          const req = h.signedRequest!();
          const events = h.adapter.parse(req.rawBody, ct());
          expect(h.adapter.webhook!.orderingKey(bodyOf(req))).toBe(events[0]!.externalUserId);
        });

        test('a replay gives the same dedupe key and the same event ids', () => {
          const a = h.signedRequest!();
          const b = h.signedRequest!();
          const keyA = h.adapter.webhook!.dedupeKey?.(bodyOf(a)) ?? null;
          expect(h.adapter.webhook!.dedupeKey?.(bodyOf(b)) ?? null).toEqual(keyA);
          // Without a key of its own the core hashes the body: the replay must be the same bytes.
          expect(keyA !== null || a.rawBody.equals(b.rawBody)).toBe(true);
          const ids = (req: WebhookRequest) => h.adapter.parse(req.rawBody, ct()).map((e) => e.externalMessageId);
          expect(ids(a)).toEqual(ids(b));
        });
      });
    } else {
      describe('intake (no webhook)', () => {
        test('takes its events in through a long-running intake started by the core', () => {
          expect(h.adapter.start).toEqual(expect.any(Function));
          expect(h.adapter.stop).toEqual(expect.any(Function));
          expect(h.signedRequest).toBeUndefined();
        });
      });
    }

    const qr = caps.quickReplies;
    if (qr) {
      describe('quick replies', () => {
        test(`the core trims buttons to ${qr.max} titles of ${qr.maxTitleLength} characters, and the provider takes them`, async () => {
          expect(qr.max).toBeGreaterThan(0);
          expect(qr.maxTitleLength).toBeGreaterThan(0);
          const many = Array.from({ length: qr.max + 2 }, (_, i) => ({
            title: `Lựa chọn số ${i + 1} `.padEnd(qr.maxTitleLength + 5, 'ạ'),
            payload: `P${i}`,
          }));
          const scaled = scaleReply('Anh/chị cần hỗ trợ gì?', many, caps);
          expect(scaled.quickReplies).toHaveLength(qr.max);
          for (const q of scaled.quickReplies) expect([...q.title].length).toBeLessThanOrEqual(qr.maxTitleLength);
          await h.adapter.send(h.outbound({ text: scaled.parts[0], quickReplies: scaled.quickReplies }));
          const got = h.lastDelivered();
          expect(got.text).toContain('Anh/chị cần hỗ trợ gì?');
          expect(got.quickReplyTitles).toEqual(scaled.quickReplies.map((q) => q.title));
        });
      });
    } else {
      describe('no quick replies', () => {
        test('the core writes the choices into the text, which the provider takes', async () => {
          const choices = [
            { title: 'Hỏi thủ tục khác', payload: 'a' },
            { title: 'Gặp tổng đài viên', payload: 'b' },
          ];
          const scaled = scaleReply('Anh/chị cần hỗ trợ gì?', choices, caps);
          expect(scaled.quickReplies).toEqual([]);
          expect(scaled.parts).toEqual(['Anh/chị cần hỗ trợ gì?\n\n1. Hỏi thủ tục khác\n2. Gặp tổng đài viên']);
          await h.adapter.send(h.outbound({ text: scaled.parts[0] }));
          expect(h.lastDelivered()).toEqual({ text: scaled.parts[0], quickReplyTitles: [] });
        });
      });
    }

    const window = caps.replyWindowMs;
    if (window !== null) {
      describe('reply window', () => {
        test(`the core stops messages once ${Math.round(window / HOUR_MS)} h have passed since the citizen wrote`, () => {
          expect(window).toBeGreaterThan(HOUR_MS);
          const now = Date.now();
          const ago = (ms: number) => new Date(now - ms);
          expect(windowProblem(caps, 'bot', ago(window - HOUR_MS), now)).toBeNull();
          expect(windowProblem(caps, 'bot', ago(window + HOUR_MS), now)).toMatch(/^window_closed/);
          const operatorWindow = caps.operatorReplyWindowMs ?? window;
          expect(windowProblem(caps, 'operator', ago(operatorWindow - HOUR_MS), now)).toBeNull();
          expect(windowProblem(caps, 'operator', ago(operatorWindow + HOUR_MS), now)).toMatch(/^window_closed/);
        });
      });
    } else {
      describe('no reply window', () => {
        test('the core delivers however long ago the citizen wrote', () => {
          const now = Date.now();
          expect(windowProblem(caps, 'bot', new Date(now - 365 * 24 * HOUR_MS), now)).toBeNull();
          expect(windowProblem(caps, 'operator', new Date(now - 365 * 24 * HOUR_MS), now)).toBeNull();
        });
      });
    }

    if (harness.refusalsArePermanent) {
      describe('refusals', () => {
        test('a provider refusal (window closed, user unreachable) is permanent, not retried', async () => {
          expect((await sendFailing('refusal')).retryable).toBe(false);
        });
      });
    } else {
      describe('every failure retried', () => {
        test('even a refusal is retryable, as the channel contract says', async () => {
          expect((await sendFailing('refusal')).retryable).toBe(true);
        });
      });
    }
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
    const run = prev
      .catch(() => undefined)
      .then(async () => {
        const next = await fn(await this.get<T>(key));
        await this.set(key, next);
        return next;
      });
    this.locks.set(key, run);
    return run;
  }
}

/** `AdapterRuntime.exclusive` of a lone process: the role starts at once. */
export async function exclusiveHere(_name: string, role: ExclusiveRole): Promise<{ release(): Promise<void> }> {
  await role.start();
  return { release: () => role.stop() };
}

/** A minimal `AdapterRuntime` over a `MemoryAdapterState`; logs are collected in `logs`. */
export function memoryRuntime(
  state: AdapterState = new MemoryAdapterState(),
): AdapterRuntime & { logs: Array<{ level: string; obj: object; msg?: string }> } {
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
    exclusive: exclusiveHere,
    readAttachment: async () => null,
  };
}

/**
 * Parsing a channel's JSON fixtures: every event of one (`parse`), its only event (`one`, typed loosely
 * for `toEqual`), or the events of several, each of which must give at least one (`all`).
 */
export function fixtureParser(adapter: ChannelAdapter, fixture: (name: string) => Buffer) {
  const parse = (name: string): InboundEvent[] => adapter.parse(fixture(name), 'application/json');
  const one = (name: string) => {
    const events = parse(name);
    expect(events).toHaveLength(1);
    return events[0]! as any;
  };
  const all = (names: string[]): InboundEvent[] =>
    names.flatMap((name) => {
      const events = parse(name);
      expect([name, events.length > 0]).toEqual([name, true]);
      return events;
    });
  return { parse, one, all };
}

/** A fake provider API that records protocol violations and can fail the next call on a path (the fake Zalo and Graph APIs). */
export interface ScriptableFake<Reply> {
  violations: string[];
  failNext(pathPrefix: string, reply: Reply): void;
  close(): Promise<void>;
}

/**
 * The failure and shutdown parts of a harness over a scriptable fake: a failing send gets `replies[kind]`
 * from the next call on `sendPath`, and closing checks that the fake saw no violation.
 */
export function scriptedFailures<Reply>(
  fake: ScriptableFake<Reply>,
  sendPath: string,
  replies: Record<ProviderFailureKind, Reply>,
  send: () => Promise<unknown>,
): Pick<AdapterHarness, 'sendWithProviderFailure' | 'close'> {
  return {
    async sendWithProviderFailure(kind) {
      fake.failNext(sendPath, replies[kind]);
      return errorOf(send());
    },
    async close() {
      expect(fake.violations).toEqual([]);
      await fake.close();
    },
  };
}

/** What `p` rejects with, or undefined when it resolves. */
export function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** The `ChannelApiError` that `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(p: Promise<unknown>): Promise<ChannelApiError> {
  const err = await errorOf(p);
  if (err === undefined) throw new Error('expected a rejection');
  expect(err).toBeInstanceOf(ChannelApiError);
  return err as ChannelApiError;
}

/** An outbound attachment by URL on the province's file server (forms, samples); a file keeps its name. */
export function hostedAttachment(kind: 'image' | 'file', name: string): OutboundMessage['attachments'][number] {
  return { kind, url: `https://1022.dongthap.gov.vn/files/${name}`, ...(kind === 'file' && { name }) };
}

/** A minimal outbound message with sensible defaults. */
export function outboundMessage(
  channel: OutboundMessage['channel'],
  externalUserId: string,
  overrides: Partial<OutboundMessage> = {},
): OutboundMessage {
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

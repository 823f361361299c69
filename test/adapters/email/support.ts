/** Test helpers of the email adapter: an in-memory runtime, IMAP delivery by APPEND, an SMTP sink, and waiting. */
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AdapterRuntime, IntakeItem } from '../../../src/channels/kit/contract';
import type { Dovecot } from '../../support/dovecot';
import { freePort } from '../../support/services';
import { exclusiveHere } from '../contract-suite';
import { fixtureReader } from '../fixtures';

/** A runtime whose ingest remembers items by dedupe key (a replay returns false) and whose state is a Map. */
export interface MemoryRuntime {
  runtime: AdapterRuntime;
  /** Items stored (replays excluded). */
  items: IntakeItem[];
  /** Every ingest call, replays included. */
  calls: IntakeItem[];
  state: Map<string, unknown>;
  attachments: Map<string, { data: Buffer; mimeType: string; name: string }>;
  logs: { level: 'info' | 'warn' | 'error'; obj: object; msg?: string }[];
}

/** Creates a fresh in-memory runtime. */
export function memoryRuntime(): MemoryRuntime {
  const items: IntakeItem[] = [];
  const calls: IntakeItem[] = [];
  const keys = new Set<string>();
  const state = new Map<string, unknown>();
  const attachments = new Map<string, { data: Buffer; mimeType: string; name: string }>();
  const logs: MemoryRuntime['logs'] = [];
  let lock: Promise<unknown> = Promise.resolve();
  const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  const runtime: AdapterRuntime = {
    async ingest(item) {
      calls.push(item);
      if (keys.has(item.dedupeKey)) return false;
      keys.add(item.dedupeKey);
      items.push(item);
      return true;
    },
    state: {
      async get<T>(key: string) {
        return state.has(key) ? clone(state.get(key) as T) : null;
      },
      async set<T>(key: string, value: T) {
        state.set(key, clone(value));
      },
      update<T>(key: string, fn: (current: T | null) => Promise<T>): Promise<T> {
        const run = lock.then(async () => {
          const next = await fn(state.has(key) ? clone(state.get(key) as T) : null);
          state.set(key, clone(next));
          return next;
        });
        lock = run.catch(() => undefined);
        return run;
      },
    },
    log: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
    },
    history: async () => [],
    exclusive: exclusiveHere,
    readAttachment: async (id) => attachments.get(id) ?? null,
  };
  return { runtime, items, calls, state, attachments, logs };
}

/** Reads a fixture of `test/fixtures/email/` (names with their extension). */
export const fixture = fixtureReader('email');

/** Opens an IMAP session as the first test user, runs `fn`, logs out. */
export async function withImap<T>(dovecot: Dovecot, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const { user, password } = dovecot.users[0];
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: password }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Simulates the arrival of mails: IMAP APPEND into `mailbox`. */
export async function deliver(dovecot: Dovecot, mailbox: string, ...mails: (Buffer | string)[]): Promise<void> {
  await withImap(dovecot, async (client) => {
    for (const mail of mails) await client.append(mailbox, typeof mail === 'string' ? Buffer.from(mail) : mail);
  });
}

/** A small RFC 822 mail with CRLF line ends. */
export function mail(opts: { from: string; messageId?: string; subject?: string; text?: string; headers?: string[] }): Buffer {
  const lines = [
    `From: ${opts.from}`,
    'To: 1022@dongthap.gov.vn',
    `Subject: ${opts.subject ?? 'Hoi dap'}`,
    'Date: Mon, 5 Jan 2026 09:00:00 +0700',
    ...(opts.messageId ? [`Message-ID: ${opts.messageId}`] : []),
    ...(opts.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    opts.text ?? 'Xin chao tong dai',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** Polls `predicate` until it holds, or fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One mail the SMTP sink accepted. */
export interface CapturedMail {
  /** Envelope sender (MAIL FROM), false for the null sender `<>`. */
  from: string | false;
  to: string[];
  raw: Buffer;
  mail: ParsedMail;
}

/** An in-process SMTP server (npm `smtp-server`) that keeps every mail it receives. */
export interface SmtpSink {
  host: string;
  port: number;
  mails: CapturedMail[];
  /** Mails whose envelope recipients include `address` (case-insensitive). */
  to(address: string): CapturedMail[];
  close(): Promise<void>;
}

/**
 * Starts an SMTP sink on a free loopback port; no AUTH, no STARTTLS. A recipient named after a
 * reply code (`smtp451@…`, `smtp550@…`) is refused with that code, to test error mapping.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = /^smtp(\d{3})@/.exec(address.address)?.[1];
      if (code) return callback(Object.assign(new Error(`${code} simulated failure`), { responseCode: Number(code) }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            mails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false,
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              mail: parsed,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port,
    mails,
    to: (address) => mails.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

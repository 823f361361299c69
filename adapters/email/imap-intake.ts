/**
 * The long-running IMAP side: one imapflow connection IDLEs on the hotline mailbox, and every new
 * mail is parsed once and handed to `runtime.ingest` in UID order. The last ingested UID is
 * persisted with the mailbox's UIDVALIDITY, so a restart resumes where it stopped; when UIDVALIDITY
 * changes (mailbox recreated or migrated) the whole mailbox is read again and the Message-ID
 * dedupe key drops what was already ingested.
 *
 * imapflow: https://imapflow.com/module-imapflow-ImapFlow.html
 * UIDs and UIDVALIDITY (RFC 9051 §2.3.1.1): https://www.rfc-editor.org/rfc/rfc9051#section-2.3.1.1
 */
import type { ImapFlow } from 'imapflow';
import type { AdapterRuntime } from '../../src/channels/kit';
import { authenticateMail, type MailAuthOptions } from './authenticate';
import { mailDedupeKey, mailOrderingKey, parseMail } from './parse';
import { MAIL_JSON_CONTENT_TYPE, type EmailAdapterConfig, type ImapCursor } from './types';

/** IMAP settings with the defaults resolved. */
export type ImapSettings = Required<EmailAdapterConfig['imap']>;

/** Reconnect delays: doubling from `initialMs` up to `maxMs` (default: 1 s to 5 min). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Options of `ImapIntake`. */
export interface ImapIntakeOptions {
  imap: ImapSettings;
  runtime: AdapterRuntime;
  maxAttachmentBytes: number;
  backoff?: BackoffOptions;
  /** Sender authentication options (resolver, our server's name). */
  auth?: MailAuthOptions;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 5 * 60_000 };
const STOP_TIMEOUT_MS = 10_000;

/**
 * Builds an imapflow client with our timeouts and no library logging (it would log addresses).
 * imapflow is loaded here, at the first connection, not at every start of the gateway.
 */
export async function createImapClient(imap: ImapSettings): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  return new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    // New mail is only announced while IDLE runs; imapflow waits 15 s by default before starting it.
    autoIdleDelay: 1_000,
    // Some servers and NAT boxes drop an IDLE silently after ~30 min; restart it well before.
    maxIdleTime: 5 * 60_000,
  });
}

/** The state key of a mailbox's cursor. */
export function cursorKey(imap: Pick<ImapSettings, 'user' | 'mailbox'>): string {
  return `email:${imap.user}:${imap.mailbox}`;
}

/** IDLE-based intake of one mailbox, with reconnects and a persisted UID cursor. */
export class ImapIntake {
  private readonly opts: ImapIntakeOptions;
  private readonly backoff: BackoffOptions;
  private client: ImapFlow | null = null;
  private stopped = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private poller: ReturnType<typeof setInterval> | null = null;
  private syncing: Promise<void> | null = null;
  private syncRequested = false;

  constructor(opts: ImapIntakeOptions) {
    this.opts = opts;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  /** Connects and ingests what arrived while we were away; resolves after this first attempt, failures are retried in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  /** Stops reconnecting, lets the mail in progress finish, and logs out. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopPolling();
    const client = this.client;
    this.client = null;
    if (this.syncing) await withTimeout(this.syncing, STOP_TIMEOUT_MS);
    if (client) {
      await withTimeout(client.logout(), STOP_TIMEOUT_MS).catch(() => undefined);
      client.close();
    }
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    const { imap, runtime } = this.opts;
    const client = await createImapClient(imap);
    // Stopped while imapflow was loading: the client has opened nothing yet.
    if (this.stopped) return;
    this.client = client;
    // imapflow emits 'error' at most once per connection and then 'close'; without a listener it would crash the process.
    client.on('error', (err: Error) => runtime.log.warn({ channel: 'email', err: err.message }, 'IMAP connection error'));
    client.on('close', () => this.connectionLost(client));
    client.on('exists', () => this.requestSync(client));
    // Emitted again when the open mailbox turns out to have a new UIDVALIDITY.
    client.on('mailboxOpen', () => this.requestSync(client));
    try {
      await client.connect();
      await client.mailboxOpen(imap.mailbox);
    } catch (err) {
      runtime.log.warn({ channel: 'email', err: errorMessage(err), attempt: this.attempt }, 'IMAP connect failed');
      this.connectionLost(client, errorMessage(err));
      return;
    }
    runtime.log.info({ channel: 'email', mailbox: imap.mailbox }, 'IMAP connected');
    runtime.intakeStatus?.({ connected: true, error: null });
    this.requestSync(client);
    // A sync of a previous connection may still be finishing; it hands over to this one.
    while (this.syncing) await this.syncing;
    if (this.client !== client) return;
    this.attempt = 0;
    this.stopPolling();
    this.poller = setInterval(() => void this.poll(client), imap.pollIntervalMs);
  }

  /**
   * Safety net next to IDLE: a server may miss a notification (or a NAT box eat it). STATUS on the
   * selected mailbox makes imapflow emit `exists` for new mail and `mailboxOpen` for a new
   * UIDVALIDITY, and the sync that follows reads whatever is above the cursor.
   */
  private async poll(client: ImapFlow): Promise<void> {
    const { imap, runtime } = this.opts;
    if (this.client !== client || this.stopped || this.syncing) return;
    try {
      await client.status(imap.mailbox, { uidValidity: true, messages: true });
      this.requestSync(client);
    } catch (err) {
      runtime.log.warn({ channel: 'email', err: errorMessage(err) }, 'IMAP poll failed');
      this.connectionLost(client, errorMessage(err));
    }
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  /** Schedules a reconnect once per lost connection. */
  private connectionLost(client: ImapFlow, error = 'connection closed'): void {
    if (this.client !== client) return;
    this.client = null;
    this.stopPolling();
    client.close();
    if (this.stopped) return;
    this.opts.runtime.intakeStatus?.({ connected: false, error });
    const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt++;
    this.opts.runtime.log.info({ channel: 'email', delayMs: delay, attempt: this.attempt }, 'IMAP reconnect scheduled');
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  /** Runs a sync now, or once more after the running one (new mail may arrive meanwhile). */
  private requestSync(client: ImapFlow): void {
    this.syncRequested = true;
    if (this.syncing) return;
    // `.finally` always runs after this assignment, even when the loop has nothing to do.
    this.syncing = this.syncLoop(client).finally(() => {
      this.syncing = null;
      // A request that came from a newer connection while this loop was finishing.
      const current = this.client;
      if (this.syncRequested && current && current !== client && !this.stopped) this.requestSync(current);
    });
  }

  private async syncLoop(client: ImapFlow): Promise<void> {
    try {
      while (this.syncRequested && this.client === client && !this.stopped) {
        this.syncRequested = false;
        await this.syncOnce(client);
      }
    } catch (err) {
      // The connection or ingest failed: reconnect with backoff; the cursor says where to resume.
      this.opts.runtime.log.warn({ channel: 'email', err: errorMessage(err) }, 'IMAP sync failed');
      this.connectionLost(client, errorMessage(err));
    }
  }

  /** Ingests every mail above the cursor, in UID order, advancing the cursor after each. */
  private async syncOnce(client: ImapFlow): Promise<void> {
    const { imap, runtime, maxAttachmentBytes } = this.opts;
    const key = cursorKey(imap);
    const lock = await client.getMailboxLock(imap.mailbox);
    try {
      if (!client.mailbox) throw new Error(`mailbox ${imap.mailbox} is not open`);
      const uidValidity = client.mailbox.uidValidity.toString();
      const cursor = await runtime.state.get<ImapCursor>(key);
      let lastUid = 0;
      if (cursor && cursor.uidValidity === uidValidity) lastUid = cursor.lastUid;
      else if (cursor) {
        runtime.log.warn(
          { channel: 'email', mailbox: imap.mailbox, from: cursor.uidValidity, to: uidValidity },
          'IMAP UIDVALIDITY changed: re-reading the mailbox, already ingested mail is dropped by Message-ID',
        );
      }
      // "n:*" also matches the highest UID when it is below n, hence the filter.
      const found = (await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || [];
      const uids = found.filter((uid) => uid > lastUid).sort((a, b) => a - b);
      for (const uid of uids) {
        if (this.client !== client || this.stopped) return;
        const msg = await client.fetchOne(String(uid), { uid: true, source: true, internalDate: true }, { uid: true });
        if (msg && msg.source) {
          const receivedAt = msg.internalDate ? new Date(msg.internalDate) : null;
          const stored = await parseMail(msg.source, { maxAttachmentBytes, receivedAt });
          stored.authentication = await authenticateMail(Buffer.from(msg.source), this.opts.auth);
          const fresh = await runtime.ingest({
            dedupeKey: mailDedupeKey(stored),
            orderingKey: mailOrderingKey(stored),
            body: Buffer.from(JSON.stringify(stored)),
            contentType: MAIL_JSON_CONTENT_TYPE,
          });
          runtime.log.info({ channel: 'email', uid, duplicate: !fresh }, 'mail ingested');
        }
        // Only now: a crash before this line re-reads the mail, and ingest drops the replay.
        lastUid = uid;
        await runtime.state.set<ImapCursor>(key, { uidValidity, lastUid });
        // For people who also read the mailbox in a mail client; failure is harmless.
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true }).catch(() => false);
      }
      if (!cursor || cursor.uidValidity !== uidValidity) await runtime.state.set<ImapCursor>(key, { uidValidity, lastUid });
    } finally {
      lock.release();
    }
  }
}

/** Checks IMAP login and that the mailbox exists. Never throws. */
export async function verifyImap(imap: ImapSettings): Promise<{ ok: boolean; detail: string }> {
  const client = await createImapClient(imap);
  client.on('error', () => undefined);
  try {
    await client.connect();
    const status = await client.status(imap.mailbox, { messages: true });
    if (!status) return { ok: false, detail: `IMAP: mailbox ${imap.mailbox} not found` };
    return { ok: true, detail: `IMAP ok (${imap.mailbox}: ${status.messages ?? 0} messages)` };
  } catch (err) {
    return { ok: false, detail: `IMAP: ${errorMessage(err)}` };
  } finally {
    await withTimeout(client.logout(), 5_000).catch(() => undefined);
    client.close();
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    // imapflow puts the server's answer (e.g. "[AUTHENTICATIONFAILED] …") in responseText.
    const text = (err as Error & { responseText?: string }).responseText;
    return text ? `${err.message}: ${text}` : err.message;
  }
  return String(err);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

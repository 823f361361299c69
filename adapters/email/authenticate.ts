/**
 * Sender authentication of inbound mail (SPF, DKIM, DMARC) with mailauth, done when the intake
 * reads a mail, before it is stored. The envelope is gone by the time mail sits in IMAP, so the
 * client address and HELO come from the top `Received:` header (written by our own mail server)
 * and the envelope sender from `Return-Path:`. Only a DMARC `fail` matters downstream: such mail is
 * stored and shown to operators with a warning, but never answered automatically — a spoofed
 * sender would otherwise receive our receipt and the bot's answers.
 * https://github.com/postalsys/mailauth#authentication
 */
import { promises as dns } from 'node:dns';

/** A DNS lookup as mailauth calls it (`dns.promises.resolve` by default). */
export type MailDnsResolver = (name: string, rrtype: string) => Promise<string[] | string[][]>;

/** The verdicts kept with a stored mail. */
export interface MailAuthentication {
  /** DMARC result: pass, fail, none, temperror, permerror. */
  dmarc: string;
  spf: string;
  /** The first DKIM signature's result (none when unsigned). */
  dkim: string;
  /** The policy the sender's domain publishes (none, quarantine, reject), when known. */
  policy?: string;
}

/** Options: the resolver (tests, or a resolver with its own timeouts) and our server's name. */
export interface MailAuthOptions {
  resolver?: MailDnsResolver;
  mta?: string;
}

/** The client address and HELO name of the top `Received:` header, when it names them. */
export function receivedFrom(raw: Buffer): { ip?: string; helo?: string } {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const received = unfolded.split(/\r?\n/).find((l) => /^received:/i.test(l));
  if (!received) return {};
  const ip = /\[(?:IPv6:)?([0-9a-f:.]+)\]/i.exec(received)?.[1];
  const helo = /^received:\s*from\s+([^\s(;]+)/i.exec(received)?.[1];
  return { ...(ip ? { ip } : {}), ...(helo ? { helo } : {}) };
}

// The system's DNS servers with short timeouts: a slow DNS must not hold up the mailbox for long.
const systemDns = new dns.Resolver({ timeout: 3_000, tries: 2 });
const defaultResolver: MailDnsResolver = (name, rrtype) => systemDns.resolve(name, rrtype) as Promise<string[] | string[][]>;

function returnPath(raw: Buffer): string | undefined {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  return /^return-path:\s*<?([^>\s]+@[^>\s]+)>?/im.exec(head)?.[1];
}

/** Checks SPF, DKIM and DMARC of a raw message. Never throws: trouble is a `temperror`. */
export async function authenticateMail(raw: Buffer, opts: MailAuthOptions = {}): Promise<MailAuthentication> {
  try {
    const { ip, helo } = receivedFrom(raw);
    // Loaded at the first mail, not at every start (a quarter of a second of CPU).
    const { authenticate } = await import('mailauth');
    const result = await authenticate(raw, {
      ip,
      helo,
      sender: returnPath(raw),
      mta: opts.mta ?? 'cong1022',
      disableBimi: true,
      resolver: opts.resolver ?? defaultResolver,
    });
    const dmarc = result.dmarc ? result.dmarc.status?.result : 'none';
    return {
      dmarc: dmarc || 'none',
      spf: ip ? (result.spf ? result.spf.status?.result : 'none') || 'none' : 'none',
      dkim: result.dkim?.results?.[0]?.status?.result ?? 'none',
      ...(result.dmarc && result.dmarc.policy ? { policy: String(result.dmarc.policy) } : {}),
    };
  } catch {
    return { dmarc: 'temperror', spf: 'temperror', dkim: 'temperror' };
  }
}

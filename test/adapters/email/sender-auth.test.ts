/**
 * Sender authentication of inbound mail against a real Dovecot: SPF, DKIM and DMARC checked with
 * mailauth when the intake reads a mail (DNS answered by a fake resolver). A mail failing DMARC is
 * still ingested, with a warning for operators, and marked not to be answered automatically.
 */
import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import type { ChannelAdapter, InboundMessage } from '../../../src/channels/kit/contract';
import { createEmailAdapter } from '../../../adapters/email';
import { authenticateMail, receivedFrom, type MailDnsResolver } from '../../../adapters/email/authenticate';
import { DMARC_WARNING } from '../../../adapters/email/parse';
import { startDovecot, type Dovecot } from '../../support/dovecot';
import { deliver, mail, memoryRuntime, withImap } from './support';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const privateKey = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** DNS of the sender domains: gmail.com signs with DKIM and publishes p=reject; its SPF allows 203.0.113.5. */
const resolver: MailDnsResolver = async (name, rrtype) => {
  const records: Record<string, string[][]> = {
    'TXT _dmarc.gmail.com': [['v=DMARC1; p=reject']],
    'TXT s1._domainkey.gmail.com': [[`v=DKIM1; k=rsa; p=${publicKey}`]],
    'TXT gmail.com': [['v=spf1 ip4:203.0.113.5 -all']],
  };
  const found = records[`${rrtype} ${name}`];
  if (found) return found;
  throw Object.assign(new Error(`no ${rrtype} for ${name}`), { code: 'ENOTFOUND' });
};

const RECEIVED = (ip: string) =>
  `Received: from mail-out.gmail.com (mail-out.gmail.com [${ip}])\r\n by mx.dongthap.gov.vn with ESMTPS id 1; Mon, 5 Jan 2026 09:00:01 +0700`;

async function signed(raw: Buffer): Promise<Buffer> {
  // mailauth 4 takes a list of signatures; its typings describe the single-signature form of later versions.
  // A fixed signTime: without one, mailauth computes `t=` twice (for the signed copy of the header and
  // for the emitted one) by rounding Date.now(); across a half second the two differ, and the
  // signature fails as "bad signature" (~1 in 600 signings here, more on a loaded machine).
  const options = { signTime: new Date(), signatureData: [{ signingDomain: 'gmail.com', selector: 's1', privateKey }] };
  const { signatures, errors } = await dkimSign(raw, options as unknown as Parameters<typeof dkimSign>[1]);
  if (errors.length > 0) throw new Error(`DKIM signing failed: ${JSON.stringify(errors)}`);
  return Buffer.concat([Buffer.from(signatures), raw]);
}

function genuine(id: string, ip = '198.51.100.77'): Promise<Buffer> {
  return signed(mail({ from: 'An <an.nguyen@gmail.com>', messageId: `<${id}@gmail.com>`, headers: [RECEIVED(ip)] }));
}

function spoofed(id: string): Buffer {
  return mail({ from: 'An <an.nguyen@gmail.com>', messageId: `<${id}@evil.example>`, headers: [RECEIVED('192.0.2.66')] });
}

test('the client address and HELO come from the top Received header', () => {
  expect(receivedFrom(spoofed('x'))).toEqual({ ip: '192.0.2.66', helo: 'mail-out.gmail.com' });
  expect(receivedFrom(Buffer.from('From: a@b.vn\r\n\r\nhi'))).toEqual({});
});

test('verdicts: DKIM-aligned mail passes DMARC; an unsigned mail from a forbidden address fails it; DNS trouble is no failure', async () => {
  expect(await authenticateMail(await genuine('g1'), { resolver })).toMatchObject({ dmarc: 'pass', dkim: 'pass' });
  expect(await authenticateMail(spoofed('s1'), { resolver })).toMatchObject({ dmarc: 'fail', dkim: 'none' });
  const down: MailDnsResolver = async () => {
    throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
  };
  expect((await authenticateMail(spoofed('s2'), { resolver: down })).dmarc).not.toBe('fail');
});

describe('email intake with sender authentication', () => {
  let dovecot: Dovecot;
  let adapter: ChannelAdapter | null = null;
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await adapter?.stop?.();
    await dovecot?.stop();
  });

  test('a spoofed sender is stored with a warning and never auto-answered; a genuine one is answered', async () => {
    await withImap(dovecot, (c) => c.mailboxCreate('AUTH'));
    await deliver(dovecot, 'AUTH', await genuine('real-1'), spoofed('fake-1'));
    const { user, password } = dovecot.users[0];
    adapter = createEmailAdapter({
      imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password, mailbox: 'AUTH' },
      smtp: { host: '127.0.0.1', port: 1, secure: false },
      from: '"Tổng đài 1022" <1022@dongthap.gov.vn>',
      authentication: { resolver, mta: 'mx.dongthap.gov.vn' },
    });
    const rt = memoryRuntime();
    await adapter.start!(rt.runtime);
    expect(rt.items.map((i) => i.dedupeKey)).toEqual(['<real-1@gmail.com>', '<fake-1@evil.example>']);
    const [real] = adapter.parse(rt.items[0].body, rt.items[0].contentType) as InboundMessage[];
    const [fake] = adapter.parse(rt.items[1].body, rt.items[1].contentType) as InboundMessage[];
    expect(real.suppressAutoReply).toBe(false);
    expect(real.text).not.toContain(DMARC_WARNING);
    expect(fake).toMatchObject({ type: 'message', externalUserId: 'an.nguyen@gmail.com', suppressAutoReply: true });
    expect(fake.text).toContain(DMARC_WARNING);
    expect(JSON.parse(rt.items[1].body.toString()).authentication).toMatchObject({ dmarc: 'fail', policy: 'reject' });
  });
});

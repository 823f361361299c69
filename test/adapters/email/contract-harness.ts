/** The contract harness of the email adapter: a real Dovecot for IMAP and an in-process SMTP server behind the registry's settings. */
import { MAIL_JSON_CONTENT_TYPE } from '../../../adapters/email';
import { parseMail } from '../../../adapters/email/parse';
import { startDovecot } from '../../support/dovecot';
import { errorOf, memoryRuntime, outboundMessage, type ContractHarness } from '../contract-suite';
import { fixture, startSmtpSink } from './support';

const CITIZEN = 'an.nguyen@gmail.com';
const MAILBOX = { user: 'hotline', password: 'secret-1022' };

/** Email: a recipient the server refuses (550) is permanent; a 451 is retried. */
export const emailContractHarness: ContractHarness = {
  env: {
    IMAP_HOST: '127.0.0.1',
    IMAP_SECURE: 'false',
    IMAP_USER: MAILBOX.user,
    IMAP_PASSWORD: MAILBOX.password,
    SMTP_HOST: '127.0.0.1',
    SMTP_SECURE: 'false',
    MAIL_FROM: '"Tổng đài 1022" <1022@dongthap.gov.vn>',
  },
  refusalsArePermanent: true,
  async start(build) {
    const dovecot = await startDovecot([MAILBOX]);
    const smtp = await startSmtpSink();
    const adapter = build({ IMAP_PORT: String(dovecot.port), SMTP_PORT: String(smtp.port) });
    await adapter.start!(memoryRuntime());
    // What the IMAP intake stores for a citizen's mail, as the core hands it back to `parse`.
    const stored = Buffer.from(JSON.stringify(await parseMail(fixture('plain.eml'), { receivedAt: new Date('2026-01-05T02:15:02.000Z') })));
    return {
      adapter,
      contentType: MAIL_JSON_CONTENT_TYPE,
      messageBody: () => stored,
      // A mail the intake could not parse: stored, but nothing to act on.
      unknownEventBody: () =>
        Buffer.from(
          JSON.stringify({
            v: 1,
            raw: Buffer.from('garbage').toString('base64'),
            receivedAt: null,
            sha256: 'ab'.repeat(32),
            parsed: null,
            error: 'bad MIME',
          }),
        ),
      malformedBody: () => Buffer.from('{"v": 1, "raw": '),
      outbound: (o) => outboundMessage('email', CITIZEN, o),
      lastDelivered: () => ({ text: (smtp.mails.at(-1)!.mail.text ?? '').replace(/\n$/, ''), quickReplyTitles: [] }),
      sendWithProviderFailure: (kind) =>
        errorOf(adapter.send(outboundMessage('email', kind === 'transient' ? 'smtp451@example.vn' : 'smtp550@example.vn'))),
      async close() {
        await adapter.stop!();
        await smtp.close();
        await dovecot.stop();
      },
    };
  },
};

/** The shared adapter contract suite against the email adapter: real Dovecot for IMAP, an in-process SMTP server. */
import { createEmailAdapter, MAIL_JSON_CONTENT_TYPE } from '../../../adapters/email';
import { startDovecot } from '../../support/dovecot';
import { memoryRuntime, outboundMessage, runAdapterContractSuite } from '../contract-suite';
import { startSmtpSink } from './support';

const CITIZEN = 'an.nguyen@gmail.com';

runAdapterContractSuite('email', async () => {
  const dovecot = await startDovecot();
  const smtp = await startSmtpSink();
  const { user, password } = dovecot.users[0];
  const adapter = createEmailAdapter({
    imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password },
    smtp: { host: smtp.host, port: smtp.port, secure: false },
    from: '"Tổng đài 1022" <1022@dongthap.gov.vn>',
  });
  await adapter.start!(memoryRuntime());
  return {
    adapter,
    contentType: MAIL_JSON_CONTENT_TYPE,
    // A mail the intake could not parse: stored, but nothing to act on.
    unknownEventBody: () => Buffer.from(JSON.stringify({ v: 1, raw: Buffer.from('garbage').toString('base64'), receivedAt: null, sha256: 'ab'.repeat(32), parsed: null, error: 'bad MIME' })),
    malformedBody: () => Buffer.from('{"v": 1, "raw": '),
    outbound: (o) => outboundMessage('email', CITIZEN, o),
    lastDelivered: () => {
      const last = smtp.mails.at(-1)!;
      return { text: (last.mail.text ?? '').replace(/\n$/, ''), quickReplyTitles: [] };
    },
    sendWithProviderFailure: (kind) =>
      adapter.send(outboundMessage('email', kind === 'retryable' ? 'smtp451@example.vn' : 'smtp550@example.vn')).then(
        () => undefined,
        (err: unknown) => err,
      ),
    async close() {
      await adapter.stop!();
      await smtp.close();
      await dovecot.stop();
    },
  };
});

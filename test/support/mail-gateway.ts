/** A test gateway whose email channel reads a throw-away Dovecot mailbox and sends through an SMTP test server. */
import { startSmtpSink, type SmtpSink } from '../adapters/email/support';
import type { DbKind } from './databases';
import { startDovecot, type Dovecot } from './dovecot';
import { mailServerEnv, startTestGateway, type TestGateway } from './gateway';

/** The running gateway, its mail servers and the test admin's bearer header. */
export interface MailTestGateway {
  t: TestGateway;
  dovecot: Dovecot;
  smtp: SmtpSink;
  admin: string;
  /** Stops the gateway, its fake citizen app and both mail servers. */
  stop(): Promise<void>;
}

/**
 * Starts Dovecot, an SMTP sink and a gateway on `kind` whose email channel uses both (sending as
 * `mailFrom`, with `env` besides), then signs the test admin in. What started is stopped on a failure.
 */
export async function startMailGateway(kind: DbKind, mailFrom: string, env: Record<string, string> = {}): Promise<MailTestGateway> {
  const dovecot = await startDovecot();
  let smtp: SmtpSink | undefined;
  let t: TestGateway | undefined;
  const stop = async () => {
    await t?.stop();
    await t?.citizenApp.stop();
    await smtp?.close();
    await dovecot.stop();
  };
  try {
    smtp = await startSmtpSink();
    t = await startTestGateway({ kind, env: { ...env, ...mailServerEnv(dovecot, smtp, mailFrom) } });
    return { t, dovecot, smtp, admin: await t.login(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

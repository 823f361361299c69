/**
 * Mail from the gateway to the hotline's partners (agencies), over the same SMTP server and sender as
 * the email channel (SMTP_* and MAIL_FROM). Not a citizen conversation: no threading, no receipts.
 *
 * nodemailer: https://nodemailer.com/smtp/
 */
import type { Config } from '../config';
import { missingSettings } from '../channels/requirements';
import { SmtpLink } from '../channels/kit/smtp-link';

/** One mail to send. */
export interface PlainMail {
  to: string[];
  subject: string;
  text: string;
}

/** Sends plain mails; `send` throws on an SMTP error (`permanent`: a 5xx answer, not worth retrying). */
export interface Mailer {
  send(mail: PlainMail): Promise<void>;
}

/** An SMTP error, with whether a retry could succeed. */
export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** The mailer of a configuration, or null when the email settings are absent. */
export function createMailer(config: Config): Mailer | null {
  if (missingSettings(config, 'email').length > 0) return null;
  const smtp = new SmtpLink({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
    connectionTimeout: 20_000,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const from = config.MAIL_FROM ?? config.IMAP_USER!;
  return {
    async send(mail) {
      try {
        const transport = await smtp.transport();
        await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          // An automatic notice (RFC 3834): auto-responders must not answer it.
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        throw new MailError((err as Error).message, code !== undefined && code >= 500);
      }
    },
  };
}

/** The addresses of a directory email field: one or several, separated by `;`, `,` or spaces. */
export function mailAddresses(field: string | null): string[] {
  return (field ?? '')
    .split(/[;,\s]+/)
    .map((a) => a.trim())
    .filter((a) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a));
}

/**
 * An SMTP transport (nodemailer: https://nodemailer.com/smtp/) built at its first use: nodemailer is
 * loaded then, not at every start of the gateway (most starts never send a mail). The email channel
 * and the agency mailer each build theirs with their own options.
 */
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

/** An SMTP transport as nodemailer builds it. */
export type SmtpTransport = Transporter<SMTPTransport.SentMessageInfo, SMTPTransport.Options>;

export class SmtpLink {
  private made: Promise<SmtpTransport> | null = null;

  constructor(private readonly options: SMTPTransport.Options) {}

  /** The transport (built once). */
  transport(): Promise<SmtpTransport> {
    this.made ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(this.options));
    return this.made;
  }

  /** Closes the transport's pooled connections, if it was built; the next use builds a new one. */
  close(): void {
    const made = this.made;
    this.made = null;
    void made?.then(
      (t) => t.close(),
      () => undefined,
    );
  }
}

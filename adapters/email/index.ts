/**
 * The email channel: an IMAP mailbox read with IDLE (`imap-intake.ts`), parsed into normalized
 * events (`parse.ts`, guarded against mail loops by `loop-guard.ts`), and answered over SMTP
 * (`send.ts`). This file is the only public surface of the folder.
 */
import type {
  AdapterRuntime,
  ChannelAdapter,
  ChannelCapabilities,
  ConnectionCheck,
  InboundEvent,
  OutboundMessage,
  SendResult,
} from '../../src/channels/kit';
import { cursorKey, ImapIntake, verifyImap, type ImapSettings } from './imap-intake';
import { DEFAULT_MAX_ATTACHMENT_BYTES, parseStoredMail, type ParseContext } from './parse';
import { createSmtpLink, parseSender, sendMail, verifySmtp, type SendContext } from './send';
import type { EmailAdapterConfig } from './types';

export type { EmailAdapterConfig } from './types';
export { MAIL_JSON_CONTENT_TYPE } from './types';

/** What mail can carry: long structured texts and files, no buttons (the core renders quick replies as text), no reply window. */
export const EMAIL_CAPABILITIES: ChannelCapabilities = {
  maxTextLength: 100_000,
  quickReplies: null,
  attachments: true,
  replyWindowMs: null,
  operatorReplyWindowMs: null,
  longForm: true,
  threaded: true,
};

/** Creates the email adapter from IMAP_*, SMTP_* and MAIL_FROM settings; throws when MAIL_FROM is not an address. */
export function createEmailAdapter(cfg: EmailAdapterConfig): ChannelAdapter {
  const sender = parseSender(cfg.from);
  const imap: ImapSettings = { ...cfg.imap, mailbox: cfg.imap.mailbox || 'INBOX', pollIntervalMs: cfg.imap.pollIntervalMs ?? 60_000 };
  const maxAttachmentBytes = cfg.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  const ownAddresses = [sender.address, ...(imap.user.includes('@') ? [imap.user] : [])];
  const parseContext: ParseContext = { account: sender.address.toLowerCase(), ownAddresses, maxAttachmentBytes };
  const sendContext: SendContext = {
    smtp: createSmtpLink(cfg.smtp),
    sender,
    receiptLimitPerHour: cfg.receiptLimitPerHour ?? 1,
    runtime: null,
  };
  let intake: { release(): Promise<void> } | null = null;

  return {
    channel: 'email',
    capabilities: EMAIL_CAPABILITIES,

    parse(body: Buffer, contentType: string): InboundEvent[] {
      return parseStoredMail(body, contentType, parseContext);
    },

    send(message: OutboundMessage): Promise<SendResult> {
      return sendMail(sendContext, message);
    },

    async testConnection(): Promise<ConnectionCheck> {
      const [imapCheck, smtpCheck] = await Promise.all([verifyImap(imap), verifySmtp(sendContext.smtp)]);
      return { ok: imapCheck.ok && smtpCheck.ok, detail: `${imapCheck.detail}; ${smtpCheck.detail}` };
    },

    async start(runtime: AdapterRuntime): Promise<void> {
      if (intake) return;
      sendContext.runtime = runtime;
      // One node of a cluster reads the mailbox (the cursor has one writer); another takes over when it dies.
      let reader: ImapIntake | null = null;
      intake = await runtime.exclusive(`imap:${cursorKey(imap)}`, {
        start: async () => {
          reader = new ImapIntake({ imap, runtime, maxAttachmentBytes, auth: cfg.authentication });
          await reader.start();
        },
        stop: async () => {
          const running = reader;
          reader = null;
          if (running) await running.stop();
        },
      });
    },

    async stop(): Promise<void> {
      const running = intake;
      intake = null;
      if (running) await running.release();
      sendContext.smtp.close();
    },
  };
}

/** The contract harness of the citizen-app (e-DongThap) adapter: a fake citizen app behind the registry's EDONGTHAP_* settings. */
import { createHmac } from 'node:crypto';
import type { WebhookRequest } from '../../../src/channels/kit/contract';
import { FakeEdongthap } from '../../fakes/fake-edongthap';
import { errorOf, outboundMessage, type ContractHarness } from '../contract-suite';
import { jsonWebhook } from '../fixtures';

const SECRET = 'contract-edongthap-secret';
const USER_ID = 'edt-user-4821';

/** A webhook request as the citizen app sends it: `X-Signature: sha256=<HMAC of the raw body>`. */
function signedRequest(raw: Buffer, secret = SECRET): WebhookRequest {
  const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return jsonWebhook(raw, { 'x-signature': signature });
}

/** e-DongThap: its contract retries every non-2xx answer, so no failure is permanent. */
export const edongthapContractHarness: ContractHarness = {
  env: { EDONGTHAP_SECRET: SECRET },
  refusalsArePermanent: false,
  async start(build) {
    const app = new FakeEdongthap(SECRET);
    const adapter = build({ EDONGTHAP_CALLBACK_URL: await app.start() });
    const raw = Buffer.from(
      JSON.stringify({
        id: 'edt-msg-1',
        userId: USER_ID,
        name: 'Võ Thị Lan',
        phone: '0918123456',
        text: 'Cho hỏi thủ tục đăng ký kết hôn',
        attachments: [],
        timestamp: 1767577200000,
      }),
    );
    return {
      adapter,
      messageBody: () => raw,
      signedRequest: () => signedRequest(raw),
      badlySignedRequest: () => signedRequest(raw, 'not-the-secret'),
      unknownEventBody: () =>
        Buffer.from(JSON.stringify({ id: 'edt-typing-1', userId: USER_ID, event: 'typing', timestamp: 1767577200000 })),
      malformedBody: () => Buffer.from('{"id": "edt-'),
      outbound: (o) => outboundMessage('edongthap', USER_ID, o),
      lastDelivered: () => {
        const last = app.received.at(-1)!;
        return { text: last.text, quickReplyTitles: last.quickReplies };
      },
      async sendWithProviderFailure(kind) {
        app.failures = [{ status: kind === 'transient' ? 503 : 410 }];
        return errorOf(adapter.send(outboundMessage('edongthap', USER_ID)));
      },
      async close() {
        expect(app.violations).toEqual([]);
        await app.stop();
      },
    };
  },
};

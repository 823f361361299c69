/** The contract harness of the live-chat adapter: the registry's adapter on a test HTTP server, a socket.io client as the widget. */
import type { WireMessage } from '../../../adapters/livechat/protocol';
import { errorOf, outboundMessage, type ContractHarness } from '../contract-suite';
import { connect, IDENTITY_SECRET, startGateway } from './harness';

/** Live chat: a visitor id the channel never issued is refused for good; a stopped server is retried. */
export const livechatContractHarness: ContractHarness = {
  env: { LIVECHAT_ENABLED: 'true', SESSION_SECRET: 'session-secret-for-tests', LIVECHAT_IDENTITY_SECRET: IDENTITY_SECRET },
  refusalsArePermanent: true,
  async start(build) {
    const gw = await startGateway({ makeAdapter: (url) => build({ PUBLIC_BASE_URL: url }) });
    let widget = await connect(gw.url);
    const visitorId = widget.session.visitorId;
    let last: WireMessage | null = null;
    const frame = (o: object) =>
      Buffer.from(
        JSON.stringify({ v: 1, visitorId, clientId: 'c1', text: '', attachments: [], verified: false, receivedAt: Date.now(), ...o }),
      );
    return {
      // send() resolves once socket.io has the frame; the suite reads what was delivered right after, so wait for the widget to get it.
      adapter: {
        ...gw.adapter,
        async send(message) {
          const got = widget.next<WireMessage>('message');
          const result = await gw.adapter.send(message);
          last = await got;
          return result;
        },
      },
      messageBody: () => frame({ kind: 'message', text: 'Cho em hỏi thủ tục làm căn cước ạ' }),
      unknownEventBody: () => frame({ kind: 'reaction', emoji: '👍' }),
      malformedBody: () => Buffer.from('{"kind":'),
      outbound: (o) => outboundMessage('livechat', visitorId, o),
      lastDelivered: () => ({ text: last?.text ?? '', quickReplyTitles: (last?.quickReplies ?? []).map((q) => q.title) }),
      async sendWithProviderFailure(kind) {
        if (kind === 'refusal') {
          // Not a visitor id this channel ever issued: no retry can deliver it.
          return errorOf(gw.adapter.send(outboundMessage('livechat', 'someone@example.vn')));
        }
        // Stopped (a deploy in progress): the dispatcher retries later.
        await gw.adapter.stop!();
        try {
          return await errorOf(gw.adapter.send(outboundMessage('livechat', visitorId)));
        } finally {
          // Back up; the server closed the widget's socket on stop, so it comes back with its session token.
          await gw.adapter.start!(gw.runtime);
          widget.socket.disconnect();
          widget = await connect(gw.url, { token: widget.session.token });
          expect(widget.session.visitorId).toBe(visitorId);
        }
      },
      async close() {
        widget.socket.disconnect();
        await gw.close();
      },
    };
  },
};

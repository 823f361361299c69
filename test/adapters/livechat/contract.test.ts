/** The shared adapter contract suite against the live-chat adapter, with a socket.io client as the widget. */
import type { WireMessage } from '../../../adapters/livechat/protocol';
import { outboundMessage, runAdapterContractSuite } from '../contract-suite';
import { connect, startGateway } from './harness';

runAdapterContractSuite('livechat', async () => {
  const gw = await startGateway();
  const widget = await connect(gw.url);
  const visitorId = widget.session.visitorId;
  let last: WireMessage | null = null;
  const frame = (o: object) => Buffer.from(JSON.stringify({ v: 1, visitorId, clientId: 'c1', text: '', attachments: [], verified: false, receivedAt: Date.now(), ...o }));
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
    unknownEventBody: () => frame({ kind: 'reaction', emoji: '👍' }),
    malformedBody: () => Buffer.from('{"kind":'),
    outbound: (o) => outboundMessage('livechat', visitorId, o),
    lastDelivered: () => ({ text: last?.text ?? '', quickReplyTitles: (last?.quickReplies ?? []).map((q) => q.title) }),
    async sendWithProviderFailure(kind) {
      const fail = (err: unknown) => err;
      if (kind === 'permanent') {
        // Not a visitor id this channel ever issued: no retry can deliver it.
        return gw.adapter.send(outboundMessage('livechat', 'someone@example.vn')).then(() => undefined, fail);
      }
      // Stopped (a deploy in progress): the dispatcher retries later.
      await gw.adapter.stop!();
      try {
        return await gw.adapter.send(outboundMessage('livechat', visitorId)).then(() => undefined, fail);
      } finally {
        await gw.adapter.start!(gw.runtime);
      }
    },
    async close() {
      widget.socket.disconnect();
      await gw.close();
    },
  };
});

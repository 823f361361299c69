import { createFacebookAdapter } from '../../../adapters/facebook';
import { graphError, startFakeGraph } from '../../fakes/fake-graph';
import { outboundMessage, runAdapterContractSuite } from '../contract-suite';
import { APP_ID, APP_SECRET, PAGE_TOKEN, PSID, VERIFY_TOKEN, VERSION, fixture, hubSignature, signedRequest } from './support';

runAdapterContractSuite('facebook', async () => {
  const fake = await startFakeGraph({ pageAccessToken: PAGE_TOKEN, version: VERSION });
  const adapter = createFacebookAdapter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, pageAccessToken: PAGE_TOKEN, graphBase: fake.graphBase, graphVersion: VERSION, appId: APP_ID });
  const raw = fixture('text');
  return {
    adapter,
    validRequest: () => signedRequest(raw),
    invalidSignatureRequest: () => signedRequest(raw, hubSignature(raw, 'wrong-secret')),
    unknownEventBody: () => fixture('reaction'),
    malformedBody: () => Buffer.from('{"object":"page","entry":[{'),
    outbound: (o) => outboundMessage('facebook', PSID, o),
    lastDelivered: () => {
      const last = fake.calls('/me/messages').at(-1)!.json.message;
      return { text: last.text ?? '', quickReplyTitles: (last.quick_replies ?? []).map((q: { title: string }) => q.title) };
    },
    async sendWithProviderFailure(kind) {
      fake.failNext('/me/messages', kind === 'retryable' ? graphError(613, 'Calls to this api have exceeded the rate limit.') : graphError(551, "This person isn't available right now."));
      return adapter.send(outboundMessage('facebook', PSID)).then(
        () => undefined,
        (err: unknown) => err,
      );
    },
    async close() {
      expect(fake.violations).toEqual([]);
      await fake.close();
    },
  };
});

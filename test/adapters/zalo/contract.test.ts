import { createZaloAdapter } from '../../../adapters/zalo';
import { startFakeZalo } from '../../fakes/fake-zalo';
import { MemoryAdapterState, memoryRuntime, outboundMessage, runAdapterContractSuite } from '../contract-suite';
import { APP_ID, APP_SECRET, OA_SECRET_KEY, USER_ID, fixture, signedRequest, zaloMac } from './support';

runAdapterContractSuite('zalo', async () => {
  const fake = await startFakeZalo({ appId: APP_ID, appSecret: APP_SECRET, accessToken: 'at-0', refreshToken: 'rt-0' });
  const adapter = createZaloAdapter({
    appId: APP_ID,
    appSecret: APP_SECRET,
    oaSecretKey: OA_SECRET_KEY,
    accessToken: 'at-0',
    refreshToken: 'rt-0',
    apiBase: fake.apiBase,
    oauthBase: fake.oauthBase,
  });
  await adapter.start!(memoryRuntime(new MemoryAdapterState()));
  const raw = fixture('user_send_text');
  return {
    adapter,
    validRequest: () => signedRequest(raw),
    invalidSignatureRequest: () => signedRequest(raw, zaloMac(raw, APP_ID, '1735693200123', 'not-the-oa-secret')),
    unknownEventBody: () => fixture('unknown_event'),
    malformedBody: () => Buffer.from('<html>502 Bad Gateway</html>'),
    outbound: (o) => outboundMessage('zalo', USER_ID, o),
    lastDelivered: () => {
      const last = fake.calls('/v3.0/oa/message/cs').at(-1)!;
      return { text: last.json.message.text ?? '', quickReplyTitles: [] };
    },
    async sendWithProviderFailure(kind) {
      fake.failNext('/v3.0/oa/message/cs', kind === 'retryable' ? { json: { error: -32, message: 'Rate limit exceeded' } } : { json: { error: -230, message: 'User has not interacted with the OA in the past 7 days' } });
      return adapter.send(outboundMessage('zalo', USER_ID)).then(
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

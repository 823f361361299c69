/** The contract harness of the Zalo OA adapter: a fake Zalo OA API behind the registry's ZALO_* settings. */
import { startFakeZalo } from '../../fakes/fake-zalo';
import { errorOf, MemoryAdapterState, memoryRuntime, outboundMessage, type ContractHarness } from '../contract-suite';
import { APP_ID, APP_SECRET, OA_SECRET_KEY, USER_ID, fixture, signedRequest, zaloMac } from './support';

const CS_PATH = '/v3.0/oa/message/cs';

/** Zalo: refusals (no interaction in the window, blocked OA) are permanent. */
export const zaloContractHarness: ContractHarness = {
  env: {
    ZALO_APP_ID: APP_ID,
    ZALO_APP_SECRET: APP_SECRET,
    ZALO_OA_SECRET_KEY: OA_SECRET_KEY,
    ZALO_ACCESS_TOKEN: 'at-0',
    ZALO_REFRESH_TOKEN: 'rt-0',
  },
  refusalsArePermanent: true,
  async start(build) {
    const fake = await startFakeZalo({ appId: APP_ID, appSecret: APP_SECRET, accessToken: 'at-0', refreshToken: 'rt-0' });
    const adapter = build({ ZALO_API_BASE: fake.apiBase, ZALO_OAUTH_BASE: fake.oauthBase });
    await adapter.start!(memoryRuntime(new MemoryAdapterState()));
    const raw = fixture('user_send_text');
    return {
      adapter,
      messageBody: () => raw,
      signedRequest: () => signedRequest(raw),
      badlySignedRequest: () => signedRequest(raw, zaloMac(raw, APP_ID, '1735693200123', 'not-the-oa-secret')),
      unknownEventBody: () => fixture('unknown_event'),
      malformedBody: () => Buffer.from('<html>502 Bad Gateway</html>'),
      outbound: (o) => outboundMessage('zalo', USER_ID, o),
      lastDelivered: () => ({ text: fake.calls(CS_PATH).at(-1)!.json.message.text ?? '', quickReplyTitles: [] }),
      async sendWithProviderFailure(kind) {
        fake.failNext(
          CS_PATH,
          kind === 'transient'
            ? { json: { error: -32, message: 'Rate limit exceeded' } }
            : { json: { error: -230, message: 'User has not interacted with the OA in the past 7 days' } },
        );
        return errorOf(adapter.send(outboundMessage('zalo', USER_ID)));
      },
      async close() {
        expect(fake.violations).toEqual([]);
        await fake.close();
      },
    };
  },
};

/** The contract harness of the Zalo OA adapter: a fake Zalo OA API behind the registry's ZALO_* settings. */
import { startFakeZalo } from '../../fakes/fake-zalo';
import { zaloSettings } from '../../support/provider-settings';
import { MemoryAdapterState, memoryRuntime, outboundMessage, scriptedFailures, type ContractHarness } from '../contract-suite';
import { APP_ID, USER_ID, ZALO_CONFIG, fixture, signedRequest, zaloMac } from './support';

const CS_PATH = '/v3.0/oa/message/cs';

/** Zalo: refusals (no interaction in the window, blocked OA) are permanent. */
export const zaloContractHarness: ContractHarness = {
  env: zaloSettings(ZALO_CONFIG),
  refusalsArePermanent: true,
  async start(build) {
    const fake = await startFakeZalo(ZALO_CONFIG);
    const adapter = build(zaloSettings(ZALO_CONFIG, fake));
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
      ...scriptedFailures(
        fake,
        CS_PATH,
        {
          transient: { json: { error: -32, message: 'Rate limit exceeded' } },
          refusal: { json: { error: -230, message: 'User has not interacted with the OA in the past 7 days' } },
        },
        () => adapter.send(outboundMessage('zalo', USER_ID)),
      ),
    };
  },
};

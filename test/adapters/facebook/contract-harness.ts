/** The contract harness of the Messenger adapter: a fake Graph API behind the registry's FB_* settings. */
import { graphError, startFakeGraph } from '../../fakes/fake-graph';
import { facebookSettings } from '../../support/provider-settings';
import { outboundMessage, scriptedFailures, type ContractHarness } from '../contract-suite';
import { APP_ID, FB_CREDENTIALS, PAGE_TOKEN, PSID, VERSION, fixture, hubSignature, signedRequest } from './support';

const SEND_PATH = '/me/messages';
const PAGE = { ...FB_CREDENTIALS, appId: APP_ID, graphVersion: VERSION };

/** Messenger: refusals (person unavailable, window closed) are permanent. */
export const facebookContractHarness: ContractHarness = {
  env: facebookSettings(PAGE),
  refusalsArePermanent: true,
  async start(build) {
    const fake = await startFakeGraph({ pageAccessToken: PAGE_TOKEN, version: VERSION });
    const adapter = build(facebookSettings(PAGE, fake));
    const raw = fixture('text');
    return {
      adapter,
      messageBody: () => raw,
      signedRequest: () => signedRequest(raw),
      badlySignedRequest: () => signedRequest(raw, hubSignature(raw, 'wrong-secret')),
      unknownEventBody: () => fixture('reaction'),
      malformedBody: () => Buffer.from('{"object":"page","entry":[{'),
      outbound: (o) => outboundMessage('facebook', PSID, o),
      lastDelivered: () => {
        const last = fake.calls(SEND_PATH).at(-1)!.json.message;
        return { text: last.text ?? '', quickReplyTitles: (last.quick_replies ?? []).map((q: { title: string }) => q.title) };
      },
      ...scriptedFailures(
        fake,
        SEND_PATH,
        {
          transient: graphError(613, 'Calls to this api have exceeded the rate limit.'),
          refusal: graphError(551, "This person isn't available right now."),
        },
        () => adapter.send(outboundMessage('facebook', PSID)),
      ),
    };
  },
};

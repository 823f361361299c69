/** The contract harness of the Messenger adapter: a fake Graph API behind the registry's FB_* settings. */
import { graphError, startFakeGraph } from '../../fakes/fake-graph';
import { errorOf, outboundMessage, type ContractHarness } from '../contract-suite';
import { APP_ID, APP_SECRET, PAGE_TOKEN, PSID, VERIFY_TOKEN, VERSION, fixture, hubSignature, signedRequest } from './support';

const SEND_PATH = '/me/messages';

/** Messenger: refusals (person unavailable, window closed) are permanent. */
export const facebookContractHarness: ContractHarness = {
  env: {
    FB_APP_ID: APP_ID,
    FB_APP_SECRET: APP_SECRET,
    FB_VERIFY_TOKEN: VERIFY_TOKEN,
    FB_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
    FB_GRAPH_VERSION: VERSION,
  },
  refusalsArePermanent: true,
  async start(build) {
    const fake = await startFakeGraph({ pageAccessToken: PAGE_TOKEN, version: VERSION });
    const adapter = build({ FB_GRAPH_BASE: fake.graphBase });
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
      async sendWithProviderFailure(kind) {
        fake.failNext(
          SEND_PATH,
          kind === 'transient'
            ? graphError(613, 'Calls to this api have exceeded the rate limit.')
            : graphError(551, "This person isn't available right now."),
        );
        return errorOf(adapter.send(outboundMessage('facebook', PSID)));
      },
      async close() {
        expect(fake.violations).toEqual([]);
        await fake.close();
      },
    };
  },
};

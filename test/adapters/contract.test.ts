/**
 * The channel contract suite on every adapter the registry builds, e-DongThap included: the test
 * settings enable every channel, and each channel's harness points it at a fake provider. The
 * adapters are built through `createChannelRegistry`, as the gateway builds them.
 */
import { createChannelRegistry } from '../../src/channels/registry';
import type { ChannelAdapter, ChannelName } from '../../src/channels/kit/contract';
import { loadConfig } from '../../src/config';
import { runAdapterContractSuite, type ContractHarness } from './contract-suite';
import { edongthapContractHarness } from './edongthap/contract-harness';
import { emailContractHarness } from './email/contract-harness';
import { facebookContractHarness } from './facebook/contract-harness';
import { livechatContractHarness } from './livechat/contract-harness';
import { zaloContractHarness } from './zalo/contract-harness';

const HARNESSES: Partial<Record<ChannelName, ContractHarness>> = {
  edongthap: edongthapContractHarness,
  zalo: zaloContractHarness,
  facebook: facebookContractHarness,
  email: emailContractHarness,
  livechat: livechatContractHarness,
};

// Addresses of providers are only known once the fakes run: until then, a port nothing listens on.
const NOWHERE = 'http://127.0.0.1:9';
const SETTINGS: Record<string, string> = {
  EDONGTHAP_CALLBACK_URL: `${NOWHERE}/callback`,
  ZALO_API_BASE: NOWHERE,
  ZALO_OAUTH_BASE: NOWHERE,
  FB_GRAPH_BASE: NOWHERE,
  IMAP_PORT: '9',
  SMTP_PORT: '9',
  PUBLIC_BASE_URL: NOWHERE,
  ...Object.assign({}, ...Object.values(HARNESSES).map((h) => h.env)),
};

/** The registry built from the test settings plus `env`. */
const registryWith = (env: Record<string, string> = {}) => createChannelRegistry(loadConfig({ ...SETTINGS, ...env }));

// What the registry declares decides, now, which parts of the suite apply to each adapter.
const declared = registryWith();

describe('adapter contract: the registry', () => {
  test('the test settings enable every channel, and every channel has a contract harness', () => {
    expect(declared.disabled).toEqual([]);
    expect([...declared.registry.keys()].sort()).toEqual(Object.keys(HARNESSES).sort());
  });
});

for (const [name, adapter] of declared.registry) {
  const build = (env: Record<string, string>): ChannelAdapter => registryWith(env).registry.get(name)!;
  runAdapterContractSuite(adapter, HARNESSES[name]!, build);
}

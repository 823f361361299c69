/**
 * Which settings turn each channel on: the registry enables a channel when none is missing, and the
 * console's channel page names the missing ones (names only, never values).
 */
import { EMAIL_REQUIRED, type Config } from '../config';
import { CHANNEL_LABELS, codesOf } from '../wire/labels';
import type { ChannelName } from './kit/contract';

/** Every channel, in the order the console lists them (that of its labels). */
export const CHANNELS: readonly ChannelName[] = codesOf(CHANNEL_LABELS);

/** The settings a channel needs, all of them (live chat and phone need none). */
const REQUIRED_SETTINGS: Record<ChannelName, readonly (keyof Config)[]> = {
  zalo: ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_ACCESS_TOKEN', 'ZALO_REFRESH_TOKEN'],
  facebook: ['FB_APP_SECRET', 'FB_VERIFY_TOKEN', 'FB_PAGE_ACCESS_TOKEN'],
  email: EMAIL_REQUIRED,
  livechat: [],
  edongthap: ['EDONGTHAP_SECRET', 'EDONGTHAP_CALLBACK_URL'],
  phone: [],
};

/** The required settings of `channel` that are unset (plus `LIVECHAT_ENABLED` when live chat is switched off). */
export function missingSettings(config: Config, channel: ChannelName): string[] {
  const missing: string[] = REQUIRED_SETTINGS[channel].filter((k) => !config[k]);
  if (channel === 'livechat' && !config.LIVECHAT_ENABLED) missing.push('LIVECHAT_ENABLED');
  return missing;
}

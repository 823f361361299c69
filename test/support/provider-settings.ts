/** The gateway settings (environment) that enable the Zalo and Messenger channels, from their adapter configurations. */
import type { FacebookConfig } from '../../adapters/facebook';
import type { ZaloConfig } from '../../adapters/zalo';

/** ZALO_* settings for `cfg`, pointed at a fake Zalo when one is given. */
export function zaloSettings(cfg: ZaloConfig, fake?: { apiBase: string; oauthBase: string }): Record<string, string> {
  return {
    ZALO_APP_ID: cfg.appId,
    ZALO_APP_SECRET: cfg.appSecret,
    ZALO_OA_SECRET_KEY: cfg.oaSecretKey,
    ZALO_ACCESS_TOKEN: cfg.accessToken,
    ZALO_REFRESH_TOKEN: cfg.refreshToken,
    ...(fake && { ZALO_API_BASE: fake.apiBase, ZALO_OAUTH_BASE: fake.oauthBase }),
  };
}

/** FB_* settings for `cfg` (app id and Graph version when it has them), pointed at a fake Graph API when one is given. */
export function facebookSettings(cfg: FacebookConfig, fake?: { graphBase: string }): Record<string, string> {
  return {
    FB_APP_SECRET: cfg.appSecret,
    FB_VERIFY_TOKEN: cfg.verifyToken,
    FB_PAGE_ACCESS_TOKEN: cfg.pageAccessToken,
    ...(cfg.appId && { FB_APP_ID: cfg.appId }),
    ...(cfg.graphVersion && { FB_GRAPH_VERSION: cfg.graphVersion }),
    ...(fake && { FB_GRAPH_BASE: fake.graphBase }),
  };
}

/** The Zalo OA app of the pipeline tests (its OA id is 2974318543902785381). */
export const PIPELINE_ZALO: ZaloConfig = {
  appId: '1839120465573816298',
  appSecret: 'zalo-app-secret',
  oaSecretKey: 'oa-secret-key',
  accessToken: 'at-1',
  refreshToken: 'rt-1',
};

/** The Messenger Page of the pipeline tests (its id is 104857623518279). */
export const PIPELINE_FACEBOOK = {
  appSecret: 'fb-app-secret',
  verifyToken: 'verify-me',
  pageAccessToken: 'page-token-1',
  graphVersion: 'v21.0',
} satisfies FacebookConfig;

/**
 * Zalo error codes → `ChannelApiError`, in one place.
 *
 * Zalo answers API errors with HTTP 200 and a negative `error` field. The code list comes from
 * a secondary source (Zalo section of docs/channels.md, UNVERIFIED against developers.zalo.me):
 * unknown negative codes are permanent so they surface to operators instead of looping.
 */
import { ChannelApiError } from '../../src/channels/kit';

/** Codes meaning the access token is invalid or expired (-220 is UNVERIFIED, treated the same). */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([-216, -220]);

/** Codes of OAuth v4 meaning the refresh token was already redeemed or expired (sources disagree). */
export const REFRESH_TOKEN_DEAD_CODES: ReadonlySet<number> = new Set([-14014, -14020]);

const KNOWN: Record<number, { code: string; retryable: boolean; hint: string }> = {
  [-32]: { code: 'rate_limited', retryable: true, hint: 'rate limit exceeded' },
  [-201]: { code: 'invalid_request', retryable: false, hint: 'invalid parameter' },
  [-204]: { code: 'oa_unavailable', retryable: false, hint: 'OA disabled' },
  [-205]: { code: 'oa_unavailable', retryable: false, hint: 'OA does not exist' },
  [-211]: { code: 'quota_exceeded', retryable: false, hint: 'out of message quota' },
  [-213]: { code: 'user_not_following', retryable: false, hint: 'user has not followed the OA' },
  [-216]: { code: 'token_invalid', retryable: false, hint: 'access token invalid or expired' },
  [-220]: { code: 'token_invalid', retryable: false, hint: 'access token expired' },
  [-224]: { code: 'oa_tier_required', retryable: false, hint: 'OA package/tier does not allow this' },
  [-227]: { code: 'user_unavailable', retryable: false, hint: 'user banned or inactive for more than 45 days' },
  [-230]: { code: 'window_closed', retryable: false, hint: 'user has not interacted with the OA recently' },
  [-232]: { code: 'window_closed', retryable: false, hint: 'no interaction / interaction expired' },
  [-240]: { code: 'api_retired', retryable: false, hint: 'v2 message API no longer supported' },
  [-244]: { code: 'user_blocked', retryable: false, hint: 'user restricted this kind of message' },
  [-320]: { code: 'billing', retryable: false, hint: 'Zalo Cloud Account (billing) problem' },
  [-321]: { code: 'billing', retryable: false, hint: 'Zalo Cloud Account (billing) problem' },
};

/** Maps a negative Zalo `error` (HTTP 200) to a `ChannelApiError`. */
export function zaloApiError(error: number, message: string | undefined, status = 200): ChannelApiError {
  const known = KNOWN[error];
  return new ChannelApiError({
    channel: 'zalo',
    status,
    code: known?.code ?? `zalo_${error}`,
    retryable: known?.retryable ?? false,
    message: `Zalo error ${error}: ${message ?? known?.hint ?? 'unknown error'}`,
  });
}

/** Maps a failed OAuth v4 token refresh; a dead refresh token needs a new authorization in the OA dashboard. */
export function zaloOAuthError(error: number | undefined, description: string | undefined, status: number): ChannelApiError {
  if (error !== undefined && REFRESH_TOKEN_DEAD_CODES.has(error)) {
    return new ChannelApiError({
      channel: 'zalo',
      status,
      code: 'refresh_token_invalid',
      retryable: false,
      message:
        `Zalo refresh token rejected (${error}: ${description ?? 'already used or expired'}); ` +
        'authorize the OA again and set ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN',
    });
  }
  return new ChannelApiError({
    channel: 'zalo',
    status,
    code: error !== undefined ? `oauth_${error}` : `oauth_http_${status}`,
    retryable: false,
    message: `Zalo token refresh failed (${error ?? status}): ${description ?? 'no access token in answer'}`,
  });
}

/** True when the error means "refresh the access token and try again". */
export function isTokenError(err: unknown): boolean {
  return err instanceof ChannelApiError && err.channel === 'zalo' && err.code === 'token_invalid';
}

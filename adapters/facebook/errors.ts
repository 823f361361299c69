/**
 * Graph API errors → `ChannelApiError`, in one place.
 * Docs: https://developers.facebook.com/docs/messenger-platform/error-codes
 */
import { ChannelApiError, parseRetryAfter } from '../../src/channels/kit';
import type { FbGraphError } from './types';

/** Subcodes of code 10 meaning "outside the allowed messaging window" (2534022 from secondary sources). */
const WINDOW_SUBCODES = new Set([2018278, 2534022]);

/** Maps a non-2xx Graph answer to a retryable or permanent `ChannelApiError`. */
export function graphApiError(status: number, body: unknown, retryAfter?: string | null): ChannelApiError {
  const e = (body as FbGraphError | null)?.error ?? {};
  const code = typeof e.code === 'number' ? e.code : null;
  const sub = typeof e.error_subcode === 'number' ? e.error_subcode : null;
  const detail = `${e.message ?? `HTTP ${status}`} (code ${code ?? '?'}${sub !== null ? `/${sub}` : ''}${e.fbtrace_id ? `, fbtrace ${e.fbtrace_id}` : ''})`;
  const make = (label: string, retryable: boolean, message = `Facebook: ${detail}`) =>
    new ChannelApiError({
      channel: 'facebook',
      status,
      code: label,
      retryable,
      message,
      retryAfterMs: retryable ? parseRetryAfter(retryAfter) : null,
    });

  // Usually code 10; matched on the subcode alone because it is specific enough.
  if (sub !== null && WINDOW_SUBCODES.has(sub)) return make('window_closed', false);
  if (code === 551) return make('user_unavailable', false);
  if (code === 190) {
    return make(
      'token_invalid',
      false,
      `Facebook Page access token is invalid or expired: generate a new Page token and set FB_PAGE_ACCESS_TOKEN. ${detail}`,
    );
  }
  if (code === 4 || code === 32 || code === 613) return make('rate_limited', true);
  if (code === 1 || code === 2 || e.is_transient === true) return make('transient', true);
  if (code === 10 || (code !== null && code >= 200 && code < 300)) return make('permission_denied', false);
  if (code === 100) return make('invalid_request', false);
  return make(code !== null ? `graph_${code}` : `http_${status}`, false);
}

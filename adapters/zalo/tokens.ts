/**
 * Zalo OA token lifecycle (OAuth v4).
 *
 * The access token lives ~25 h; the refresh token ~3 months and is SINGLE-USE: each refresh
 * returns a new pair and voids the old refresh token. Two refreshes racing with the same
 * refresh token would leave one caller with a dead token and, if the wrong pair were kept,
 * lock the gateway out until someone re-authorizes the OA. Hence:
 * - one refresh at a time in this process (a shared promise),
 * - across processes, `state.update` runs under an exclusive lock and we skip the call when the
 *   stored access token already differs from the one that failed (someone else refreshed),
 * - the new pair is stored by `state.update` BEFORE it is used.
 * Before `attach` (no state to persist to) we never refresh: burning a single-use refresh token
 * without storing its successor would be unrecoverable.
 */
import { ChannelApiError, sha256Hex, type AdapterLogger, type AdapterState } from '../../src/channels/kit';
import type { ZaloClient } from './client';
import { isTokenError } from './errors';
import type { ZaloTokens } from './types';

/** Adapter-state key of the token pair. */
export const TOKENS_KEY = 'zalo:tokens';

/** Refresh this long before the access token expires (default: 5 minutes). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Holds the current token pair and refreshes it safely. */
export class ZaloTokenManager {
  private tokens: ZaloTokens;
  private readonly seed: string;
  private state: AdapterState | null = null;
  private log: AdapterLogger | null = null;
  private refreshing: Promise<ZaloTokens> | null = null;

  constructor(
    private readonly client: Pick<ZaloClient, 'refreshAccessToken'>,
    configured: { accessToken: string; refreshToken: string },
    private readonly now: () => number = Date.now,
  ) {
    this.seed = sha256Hex(configured.refreshToken);
    this.tokens = { accessToken: configured.accessToken, refreshToken: configured.refreshToken, expiresAt: null, seed: this.seed };
  }

  /**
   * Connects to persistent state: stored tokens win over configured ones, unless the configured
   * refresh token changed since they were stored (the OA was authorized again).
   */
  async attach(state: AdapterState, log?: AdapterLogger): Promise<void> {
    this.state = state;
    this.log = log ?? null;
    const configured = this.tokens;
    this.tokens = await state.update<ZaloTokens>(TOKENS_KEY, async (current) =>
      current && current.seed === this.seed && current.accessToken && current.refreshToken ? current : configured,
    );
  }

  /** The access token to use now, refreshed first when it is about to expire. */
  async accessToken(): Promise<string> {
    const t = this.tokens;
    if (t.expiresAt !== null && this.now() >= t.expiresAt - REFRESH_MARGIN_MS && this.state) {
      return this.refresh(t.accessToken);
    }
    return t.accessToken;
  }

  /** Runs `fn` with a valid access token; on "token invalid" (-216) refreshes once and retries once. */
  async withToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken();
    try {
      return await fn(token);
    } catch (err) {
      if (!isTokenError(err)) throw err;
      const fresh = await this.refresh(token);
      return fn(fresh);
    }
  }

  /** Replaces `stale` with a new access token; concurrent callers share one refresh. */
  async refresh(stale: string): Promise<string> {
    if (this.tokens.accessToken !== stale) return this.tokens.accessToken;
    if (!this.refreshing) {
      this.refreshing = this.doRefresh(stale).finally(() => {
        this.refreshing = null;
      });
    }
    return (await this.refreshing).accessToken;
  }

  private async doRefresh(stale: string): Promise<ZaloTokens> {
    const state = this.state;
    if (!state) {
      throw new ChannelApiError({
        channel: 'zalo',
        code: 'token_refresh_unavailable',
        retryable: true,
        message: 'Zalo access token needs a refresh, but the adapter is not started (no state to store the new single-use pair)',
      });
    }
    const fallback = this.tokens;
    const next = await state.update<ZaloTokens>(TOKENS_KEY, async (current) => {
      const cur = current && current.seed === this.seed ? current : fallback;
      // Another process already refreshed while we waited for the lock: use its pair.
      if (cur.accessToken !== stale) return cur;
      const grant = await this.client.refreshAccessToken(cur.refreshToken);
      return {
        accessToken: grant.accessToken,
        refreshToken: grant.refreshToken,
        expiresAt: grant.expiresInSec !== null ? this.now() + grant.expiresInSec * 1000 : null,
        seed: this.seed,
      };
    });
    this.tokens = next;
    this.log?.info({ channel: 'zalo', expiresAt: next.expiresAt }, 'zalo access token refreshed');
    return next;
  }
}

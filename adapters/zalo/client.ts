/**
 * Typed HTTP client of the Zalo OA API (v2.0/v3.0) and OAuth v4: one method per endpoint.
 * Base URLs are configurable so tests point it at a local fake. The OA API authenticates with
 * a custom `access_token` header (not `Authorization: Bearer`); OAuth calls use `secret_key`.
 */
import { ChannelApiError, callProvider, parseJsonKeepingBigInts, type ProviderResponse } from '../../src/channels/kit';
import { zaloApiError, zaloOAuthError } from './errors';
import type {
  ZaloApiResponse,
  ZaloCsMessageBody,
  ZaloOaInfo,
  ZaloSendData,
  ZaloTokenResponse,
  ZaloUploadFileData,
  ZaloUploadImageData,
  ZaloUserDetail,
} from './types';

/** Options of `ZaloClient`. */
export interface ZaloClientOptions {
  appId: string;
  appSecret: string;
  /** default: https://openapi.zalo.me */
  apiBase: string;
  /** default: https://oauth.zaloapp.com */
  oauthBase: string;
  /** Per-call timeout, ms (default: 10000). */
  timeoutMs?: number;
}

/** A file to upload. */
export interface ZaloUpload {
  data: Buffer;
  name: string;
  mimeType: string;
}

/** A freshly issued token pair. */
export interface ZaloTokenGrant {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of the access token, seconds (Zalo: 90000 = 25 h). */
  expiresInSec: number | null;
}

/** Zalo OA + OAuth v4 client. Methods throw `ChannelApiError` (network/5xx/429 retryable; Zalo codes mapped). */
export class ZaloClient {
  private readonly apiBase: string;
  private readonly oauthBase: string;

  constructor(private readonly opts: ZaloClientOptions) {
    this.apiBase = opts.apiBase.replace(/\/+$/, '');
    this.oauthBase = opts.oauthBase.replace(/\/+$/, '');
  }

  /** POST /v3.0/oa/message/cs: a customer-service ("tư vấn") message. */
  async sendCsMessage(accessToken: string, body: ZaloCsMessageBody): Promise<ZaloSendData> {
    const res = await this.call({
      method: 'POST',
      url: `${this.apiBase}/v3.0/oa/message/cs`,
      headers: { access_token: accessToken },
      body,
    });
    return this.unwrap<ZaloSendData>(res);
  }

  /** POST /v2.0/oa/upload/image (multipart field `file`) → attachment id. */
  async uploadImage(accessToken: string, file: ZaloUpload): Promise<string> {
    const data = await this.upload<ZaloUploadImageData>(accessToken, '/v2.0/oa/upload/image', file);
    return data.attachment_id;
  }

  /** POST /v2.0/oa/upload/file (multipart field `file`) → file token. */
  async uploadFile(accessToken: string, file: ZaloUpload): Promise<string> {
    const data = await this.upload<ZaloUploadFileData>(accessToken, '/v2.0/oa/upload/file', file);
    return data.token;
  }

  /** GET /v3.0/oa/user/detail?data={"user_id":…}: the follower's profile. */
  async getUserDetail(accessToken: string, userId: string): Promise<ZaloUserDetail> {
    const data = encodeURIComponent(JSON.stringify({ user_id: userId }));
    const res = await this.call({
      method: 'GET',
      url: `${this.apiBase}/v3.0/oa/user/detail?data=${data}`,
      headers: { access_token: accessToken },
    });
    return this.unwrap<ZaloUserDetail>(res);
  }

  /** GET /v2.0/oa/getoa: the OA's own profile (cheap credential check). */
  async getOaInfo(accessToken: string): Promise<ZaloOaInfo> {
    const res = await this.call({
      method: 'GET',
      url: `${this.apiBase}/v2.0/oa/getoa`,
      headers: { access_token: accessToken },
    });
    return this.unwrap<ZaloOaInfo>(res);
  }

  /** POST /v4/oa/access_token (grant_type=refresh_token): redeems a single-use refresh token for a new pair. */
  async refreshAccessToken(refreshToken: string): Promise<ZaloTokenGrant> {
    const form = new URLSearchParams({
      refresh_token: refreshToken,
      app_id: this.opts.appId,
      grant_type: 'refresh_token',
    });
    const res = await this.call({
      method: 'POST',
      url: `${this.oauthBase}/v4/oa/access_token`,
      headers: { secret_key: this.opts.appSecret, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const json = (res.json ?? {}) as ZaloTokenResponse;
    if (res.status >= 300 || !json.access_token || !json.refresh_token) {
      const code = typeof json.error === 'number' ? json.error : json.error !== undefined ? Number(json.error) : undefined;
      throw zaloOAuthError(
        Number.isFinite(code) ? code : undefined,
        json.error_description ?? json.error_name ?? json.error_reason,
        res.status,
      );
    }
    const expires = Number(json.expires_in);
    return {
      accessToken: json.access_token,
      refreshToken: json.refresh_token,
      expiresInSec: Number.isFinite(expires) && expires > 0 ? expires : null,
    };
  }

  private async upload<T>(accessToken: string, path: string, file: ZaloUpload): Promise<T> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.data)], { type: file.mimeType }), file.name);
    const res = await this.call({
      method: 'POST',
      url: `${this.apiBase}${path}`,
      headers: { access_token: accessToken },
      body: form,
      timeoutMs: Math.max(this.opts.timeoutMs ?? 10_000, 30_000),
    });
    return this.unwrap<T>(res);
  }

  private call(req: {
    method: 'GET' | 'POST';
    url: string;
    headers: Record<string, string>;
    /** A string as-is, FormData as multipart, an object as JSON (callProvider encodes). */
    body?: string | object;
    timeoutMs?: number;
  }) {
    return callProvider({ channel: 'zalo', timeoutMs: this.opts.timeoutMs, ...req });
  }

  /** Zalo errors arrive as HTTP 200 with a negative `error`: check the body, not only the status. */
  private unwrap<T>(res: ProviderResponse): T {
    let json = res.json as ZaloApiResponse<T> | null;
    // Re-read with exact long integers, in case an id in `data` is a bare number.
    try {
      json = res.text ? (parseJsonKeepingBigInts(res.text) as ZaloApiResponse<T>) : json;
    } catch {
      /* keep callProvider's reading */
    }
    if (res.status < 200 || res.status >= 300) {
      const code = json && typeof json.error === 'number' ? json.error : null;
      if (code !== null && code < 0) throw zaloApiError(code, json?.message, res.status);
      throw new ChannelApiError({
        channel: 'zalo',
        status: res.status,
        code: `http_${res.status}`,
        retryable: false,
        message: `Zalo HTTP ${res.status}: ${res.text.slice(0, 200)}`,
      });
    }
    if (!json || typeof json !== 'object' || typeof json.error !== 'number') {
      throw new ChannelApiError({
        channel: 'zalo',
        status: res.status,
        code: 'bad_response',
        // Not retried: the message may have gone out, and a blind retry would send it twice.
        retryable: false,
        message: `Zalo answered without an error field: ${res.text.slice(0, 200)}`,
      });
    }
    if (json.error !== 0) throw zaloApiError(json.error, json.message, res.status);
    return (json.data ?? {}) as T;
  }
}

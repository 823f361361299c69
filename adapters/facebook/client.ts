/**
 * Typed HTTP client of the Graph API endpoints the Messenger channel uses: one method per endpoint.
 * The Page token goes in `Authorization: Bearer` (accepted by Graph alongside `?access_token=`)
 * so it never appears in URLs, proxies' access logs or error messages.
 */
import { callProvider, type ProviderResponse } from '../../src/channels/kit';
import { graphApiError } from './errors';
import type { FbPageInfo, FbSendMessageBody, FbSendResponse, FbSenderActionBody, FbUserProfile } from './types';

/** Options of `GraphClient`. */
export interface GraphClientOptions {
  pageAccessToken: string;
  /** default: https://graph.facebook.com */
  graphBase: string;
  /** default: v21.0 */
  graphVersion: string;
  /** Per-call timeout, ms (default: 10000). */
  timeoutMs?: number;
}

/** Graph API client. Methods throw `ChannelApiError` (network/5xx/429 retryable; Graph codes mapped). */
export class GraphClient {
  private readonly root: string;

  constructor(private readonly opts: GraphClientOptions) {
    this.root = `${opts.graphBase.replace(/\/+$/, '')}/${opts.graphVersion.replace(/^\/+|\/+$/g, '')}`;
  }

  /** POST /{version}/me/messages: the Send API (a message or a sender action). */
  async sendMessage(body: FbSendMessageBody | FbSenderActionBody): Promise<FbSendResponse> {
    const res = await this.call('POST', `${this.root}/me/messages`, body);
    return res.json as FbSendResponse;
  }

  /** GET /{version}/{psid}?fields=name,first_name,last_name: the User Profile API (needs permission). */
  async getUserProfile(psid: string): Promise<FbUserProfile> {
    const res = await this.call('GET', `${this.root}/${encodeURIComponent(psid)}?fields=name,first_name,last_name`);
    return res.json as FbUserProfile;
  }

  /** GET /{version}/me?fields=id,name: the Page the token belongs to. */
  async getMe(): Promise<FbPageInfo> {
    const res = await this.call('GET', `${this.root}/me?fields=id,name`);
    return res.json as FbPageInfo;
  }

  private async call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<ProviderResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.pageAccessToken}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await callProvider({
      channel: 'facebook',
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.opts.timeoutMs,
    });
    if (res.status < 200 || res.status >= 300) throw graphApiError(res.status, res.json, res.headers.get('retry-after'));
    return res;
  }
}

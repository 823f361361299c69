/**
 * Typed HTTP client of the Graph API endpoints the Messenger channel uses: one method per endpoint.
 * The Page token goes in `Authorization: Bearer` (accepted by Graph alongside `?access_token=`)
 * so it never appears in URLs, proxies' access logs or error messages.
 */
import { callProvider, ChannelApiError, type ProviderResponse } from '../../src/channels/kit';
import { graphApiError } from './errors';
import type { FbAttachmentUploadResponse, FbPageInfo, FbSendMessageBody, FbSendResponse, FbSenderActionBody, FbUserProfile } from './types';

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

  /**
   * POST /{version}/me/message_attachments: the Attachment Upload API. The file goes as multipart
   * `filedata` next to a `message` field naming its type; the answer's id is reused in a Send API call.
   */
  async uploadAttachment(
    type: 'image' | 'audio' | 'video' | 'file',
    file: { data: Buffer; name: string; mimeType: string },
  ): Promise<string> {
    const form = new FormData();
    form.append('message', JSON.stringify({ attachment: { type, payload: { is_reusable: true } } }));
    form.append('filedata', new Blob([new Uint8Array(file.data)], { type: file.mimeType }), file.name);
    const res = await this.call('POST', `${this.root}/me/message_attachments`, form);
    const id = (res.json as FbAttachmentUploadResponse | null)?.attachment_id;
    if (!id)
      throw new ChannelApiError({
        channel: 'facebook',
        code: 'invalid_response',
        retryable: true,
        message: 'Attachment Upload API answered without attachment_id',
      });
    return String(id);
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

  /** One Graph call: `body` goes as JSON, or as multipart when FormData (callProvider encodes both). */
  private async call(method: 'GET' | 'POST', url: string, body?: object): Promise<ProviderResponse> {
    const res = await callProvider({
      channel: 'facebook',
      method,
      url,
      headers: { authorization: `Bearer ${this.opts.pageAccessToken}` },
      body,
      timeoutMs: this.opts.timeoutMs,
    });
    if (res.status < 200 || res.status >= 300) throw graphApiError(res.status, res.json, res.headers.get('retry-after'));
    return res;
  }
}

/** Typed client of the citizen app's callback endpoint. */
import { ChannelApiError, callProvider } from '../../src/channels/kit';
import type { EdtOutbound } from './types';
import { signBody } from './verify';

/** Posts messages to the app, signed. */
export class EdtClient {
  constructor(
    private readonly callbackUrl: string,
    private readonly secret: string,
  ) {}

  /** POSTs one message; any non-2xx is retryable, as the contract says. */
  async postMessage(message: EdtOutbound): Promise<void> {
    const body = JSON.stringify(message);
    const res = await callProvider({
      channel: 'edongthap',
      method: 'POST',
      url: this.callbackUrl,
      headers: { 'content-type': 'application/json', 'x-signature': signBody(this.secret, body) },
      body,
    });
    if (res.status < 200 || res.status >= 300) {
      throw new ChannelApiError({
        channel: 'edongthap',
        message: `callback answered HTTP ${res.status}`,
        status: res.status,
        retryable: true,
      });
    }
  }

  /** Reachability of the callback host: any HTTP answer counts as reachable. */
  async ping(): Promise<number> {
    const res = await fetch(this.callbackUrl, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return res.status;
  }
}

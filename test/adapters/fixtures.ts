/** Provider payloads for adapter tests: the raw fixtures of a channel, and webhook requests that carry them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookRequest } from '../../src/channels/kit/contract';

/** A reader of the raw fixtures under test/fixtures/<channel>/; `extension` is added to each name. */
export function fixtureReader(channel: string, extension = ''): (name: string) => Buffer {
  return (name) => readFileSync(join(__dirname, '../fixtures', channel, `${name}${extension}`));
}

/** A JSON webhook POST of `raw` with the provider's signature header(s). */
export function jsonWebhook(raw: Buffer, signatureHeaders: Record<string, string>): WebhookRequest {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...signatureHeaders }, query: {}, rawBody: raw };
}

/**
 * An external Rasa server as the intent engine: `POST {url}/model/parse` with `?token=` when set.
 * https://rasa.com/docs/rasa/pages/http-api#operation/parseModelMessage
 * Rasa trains its own model from the same nlu.yml, so `train` only trains the fallback engine,
 * which answers whenever Rasa is down, slow or answers something that is not a parse result.
 */
import type { Logger } from '../logger';
import type { NluEngine, ParseResult, TrainingData } from './types';

export interface RasaEngineOptions {
  url: string;
  token?: string;
  /** Time limit per attempt (default 3 s). */
  timeoutMs?: number;
  /** Attempts before falling back (default 2). */
  attempts?: number;
  fallback: NluEngine;
  log: Logger;
}

function isParseResult(body: unknown): body is ParseResult {
  if (!body || typeof body !== 'object') return false;
  const b = body as Partial<ParseResult>;
  return typeof b.text === 'string' && !!b.intent && typeof b.intent.name === 'string' && typeof b.intent.confidence === 'number';
}

export class RasaNluEngine implements NluEngine {
  readonly name = 'rasa';
  constructor(private readonly opts: RasaEngineOptions) {}

  async train(data: TrainingData): Promise<void> {
    await this.opts.fallback.train(data);
  }

  async parse(text: string): Promise<ParseResult> {
    const url = new URL('model/parse', this.opts.url.endsWith('/') ? this.opts.url : `${this.opts.url}/`);
    if (this.opts.token) url.searchParams.set('token', this.opts.token);
    const attempts = this.opts.attempts ?? 2;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 3000),
        });
        if (res.ok) {
          const body: unknown = await res.json();
          if (isParseResult(body)) {
            return { ...body, intent_ranking: body.intent_ranking ?? [], entities: body.entities ?? [] };
          }
          this.opts.log.warn({ attempt }, 'rasa answered something that is not a parse result');
        } else {
          this.opts.log.warn({ attempt, status: res.status }, 'rasa parse failed');
          if (res.status < 500 && res.status !== 429) break;
        }
      } catch (err) {
        this.opts.log.warn({ attempt, err: (err as Error).message }, 'rasa unreachable');
      }
    }
    return this.opts.fallback.parse(text);
  }
}

/**
 * An external Rasa server as the intent engine: `POST {url}/model/parse` (`?token=` when set).
 * https://rasa.com/docs/rasa/pages/http-api#operation/parseModelMessage
 *
 * Rasa trains its own model from the same files (`nlu.yml` and `nlu-*.yml`: Rasa reads every file of
 * its data directory; `out_of_scope` is its convention for what it should not answer), so `train`
 * only trains the fallback engine, which answers whenever Rasa is down, slow, refuses us or answers
 * something that is not a parse result. After a few failures in a row Rasa is left alone for a
 * while (a circuit breaker), so that citizens do not wait for a timeout on every message while it
 * is down.
 */
import { BUILTIN_ENTITIES, extractEntities } from './entities';
import {
  answerOf,
  FALLBACK_INTENT,
  OUT_OF_SCOPE_INTENT,
  type Entity,
  type IntentScore,
  type NluEngine,
  type ParseResult,
  type TrainingData,
} from './types';

/** The logging the NLU engines need (a pino logger fits). */
export interface NluLog {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** Settings of the Rasa engine. */
export interface RasaEngineOptions {
  /** Base URL of the Rasa server, e.g. `http://rasa:5005`. */
  url: string;
  /** Rasa's `--auth-token`, sent as `?token=`. */
  token?: string;
  /** Time limit per attempt (default: 3000 ms). */
  timeoutMs?: number;
  /** Attempts before falling back (default: 2). */
  attempts?: number;
  /** Pause between attempts (default: 100 ms). */
  retryDelayMs?: number;
  /** Failed messages in a row after which Rasa is skipped (default: 3). */
  breakerFailures?: number;
  /** How long Rasa is skipped once the breaker opens (default: 30000 ms). */
  breakerCooldownMs?: number;
  /** Longest text sent to Rasa (default: 5000 characters). */
  maxChars?: number;
  /** Answers when Rasa cannot. */
  fallback: NluEngine;
  log: NluLog;
}

/** Why a Rasa call did not give a usable answer. */
type Failure =
  { kind: 'http'; status: number } | { kind: 'network'; message: string } | { kind: 'timeout' } | { kind: 'malformed'; detail: string };

class RasaCallError extends Error {
  constructor(
    readonly failure: Failure,
    readonly retryable: boolean,
  ) {
    super(failure.kind);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScore(v: unknown): v is { name: string; confidence: number } {
  return isRecord(v) && typeof v.name === 'string' && typeof v.confidence === 'number' && Number.isFinite(v.confidence);
}

/**
 * Reads a Rasa 3 parse answer into our ParseResult, or explains why it is not one. Rasa answers
 * `intent.name: null` when its model has no intent classifier or nothing matched: that is its
 * "not sure", read as nlu_fallback. So is `out_of_scope`, the intent of the messages the hotline
 * does not answer by itself (dropped from the ranking too).
 */
export function readRasaParse(text: string, body: unknown): ParseResult | string {
  if (!isRecord(body)) return 'not a JSON object';
  const intent = body.intent;
  if (!isRecord(intent)) return 'no intent';
  if (typeof intent.confidence !== 'number' || !Number.isFinite(intent.confidence)) return 'intent without a numeric confidence';
  if (intent.name !== null && typeof intent.name !== 'string') return 'intent without a name';
  const name = typeof intent.name === 'string' && intent.name.length > 0 ? answerOf(intent.name) : FALLBACK_INTENT;
  const ranking: IntentScore[] = Array.isArray(body.intent_ranking)
    ? body.intent_ranking
        .filter(isScore)
        .filter((s) => s.name !== OUT_OF_SCOPE_INTENT)
        .map((s) => ({ name: s.name, confidence: s.confidence }))
    : [];
  const entities: Entity[] = [];
  if (Array.isArray(body.entities)) {
    for (const e of body.entities) {
      if (!isRecord(e) || typeof e.entity !== 'string' || typeof e.start !== 'number' || typeof e.end !== 'number') continue;
      const entity: Entity = {
        entity: e.entity,
        value: typeof e.value === 'string' ? e.value : JSON.stringify(e.value ?? text.slice(e.start, e.end)),
        start: e.start,
        end: e.end,
        extractor: typeof e.extractor === 'string' ? e.extractor : 'rasa',
      };
      if (typeof e.confidence_entity === 'number') entity.confidence_entity = e.confidence_entity;
      entities.push(entity);
    }
  }
  return { text, intent: { name, confidence: intent.confidence }, intent_ranking: ranking, entities };
}

/** Adds our regex entities (ticket and dossier codes, phones…) that Rasa did not find, so the bot can rely on them. */
function withBuiltinEntities(result: ParseResult): ParseResult {
  const found = new Set(result.entities.map((e) => e.entity));
  const extra = extractEntities(result.text).filter(
    (e) =>
      (BUILTIN_ENTITIES as readonly string[]).includes(e.entity) &&
      !found.has(e.entity) &&
      !result.entities.some((r) => e.start < r.end && r.start < e.end),
  );
  return extra.length === 0 ? result : { ...result, entities: [...result.entities, ...extra].sort((a, b) => a.start - b.start) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The Rasa engine, with the built-in engine behind it. */
export class RasaNluEngine implements NluEngine {
  readonly name = 'rasa';
  private readonly endpoint: URL;
  private failuresInARow = 0;
  private openUntil = 0;

  constructor(private readonly opts: RasaEngineOptions) {
    this.endpoint = new URL('model/parse', opts.url.endsWith('/') ? opts.url : `${opts.url}/`);
    if (opts.token) this.endpoint.searchParams.set('token', opts.token);
  }

  /** Trains the fallback engine (Rasa trains itself from the same file). */
  async train(data: TrainingData): Promise<void> {
    await this.opts.fallback.train(data);
  }

  abandonTraining(): void {
    this.opts.fallback.abandonTraining?.();
  }

  /** Rasa's answer, or the fallback engine's when Rasa cannot give one; never throws. */
  async parse(text: string): Promise<ParseResult> {
    const raw = typeof text === 'string' ? text : String(text ?? '');
    if (raw.trim().length === 0 || Date.now() < this.openUntil) return this.opts.fallback.parse(raw);
    const attempts = Math.max(1, this.opts.attempts ?? 2);
    let last: Failure | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const result = await this.call(raw);
        if (this.failuresInARow > 0) this.opts.log.info({ after: this.failuresInARow }, 'rasa answers again');
        this.failuresInARow = 0;
        return withBuiltinEntities(result);
      } catch (err) {
        const e = err instanceof RasaCallError ? err : new RasaCallError({ kind: 'network', message: String(err) }, true);
        last = e.failure;
        this.opts.log.warn({ attempt, ...e.failure }, 'rasa parse failed');
        if (!e.retryable) break;
        if (attempt < attempts) await sleep(this.opts.retryDelayMs ?? 100);
      }
    }
    this.failuresInARow++;
    if (this.failuresInARow >= (this.opts.breakerFailures ?? 3)) {
      this.openUntil = Date.now() + (this.opts.breakerCooldownMs ?? 30_000);
      this.opts.log.warn(
        { failures: this.failuresInARow, cooldownMs: this.opts.breakerCooldownMs ?? 30_000, last },
        'rasa skipped for a while; the built-in engine answers',
      );
    }
    return this.opts.fallback.parse(raw);
  }

  /** One request; throws a RasaCallError saying whether another attempt may help. */
  private async call(text: string): Promise<ParseResult> {
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ text: text.slice(0, this.opts.maxChars ?? 5000) }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 3000),
      });
    } catch (err) {
      throw this.transportError(err);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      // 5xx and 429 may pass; 401/403 (token), 400 or 404 (no model loaded) will not.
      throw new RasaCallError({ kind: 'http', status: res.status }, res.status >= 500 || res.status === 429);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) throw this.transportError(err);
      throw new RasaCallError({ kind: 'malformed', detail: 'body is not JSON' }, false);
    }
    const result = readRasaParse(text, body);
    if (typeof result === 'string') throw new RasaCallError({ kind: 'malformed', detail: result }, false);
    return result;
  }

  private transportError(err: unknown): RasaCallError {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
      return new RasaCallError({ kind: 'timeout' }, true);
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new RasaCallError({ kind: 'network', message: `${err instanceof Error ? err.message : String(err)}${cause}` }, true);
  }
}

/**
 * A fake Rasa 3.x HTTP server (node:http on 127.0.0.1, port 0) for the Rasa engine's tests.
 * https://rasa.com/docs/rasa/pages/http-api#operation/parseModelMessage
 *
 * It answers `POST /model/parse` with the shape Rasa 3 returns (text, intent, entities with
 * extractor and confidence_entity, text_tokens, intent_ranking, response_selector), enforces
 * `?token=` when started with a token (401 with Rasa's error body otherwise), answers 400 to a
 * body without `text` as Rasa does, records every request, and can be told to be slow, to fail
 * (500, or any status), to drop connections, to lose its model (409) or to answer garbage.
 */
import { startFakeServer, type RecordedRequest } from './fake-server';

/** A request the fake received, its body as text. */
export interface RasaRecordedRequest extends Omit<RecordedRequest, 'body'> {
  body: string;
  json?: unknown;
}

/** What the fake's "model" says about a text. */
export interface RasaVerdict {
  intent: string | null;
  confidence: number;
  /** Other intents with their confidences (the top one is added). */
  others?: { name: string; confidence: number }[];
  entities?: { entity: string; value: string; start: number; end: number; extractor?: string; confidence_entity?: number }[];
}

/** How the fake behaves for the next requests. */
export type FakeRasaMode =
  | { kind: 'ok' }
  /** Waits before answering (normally). */
  | { kind: 'slow'; delayMs: number }
  /** Answers this status with Rasa's error body. */
  | { kind: 'error'; status: number }
  /** Answers 200 with this raw body. */
  | { kind: 'malformed'; body: string }
  /** Answers 409 as Rasa does when no model is loaded. */
  | { kind: 'no-model' }
  /** Destroys the connection without answering. */
  | { kind: 'down' };

/** Options of `startFakeRasa`. */
export interface FakeRasaOptions {
  /** When set, requests must carry `?token=<token>` (Rasa's `--auth-token`). */
  token?: string;
  /** The classifier (default: a few keywords, else greet-like nlu_fallback). */
  classify?: (text: string) => RasaVerdict;
  /** Rasa's FallbackClassifier threshold (default: 0.3, Rasa's default). */
  fallbackThreshold?: number;
  /** Version reported in error bodies (default: 3.6.20). */
  version?: string;
}

/** A running fake. */
export interface FakeRasa {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  requests: RasaRecordedRequest[];
  /** Contract violations seen (wrong method, content type, body); tests expect none. */
  violations: string[];
  /** Changes the behaviour for every following request. */
  setMode(mode: FakeRasaMode): void;
  /** The next `count` requests answer `status` (default 500), then the current mode resumes. */
  failNext(count: number, status?: number): void;
  stop(): Promise<void>;
}

const KEYWORDS: [RegExp, string][] = [
  [/cháy|chay|nổ/iu, 'khan_cap_114'],
  [/cướp|cuop|đánh nhau/iu, 'khan_cap_113'],
  [/cấp cứu|cap cuu|bất tỉnh/iu, 'khan_cap_115'],
  [/khai sinh|khai sanh/iu, 'tt_khai_sinh'],
  [/căn cước|cccd/iu, 'tt_can_cuoc'],
  [/phiếu|phieu/iu, 'tra_cuu_phan_anh'],
];

function defaultClassify(text: string): RasaVerdict {
  for (const [re, intent] of KEYWORDS)
    if (re.test(text)) return { intent, confidence: 0.93, others: [{ name: 'chao_hoi', confidence: 0.04 }] };
  return { intent: 'chao_hoi', confidence: 0.12, others: [{ name: 'cam_on_tam_biet', confidence: 0.1 }] };
}

/** Rasa's whitespace tokenizer offsets. */
function textTokens(text: string): [number, number][] {
  return [...text.matchAll(/\S+/gu)].map((m) => [m.index, m.index + m[0].length]);
}

/** Rasa's `RegexEntityExtractor` on ticket codes, so that entity shapes are realistic. */
function regexEntities(text: string): NonNullable<RasaVerdict['entities']> {
  return [...text.matchAll(/1022-\d{4}-\d{6}(-[A-Z2-9]{4})?/g)].map((m) => ({
    entity: 'ma_phieu',
    value: m[0],
    start: m.index,
    end: m.index + m[0].length,
    extractor: 'RegexEntityExtractor',
  }));
}

/** The body Rasa 3 answers to `POST /model/parse`. */
export function rasaParseBody(text: string, verdict: RasaVerdict, fallbackThreshold: number): object {
  const top = { name: verdict.intent, confidence: verdict.confidence };
  const ranking = [top, ...(verdict.others ?? [])].filter((r) => r.name !== null);
  // FallbackClassifier: below the threshold, nlu_fallback on top of the ranking.
  const fallback = verdict.intent !== null && verdict.confidence < fallbackThreshold;
  const intent = fallback ? { name: 'nlu_fallback', confidence: fallbackThreshold } : top;
  const entities = (verdict.entities ?? regexEntities(text)).map((e) => ({
    ...e,
    extractor: e.extractor ?? 'DIETClassifier',
    ...(e.extractor === 'RegexEntityExtractor' ? {} : { confidence_entity: e.confidence_entity ?? 0.99 }),
  }));
  return {
    text,
    intent,
    entities,
    text_tokens: textTokens(text),
    intent_ranking: fallback ? [intent, ...ranking] : ranking,
    response_selector: {
      all_retrieval_intents: [],
      default: {
        response: { responses: null, confidence: 0.0, intent_response_key: null, utter_action: 'utter_None' },
        ranking: [],
      },
    },
  };
}

function rasaError(version: string, status: number, reason: string, message: string): object {
  return { version, status: 'failure', message, reason, details: {}, help: null, code: status };
}

/** Starts the fake on a free local port. */
export async function startFakeRasa(opts: FakeRasaOptions = {}): Promise<FakeRasa> {
  const version = opts.version ?? '3.6.20';
  const classify = opts.classify ?? defaultClassify;
  const threshold = opts.fallbackThreshold ?? 0.3;
  const requests: RasaRecordedRequest[] = [];
  const violations: string[] = [];
  let mode: FakeRasaMode = { kind: 'ok' };
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const timers = new Set<NodeJS.Timeout>();

  const server = await startFakeServer(async (rec, res, req) => {
    const record: RasaRecordedRequest = { ...rec, body: rec.body.toString('utf8') };
    try {
      record.json = JSON.parse(record.body);
    } catch {
      // recorded as is
    }
    requests.push(record);
    const send = (status: number, payload: object | string): void => {
      res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };

    if (record.path !== '/model/parse' || record.method !== 'POST') {
      violations.push(`unexpected ${record.method} ${record.path}`);
      return send(404, rasaError(version, 404, 'NotFound', 'Requested URL not found'));
    }
    if (opts.token !== undefined && record.query.get('token') !== opts.token) {
      return send(401, rasaError(version, 401, 'NotAuthenticated', 'User is not authenticated.'));
    }
    if (!String(record.headers['content-type'] ?? '').includes('application/json'))
      violations.push(`content-type ${String(record.headers['content-type'])}`);
    const json = record.json as { text?: unknown } | undefined;
    if (typeof json !== 'object' || json === null || typeof json.text !== 'string') {
      violations.push(`body without text: ${record.body.slice(0, 80)}`);
      return send(
        400,
        rasaError(version, 400, 'BadRequest', 'An unexpected error occurred. Error: No text message defined in request_body.'),
      );
    }

    if (failures.count > 0) {
      failures.count--;
      return send(failures.status, rasaError(version, failures.status, 'ParsingError', 'An unexpected error occurred.'));
    }
    switch (mode.kind) {
      case 'down':
        req.socket.destroy();
        return;
      case 'error':
        return send(mode.status, rasaError(version, mode.status, 'ParsingError', 'An unexpected error occurred.'));
      case 'no-model':
        return send(
          409,
          rasaError(version, 409, 'Conflict', 'No agent loaded. To continue processing, a model of a trained agent needs to be loaded.'),
        );
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(mode.body);
        return;
      case 'slow':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              resolve();
            },
            mode.kind === 'slow' ? mode.delayMs : 0,
          );
          timers.add(timer);
          req.socket.once('close', () => {
            clearTimeout(timer);
            timers.delete(timer);
            resolve();
          });
        });
        if (res.destroyed || req.socket.destroyed) return;
        break;
      default:
        break;
    }
    send(200, rasaParseBody(json.text, classify(json.text), threshold));
  });
  return {
    url: server.baseUrl,
    requests,
    violations,
    setMode(m) {
      mode = m;
    },
    failNext(count, status = 500) {
      failures = { count, status };
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      await server.close();
    },
  };
}

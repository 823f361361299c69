/**
 * The Rasa engine against a fake Rasa 3 server: the request it sends, the answers it accepts,
 * and the built-in engine taking over when Rasa is down, slow, refuses or talks nonsense.
 */
import { createNluEngine, FALLBACK_INTENT, type NluEngine, type ParseResult, type TrainingData } from '../../src/nlu';
import { RasaNluEngine, readRasaParse, type NluLog } from '../../src/nlu/rasa-engine';
import { startFakeRasa, type FakeRasa } from '../fakes/fake-rasa';

/** A stand-in for the built-in engine: answers "builtin_answer" and counts its calls. */
class StubEngine implements NluEngine {
  readonly name = 'stub';
  parses = 0;
  trained: TrainingData[] = [];
  async train(data: TrainingData): Promise<void> {
    this.trained.push(data);
  }
  async parse(text: string): Promise<ParseResult> {
    this.parses++;
    const intent = { name: 'builtin_answer', confidence: 0.9 };
    return { text, intent, intent_ranking: [intent], entities: [] };
  }
}

function quietLog(): NluLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (_obj, msg) => warnings.push(msg ?? ''), info: () => undefined };
}

let rasa: FakeRasa;
afterEach(async () => {
  expect(rasa.violations).toEqual([]);
  await rasa.stop();
});

function engineFor(over: Partial<ConstructorParameters<typeof RasaNluEngine>[0]> = {}): {
  engine: RasaNluEngine;
  fallback: StubEngine;
  log: ReturnType<typeof quietLog>;
} {
  const fallback = new StubEngine();
  const log = quietLog();
  const engine = new RasaNluEngine({ url: rasa.url, token: 's3cret', timeoutMs: 300, retryDelayMs: 10, fallback, log, ...over });
  return { engine, fallback, log };
}

describe('talking to Rasa', () => {
  test('POST /model/parse with the token and a JSON {text}; Rasa’s answer is returned in our shape', async () => {
    rasa = await startFakeRasa({ token: 's3cret' });
    const { engine, fallback } = engineFor();
    const result = await engine.parse('cháy nhà rồi');
    expect(rasa.requests).toHaveLength(1);
    const [req] = rasa.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/model/parse');
    expect(req.query.get('token')).toBe('s3cret');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.json).toEqual({ text: 'cháy nhà rồi' });
    expect(result).toEqual({
      text: 'cháy nhà rồi',
      intent: { name: 'khan_cap_114', confidence: 0.93 },
      intent_ranking: [
        { name: 'khan_cap_114', confidence: 0.93 },
        { name: 'chao_hoi', confidence: 0.04 },
      ],
      entities: [],
    });
    expect(fallback.parses).toBe(0);
  });

  test('a base URL with a path and a trailing slash is joined correctly', async () => {
    rasa = await startFakeRasa();
    const fallback = new StubEngine();
    const engine = new RasaNluEngine({ url: `${rasa.url}/`, fallback, log: quietLog() });
    await engine.parse('khai sinh');
    expect(rasa.requests[0].url).toBe('/model/parse');
  });

  test('Rasa’s FallbackClassifier answer is kept, ranking included', async () => {
    rasa = await startFakeRasa({ token: 's3cret' });
    const { engine } = engineFor();
    const result = await engine.parse('hôm nay trời đẹp');
    expect(result.intent).toEqual({ name: FALLBACK_INTENT, confidence: 0.3 });
    expect(result.intent_ranking.map((r) => r.name)).toEqual([FALLBACK_INTENT, 'chao_hoi', 'cam_on_tam_biet']);
  });

  test('entities: Rasa’s are kept (extractor, confidence), ticket codes and phones it missed are added', async () => {
    rasa = await startFakeRasa({
      token: 's3cret',
      classify: (text) => ({
        intent: 'tra_cuu_phan_anh',
        confidence: 0.88,
        entities: [
          {
            entity: 'dia_diem',
            value: 'Sa Đéc',
            start: text.indexOf('Sa Đéc'),
            end: text.indexOf('Sa Đéc') + 6,
            extractor: 'DIETClassifier',
            confidence_entity: 0.97,
          },
        ],
      }),
    });
    const { engine } = engineFor();
    const text = 'phiếu 1022-2026-000123 ở Sa Đéc, gọi 0912345678';
    const result = await engine.parse(text);
    expect(result.entities).toEqual([
      { entity: 'ma_phieu', value: '1022-2026-000123', start: 6, end: 22, extractor: 'RegexEntityExtractor' },
      { entity: 'dia_diem', value: 'Sa Đéc', start: 25, end: 31, extractor: 'DIETClassifier', confidence_entity: 0.97 },
      { entity: 'so_dien_thoai', value: '0912345678', start: 37, end: 47, extractor: 'RegexEntityExtractor' },
    ]);
  });

  test('intent name null (Rasa had nothing to say) reads as nlu_fallback', async () => {
    rasa = await startFakeRasa({ classify: () => ({ intent: null, confidence: 0 }) });
    const { engine, fallback } = engineFor({ token: undefined });
    const result = await engine.parse('xyz');
    expect(result.intent).toEqual({ name: FALLBACK_INTENT, confidence: 0 });
    expect(fallback.parses).toBe(0);
  });

  test('empty text does not bother Rasa', async () => {
    rasa = await startFakeRasa();
    const { engine, fallback } = engineFor();
    await engine.parse('   ');
    expect(rasa.requests).toHaveLength(0);
    expect(fallback.parses).toBe(1);
  });

  test('train trains the fallback engine (Rasa trains itself)', async () => {
    rasa = await startFakeRasa();
    const { engine, fallback } = engineFor();
    const data: TrainingData = { intents: [{ name: 'chao_hoi', examples: ['chào'] }], synonyms: [], regexes: [] };
    await engine.train(data);
    expect(fallback.trained).toEqual([data]);
    expect(rasa.requests).toHaveLength(0);
  });
});

describe('falling back to the built-in engine', () => {
  /**
   * Parses `text` with a Rasa engine (`options`) in front of a fake Rasa that `arrange` set up: the intent
   * answered, how often Rasa and the built-in engine were asked, the warnings logged and the time taken.
   */
  async function outcome(text: string, arrange: (fake: FakeRasa) => void, options: Parameters<typeof engineFor>[0] = {}) {
    rasa = await startFakeRasa({ token: 's3cret' });
    arrange(rasa);
    const { engine, fallback, log } = engineFor(options);
    const started = Date.now();
    const result = await engine.parse(text);
    const tookMs = Date.now() - started;
    return {
      intent: result.intent.name,
      rasaRequests: rasa.requests.length,
      builtinParses: fallback.parses,
      warnings: log.warnings,
      tookMs,
    };
  }

  test('no or wrong token: 401, no retry, built-in answer', async () => {
    const o = await outcome('khai sinh', () => undefined, { token: 'wrong' });
    expect(o).toMatchObject({ intent: 'builtin_answer', rasaRequests: 1, builtinParses: 1 });
    expect(o.warnings).toContain('rasa parse failed');
  });

  test('timeout: each attempt is cut at timeoutMs, then the built-in engine answers', async () => {
    const o = await outcome('khai sinh', (fake) => fake.setMode({ kind: 'slow', delayMs: 2000 }), { timeoutMs: 150, attempts: 2 });
    expect(o).toMatchObject({ intent: 'builtin_answer', rasaRequests: 2, builtinParses: 1 });
    expect(o.tookMs).toBeGreaterThanOrEqual(300);
    expect(o.tookMs).toBeLessThan(1900); // without the cut, the first attempt alone takes 2 s
  });

  test('500: retried, then the built-in engine answers', async () => {
    const o = await outcome('khai sinh', (fake) => fake.setMode({ kind: 'error', status: 500 }), { attempts: 3 });
    expect(o).toMatchObject({ intent: 'builtin_answer', rasaRequests: 3, builtinParses: 1 });
  });

  test('one 500 then success: the retry gets Rasa’s answer', async () => {
    const o = await outcome('cháy nhà', (fake) => fake.failNext(1, 503));
    expect(o).toMatchObject({ intent: 'khan_cap_114', rasaRequests: 2, builtinParses: 0 });
  });

  test.each([
    ['not JSON', 'Internal <b>error</b>'],
    ['JSON without intent', '{"text": "x", "entities": []}'],
    ['intent without confidence', '{"text": "x", "intent": {"name": "chao_hoi"}}'],
    ['an array', '[1, 2, 3]'],
  ])('malformed answer (%s): no retry, built-in answer', async (_what, body) => {
    const o = await outcome('khai sinh', (fake) => fake.setMode({ kind: 'malformed', body }));
    expect(o).toMatchObject({ intent: 'builtin_answer', rasaRequests: 1, builtinParses: 1 });
  });

  test('no model loaded (409): built-in answer', async () => {
    const o = await outcome('khai sinh', (fake) => fake.setMode({ kind: 'no-model' }));
    expect(o).toMatchObject({ intent: 'builtin_answer', rasaRequests: 1 });
  });

  test('connection dropped, then server gone: built-in answer both times', async () => {
    rasa = await startFakeRasa({ token: 's3cret' });
    rasa.setMode({ kind: 'down' });
    const { engine, fallback } = engineFor();
    expect((await engine.parse('khai sinh')).intent.name).toBe('builtin_answer');
    expect(rasa.requests).toHaveLength(2);
    const gone = await startFakeRasa();
    await gone.stop();
    const unreachable = new RasaNluEngine({ url: gone.url, timeoutMs: 300, retryDelayMs: 10, fallback, log: quietLog() });
    expect((await unreachable.parse('khai sinh')).intent.name).toBe('builtin_answer');
  });

  test('circuit breaker: after 3 failed messages Rasa is skipped, then tried again after the cool-down', async () => {
    rasa = await startFakeRasa({ token: 's3cret' });
    rasa.setMode({ kind: 'error', status: 500 });
    const { engine, fallback } = engineFor({ attempts: 1, breakerFailures: 3, breakerCooldownMs: 200 });
    for (let i = 0; i < 3; i++) await engine.parse('khai sinh');
    expect(rasa.requests).toHaveLength(3);
    await engine.parse('khai sinh');
    await engine.parse('khai sinh');
    expect(rasa.requests).toHaveLength(3);
    expect(fallback.parses).toBe(5);
    rasa.setMode({ kind: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await engine.parse('cháy nhà')).intent.name).toBe('khan_cap_114');
    expect(rasa.requests).toHaveLength(4);
  });
});

describe('createNluEngine', () => {
  test('rasa with the built-in engine behind it; builtin by default', async () => {
    rasa = await startFakeRasa({ token: 't' });
    rasa.setMode({ kind: 'error', status: 500 });
    const log = quietLog();
    const engine = createNluEngine({ engine: 'rasa', rasaUrl: rasa.url, rasaToken: 't', rasaTimeoutMs: 200, log });
    expect(engine.name).toBe('rasa');
    // The built-in engine is untrained here: it answers nlu_fallback, with entities.
    const result = await engine.parse('phiếu 1022-2026-000123');
    expect(result.intent.name).toBe(FALLBACK_INTENT);
    expect(result.entities[0]).toMatchObject({ entity: 'ma_phieu' });
    expect(rasa.requests[0].query.get('token')).toBe('t');
    expect(createNluEngine({ log }).name).toBe('builtin');
  });

  test('bad configuration names the variable', () => {
    rasa = { violations: [], stop: async () => undefined } as unknown as FakeRasa;
    const log = quietLog();
    expect(() => createNluEngine({ engine: 'rasa', log })).toThrow('RASA_URL');
    expect(() => createNluEngine({ engine: 'rasa', rasaUrl: 'not a url', log })).toThrow('RASA_URL');
    expect(() => createNluEngine({ engine: 'spacy' as never, log })).toThrow('NLU_ENGINE');
  });
});

describe('readRasaParse', () => {
  test('keeps valid ranking entries and entities, drops the rest', () => {
    rasa = { violations: [], stop: async () => undefined } as unknown as FakeRasa;
    const r = readRasaParse('chào', {
      text: 'chào',
      intent: { name: 'chao_hoi', confidence: 0.9, id: 123 },
      intent_ranking: [{ name: 'chao_hoi', confidence: 0.9 }, { name: 5 }, null],
      entities: [{ entity: 'x', start: 0, end: 4, value: 'chào', extractor: 'CRFEntityExtractor' }, { entity: 'broken' }],
      text_tokens: [[0, 4]],
      response_selector: {},
    });
    expect(r).toEqual({
      text: 'chào',
      intent: { name: 'chao_hoi', confidence: 0.9 },
      intent_ranking: [{ name: 'chao_hoi', confidence: 0.9 }],
      entities: [{ entity: 'x', start: 0, end: 4, value: 'chào', extractor: 'CRFEntityExtractor' }],
    });
  });

  test('reads out_of_scope as nlu_fallback and leaves it out of the ranking', () => {
    const r = readRasaParse('giá vàng hôm nay', {
      intent: { name: 'out_of_scope', confidence: 0.8 },
      intent_ranking: [
        { name: 'out_of_scope', confidence: 0.8 },
        { name: 'tt_cap_so_do', confidence: 0.1 },
      ],
      entities: [],
    });
    expect(r).toEqual({
      text: 'giá vàng hôm nay',
      intent: { name: 'nlu_fallback', confidence: 0.8 },
      intent_ranking: [{ name: 'tt_cap_so_do', confidence: 0.1 }],
      entities: [],
    });
  });
});

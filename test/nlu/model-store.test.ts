/**
 * A trained built-in model shipped as bytes: an exported model answers exactly like the one that
 * was trained; corrupt, foreign or incomplete blobs are refused while the live model keeps
 * answering; models are stored compressed in the database, and a start loads the stored model of
 * the current phrases instead of training (PGlite and PostgreSQL).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Database } from '../../src/db/database';
import { loadTrainingData, TrainingAbandoned, type TrainingData } from '../../src/nlu';
import { BuiltinNluEngine, MODEL_CLASSES as CLASSES } from '../../src/nlu/builtin/builtin-engine';
import { decodeModel, encodeModel, ModelRefusedError } from '../../src/nlu/builtin/model-codec';
import { scheduleRetrain, startModel, trainingFingerprint, type RetrainOptions } from '../../src/operations/retrain';
import { findNluModel, insertNluModel, KEEP_MODELS, latestNluModel } from '../../src/store/nlu-models';
import { createLogger } from '../../src/logger';
import { databaseKinds, migratedDatabase } from '../support/databases';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { waitFor } from '../support/wait';
import { readEvalSet } from './eval-sets';

jest.setTimeout(180_000);

const data = loadTrainingData(join(__dirname, '../../bots/dongthap-1022'));
const log = createLogger('silent');

/** Real phrases and how citizens mistype them: every 7th training example, its accent-free and typo'd forms, the held-out set. */
const samples: string[] = [
  ...data.intents.flatMap((i) => i.examples.filter((_, k) => k % 7 === 0)),
  ...data.intents.flatMap((i) => i.examples.slice(0, 2).map((t) => t.normalize('NFD').replace(/\p{M}/gu, ''))),
  ...data.intents.flatMap((i) => i.examples.slice(0, 1).map((t) => `ad oi cho hoi ${t.replace(/a/g, 'aa')} voi a, cam on`)),
  ...readEvalSet('heldout.jsonl').map((e) => e.text),
  '',
  '🙏🙏',
  'gọi 0912345678 giúp, nhà cháy ở phường 1',
];

const trained = new BuiltinNluEngine();
let blob: Buffer;

beforeAll(async () => {
  await trained.train(data);
  blob = trained.exportModel();
});

/** Eight intents, twelve phrases each. */
const small: TrainingData = { ...data, intents: data.intents.slice(0, 8).map((i) => ({ ...i, examples: i.examples.slice(0, 12) })) };

const answers = (engine: BuiltinNluEngine): string[] => samples.map((t) => JSON.stringify(engine.parseSync(t)));

describe('export and load', () => {
  test('a loaded model answers every sample exactly as the trained one, without training', async () => {
    const loaded = new BuiltinNluEngine();
    expect(loaded.trained).toBe(false);
    loaded.loadModel(blob);
    expect(loaded.trained).toBe(true);
    expect(samples.length).toBeGreaterThan(800);
    const expected = answers(trained);
    const got = answers(loaded);
    const differing = got.filter((g, i) => g !== expected[i]);
    expect(differing).toEqual([]);
    expect(loaded.score('làm căn cước cho con ở đâu')).toEqual(trained.score('làm căn cước cho con ở đâu'));
    // Not a copy of a fallback: the samples are mostly understood.
    expect(got.filter((g) => !g.includes('"name":"nlu_fallback"')).length).toBeGreaterThan(samples.length / 2);
  });

  test('the engine cannot export before it is trained', () => {
    expect(() => new BuiltinNluEngine().exportModel()).toThrow(/not trained/);
  });

  test('a blob from other engine code or other training settings is refused', () => {
    const model = decodeModel(blob, CLASSES, trained.modelFormat) as object;
    const foreign = encodeModel(model, CLASSES, 'builtin/1/some-other-code');
    expect(() => new BuiltinNluEngine().loadModel(foreign)).toThrow(ModelRefusedError);
    expect(() => new BuiltinNluEngine().loadModel(foreign)).toThrow(/other engine code/);
    const otherSettings = new BuiltinNluEngine({ epochs: 3 });
    expect(otherSettings.modelFormat).not.toBe(trained.modelFormat);
    expect(() => otherSettings.loadModel(blob)).toThrow(ModelRefusedError);
    // Thresholds are applied when parsing, not learnt: a model serves engines that differ only in them.
    const stricter = new BuiltinNluEngine({ threshold: 0.8 });
    expect(stricter.modelFormat).toBe(trained.modelFormat);
    stricter.loadModel(blob);
    expect(stricter.trained).toBe(true);
  });

  test('corrupt, truncated or foreign bytes are refused and the live model keeps answering', () => {
    const engine = new BuiltinNluEngine();
    engine.loadModel(blob);
    const before = answers(engine).slice(0, 200);
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1000] ^= 0xff;
    const cases: Array<[Uint8Array, RegExp]> = [
      [flipped, /checksum/],
      [blob.subarray(0, blob.length - 10), /checksum/],
      [blob.subarray(0, 20), /truncated|header/],
      [Buffer.from('{"not":"a model"}'), /not a model/],
      [Buffer.alloc(0), /not a model/],
      [gzipSync(blob), /not a model/],
    ];
    for (const [bytes, reason] of cases) {
      expect(() => engine.loadModel(bytes)).toThrow(ModelRefusedError);
      expect(() => engine.loadModel(bytes)).toThrow(reason);
    }
    expect(answers(engine).slice(0, 200)).toEqual(before);
  });

  test('a blob of the right stamp whose model lacks a part or does not fit together is refused, not crashing later', () => {
    const engine = new BuiltinNluEngine();
    engine.loadModel(blob);
    const before = answers(engine).slice(0, 100);
    const stamp = trained.modelFormat;
    const model = () => decodeModel(blob, CLASSES, stamp) as Record<string, unknown>;
    const withoutNeighbors = model();
    delete withoutNeighbors.neighbors;
    expect(() => engine.loadModel(encodeModel(withoutNeighbors, CLASSES, stamp))).toThrow(/lacks neighbors/);
    const fewerLabels = model();
    fewerLabels.labels = (fewerLabels.labels as string[]).slice(1);
    expect(() => engine.loadModel(encodeModel(fewerLabels, CLASSES, stamp))).toThrow(/do not fit/);
    // A part of another shape (e.g. a field renamed by a newer engine): classifying fails, so it is refused.
    const broken = model();
    const featurizer = broken.featurizer as Record<string, unknown>;
    featurizer.phrases = 'not a map';
    expect(() => engine.loadModel(encodeModel(broken, CLASSES, stamp))).toThrow(/does not classify/);
    expect(() => engine.loadModel(encodeModel([1, 2, 3], CLASSES, stamp))).toThrow(/lacks/);
    // A class the blob names but this code does not know.
    const { LexiconMatcher: _gone, ...fewerClasses } = CLASSES;
    expect(() => decodeModel(blob, fewerClasses, stamp)).toThrow(/unknown class in model: LexiconMatcher/);
    expect(answers(engine).slice(0, 100)).toEqual(before);
  });

  test('export names what it cannot carry instead of writing a blob that would not load', () => {
    class Unregistered {
      x = 1;
    }
    expect(() => encodeModel({ a: { b: new Unregistered() } }, CLASSES, 's')).toThrow(/Unregistered at model\.a\.b: register its class/);
    expect(() => encodeModel({ f: () => 1 }, CLASSES, 's')).toThrow(/function at model\.f/);
    // Shared references and cycles survive a round trip.
    const shared = { n: 1 };
    const graph: Record<string, unknown> = { one: shared, two: [shared], map: new Map([['k', new Float64Array([1.5, -2])]]) };
    graph.self = graph;
    const back = decodeModel(encodeModel(graph, CLASSES, 's'), CLASSES, 's') as typeof graph;
    expect(back.one).toBe((back.two as unknown[])[0]);
    expect(back.self).toBe(back);
    expect((back.map as Map<string, Float64Array>).get('k')).toEqual(new Float64Array([1.5, -2]));
  });
});

describe.each(databaseKinds())('stored models on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await migratedDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  test('a model is stored compressed, found by id and by phrases and format; only the latest few are kept', async () => {
    await db.query('DELETE FROM nlu_models');
    const fingerprint = trainingFingerprint(data);
    const id = await insertNluModel(db, { fingerprint, formatVersion: trained.modelFormat, bytes: blob });
    const stored = await db.query<{ n: number }>('SELECT octet_length(bytes)::int AS n FROM nlu_models WHERE id = $1', [id]);
    expect(stored.rows[0].n).toBeLessThan(blob.length * 0.8);
    const byId = await findNluModel(db, id);
    expect(byId?.bytes.equals(blob)).toBe(true);
    expect(byId).toMatchObject({ id, fingerprint, formatVersion: trained.modelFormat });
    expect((await latestNluModel(db, fingerprint, trained.modelFormat))?.id).toBe(id);
    expect(await latestNluModel(db, fingerprint, 'builtin/0/older')).toBeNull();
    expect(await latestNluModel(db, 'other phrases', trained.modelFormat)).toBeNull();
    // An announced id is preferred when it is a model of these phrases and format, else ignored.
    const newer = await insertNluModel(db, { fingerprint, formatVersion: trained.modelFormat, bytes: blob });
    expect((await latestNluModel(db, fingerprint, trained.modelFormat))?.id).toBe(newer);
    expect((await latestNluModel(db, fingerprint, trained.modelFormat, id))?.id).toBe(id);
    expect((await latestNluModel(db, fingerprint, 'builtin/0/older', id))?.id).toBeUndefined();
    expect((await latestNluModel(db, fingerprint, trained.modelFormat, 'not-a-number'))?.id).toBe(newer);
    expect(await findNluModel(db, 'not-a-number')).toBeNull();
    const small = Buffer.from('x');
    const ids = [];
    for (let i = 0; i < KEEP_MODELS + 2; i++)
      ids.push(await insertNluModel(db, { fingerprint: `f${i}`, formatVersion: 'v', bytes: small }));
    const kept = (await db.query<{ id: number }>('SELECT id FROM nlu_models ORDER BY id')).rows.map((r) => String(r.id));
    expect(kept).toEqual(ids.slice(-KEEP_MODELS));
  });

  test('a start loads the stored model of the current phrases instead of training; other phrases or a corrupt model train', async () => {
    await db.query('DELETE FROM nlu_models');
    // A part of the phrases: this is about when a node trains, and each training of the whole file costs seconds.
    const data = small;
    const first = new BuiltinNluEngine();
    const started = await startModel({ db, nlu: first, log }, data);
    expect(started.from).toBe('trained');
    await started.saved;
    const row = await latestNluModel(db, trainingFingerprint(data), first.modelFormat);
    expect(row).not.toBeNull();

    const second = new BuiltinNluEngine();
    let trainings = 0;
    const train = second.train.bind(second);
    second.train = (d: TrainingData) => {
      trainings++;
      return train(d);
    };
    const again = await startModel({ db, nlu: second, log }, data);
    expect(again).toMatchObject({ from: 'stored', modelId: row!.id, fingerprint: started.fingerprint });
    expect(trainings).toBe(0);
    expect(answers(second)).toEqual(answers(first));

    // One more phrase: no stored model fits, the node trains (and stores its own).
    const edited: TrainingData = {
      ...data,
      intents: data.intents.map((i, k) => (k === 0 ? { ...i, examples: [...i.examples, 'câu mẫu mới thêm'] } : i)),
    };
    const third = await startModel({ db, nlu: second, log }, edited);
    expect(third.from).toBe('trained');
    expect(trainings).toBe(1);
    await third.saved;
    expect(await latestNluModel(db, trainingFingerprint(edited), second.modelFormat)).not.toBeNull();

    // A stored model that is damaged is refused: the node trains instead of failing to start.
    await db.query('UPDATE nlu_models SET bytes = $1', [gzipSync(Buffer.from('C1022NLM garbage'))]);
    const fourth = await startModel({ db, nlu: new BuiltinNluEngine(), log }, data);
    expect(fourth.from).toBe('trained');
    // Its own model, stored after, is the one the next start loads.
    await fourth.saved;
    expect((await startModel({ db, nlu: new BuiltinNluEngine(), log }, data)).from).toBe('stored');
  });
});

describe.each(databaseKinds())('gateway restart on %s', (kind) => {
  test('the second start of a gateway loads the model the first one trained and stored', async () => {
    const trainSpy = jest.spyOn(BuiltinNluEngine.prototype, 'train');
    try {
      // PGlite on disk in the data folder (an empty URL), so that the restart finds the same database.
      const first = await startTestGateway({ kind, databaseUrl: kind === 'pglite' ? '' : undefined, reuseModels: false });
      expect(trainSpy).toHaveBeenCalledTimes(1);
      const probe = 'cho hỏi làm lại căn cước bị mất thì nộp hồ sơ ở đâu';
      const before = await first.gw.ctx.nlu.parse(probe);
      await first.stop({ keepData: true });
      const second = await startTestGateway({
        kind,
        databaseUrl: first.databaseUrl,
        dataDir: first.dataDir,
        citizenApp: first.citizenApp,
        reuseModels: false,
      });
      try {
        expect(trainSpy).toHaveBeenCalledTimes(1);
        expect(await second.gw.ctx.nlu.parse(probe)).toEqual(before);
        const models = await second.gw.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM nlu_models');
        expect(models.rows[0].n).toBe(1);
      } finally {
        await second.stop();
        await first.citizenApp.stop();
        rmSync(first.dataDir, { recursive: true, force: true });
      }
    } finally {
      trainSpy.mockRestore();
    }
  });
});

// Not a storage matter (the gateway's stop and its engine), so on one database.
describe('a gateway stopped during a retraining', () => {
  const phrase = 'quokka zyxwv lấy vợ ở xã plugh';
  const addPhrase = (t: TestGateway) =>
    t.gw.ctx.db.query(`INSERT INTO training_examples (intent, text, source) VALUES ('tt_ket_hon', $1, 'console')`, [phrase]);

  /** Starts a retraining on a new gateway and stops the gateway once the training has begun. */
  async function stopDuringRetraining(opts: RetrainOptions) {
    const t = await startTestGateway({ kind: 'postgres' });
    const { ctx } = t.gw;
    const trainSpy = jest.spyOn(ctx.nlu, 'train');
    const exportSpy = jest.spyOn(ctx.nlu as BuiltinNluEngine, 'exportModel');
    const errorSpy = jest.spyOn(ctx.log, 'error');
    try {
      await addPhrase(t);
      const retrain = scheduleRetrain(ctx, opts);
      await waitFor(() => trainSpy.mock.calls.length === 1, 30_000);
      const training = trainSpy.mock.results[0].value as Promise<void>;
      let trained = false;
      void training.then(() => (trained = true)).catch(() => undefined);
      await t.stop();
      await retrain;
      return { training, trainedBeforeStopEnded: trained, exported: exportSpy.mock.calls.length, errors: errorSpy.mock.calls.length };
    } finally {
      await t.citizenApp.stop();
    }
  }

  test('a training that follows another node’s edit is abandoned: the stop does not wait for it, nothing is stored, no error is logged', async () => {
    const r = await stopDuringRetraining({ follow: 'announced' });
    // Without the abandonment the stop would have waited for the whole training, and stored its model.
    expect(r.trainedBeforeStopEnded).toBe(false);
    await expect(r.training).rejects.toBeInstanceOf(TrainingAbandoned);
    expect(r.exported).toBe(0);
    expect(r.errors).toBe(0);
  });

  test('the training of an edit made on this node is finished and stored before the stop ends: the other nodes wait for its model', async () => {
    const r = await stopDuringRetraining({});
    expect(r.trainedBeforeStopEnded).toBe(true);
    expect(r.exported).toBe(1);
    expect(r.errors).toBe(0);
  });
});

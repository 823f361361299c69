/**
 * The built-in Vietnamese intent engine: normalized features → softmax regression →
 * temperature-calibrated confidences → Rasa FallbackClassifier rules.
 * https://rasa.com/docs/rasa/components#fallbackclassifier
 */
import { FALLBACK_INTENT, type IntentScore, type NluEngine, type ParseResult, type TrainingData } from '../types';
import { augmentWithOpenersAndClosers, type LabelledExample } from './augment';
import { BACKGROUND_EXAMPLES } from './background-examples';
import { fitTemperature } from './calibrate';
import { Featurizer, type MessageFeatures, type NamedFeatures } from './featurizer';
import { seededRandom, softmax, SoftmaxRegression, type SparseVector } from './softmax-regression';

/** Settings of the built-in engine. */
export interface BuiltinEngineOptions {
  /** Below this top confidence the answer is nlu_fallback (default: 0.5). */
  threshold?: number;
  /** Below this gap between the two best intents the answer is nlu_fallback (default: 0.1). */
  ambiguityThreshold?: number;
  /** Share of a message's words that must be known from training (default: 0.25). */
  minCoverage?: number;
  /** Train the hidden out-of-domain class on built-in chit-chat (default: true). */
  background?: boolean;
  /** Share of examples held out to fit the temperature (default: 0.2; 0 disables calibration). */
  calibrationShare?: number;
  /** Passes over the data (default: 12). */
  epochs?: number;
  /** AdaGrad learning rate (default: 0.5). */
  learningRate?: number;
  /** L2 penalty (default: 1e-4). */
  l2?: number;
}

/** How many real intents `intent_ranking` lists (as Rasa's LABEL_RANKING_LENGTH). */
const RANKING_LENGTH = 10;
/** Chance that a training example is shown without its accents in an epoch. */
const ACCENT_DROPOUT = 0.35;
/** Words too common to show a message is about public services. */
const FUNCTION_WORDS = new Set(
  'a ad admin anh chi em toi minh ban cho hoi xin vui long giup voi la thi ma co khong duoc gi sao vay nha nhi a ha o de va cua nay do roi thi can lam nhu the nao bao nhieu'.split(' '),
);

interface Model {
  featurizer: Featurizer;
  vocabulary: Map<string, number>;
  labels: string[];
  regression: SoftmaxRegression;
  temperature: number;
  knownWords: Set<string>;
}

function vectorize(features: NamedFeatures, vocabulary: Map<string, number>): SparseVector {
  const idx: number[] = [];
  const val: number[] = [];
  for (const [name, v] of features) {
    const i = vocabulary.get(name);
    if (i !== undefined) {
      idx.push(i);
      val.push(v);
    }
  }
  return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
}

/** The built-in engine; `parse` answers nlu_fallback until the first training ends. */
export class BuiltinNluEngine implements NluEngine {
  readonly name = 'builtin';
  private model: Model | undefined;
  private readonly opts: Required<BuiltinEngineOptions>;

  constructor(opts: BuiltinEngineOptions = {}) {
    this.opts = {
      threshold: 0.5,
      ambiguityThreshold: 0.1,
      minCoverage: 0.25,
      background: true,
      calibrationShare: 0.2,
      epochs: 12,
      learningRate: 0.5,
      l2: 1e-4,
      ...opts,
    };
  }

  /** Trains a new model and swaps it in when done. */
  async train(data: TrainingData): Promise<void> {
    const featurizer = new Featurizer(data);
    const examples: LabelledExample[] = data.intents.flatMap((i) => i.examples.map((text) => ({ text, label: i.name })));
    const background: LabelledExample[] = this.opts.background
      ? BACKGROUND_EXAMPLES.map((text) => ({ text, label: FALLBACK_INTENT }))
      : [];
    const cache = new Map<string, MessageFeatures>();
    const featuresOf = (text: string): MessageFeatures => {
      let f = cache.get(text);
      if (!f) cache.set(text, (f = featurizer.extract(text)));
      return f;
    };

    let temperature = 1;
    if (this.opts.calibrationShare > 0 && examples.length >= 20) {
      const rnd = seededRandom(11);
      const held: LabelledExample[] = [];
      const kept: LabelledExample[] = [];
      for (const e of examples) (rnd() < this.opts.calibrationShare ? held : kept).push(e);
      const trial = this.fit(featurizer, featuresOf, kept, background);
      const labelIndex = new Map(trial.labels.map((l, i) => [l, i]));
      const logits: Float64Array[] = [];
      const labels: number[] = [];
      for (const e of held) {
        const y = labelIndex.get(e.label);
        if (y === undefined) continue;
        logits.push(trial.regression.logits(vectorize(featuresOf(e.text).full, trial.vocabulary)));
        labels.push(y);
      }
      temperature = fitTemperature(logits, labels);
    }
    const model = this.fit(featurizer, featuresOf, examples, background);
    model.temperature = temperature;
    this.model = model;
  }

  private fit(
    featurizer: Featurizer,
    featuresOf: (text: string) => MessageFeatures,
    examples: LabelledExample[],
    background: LabelledExample[],
  ): Model {
    const all = [...examples, ...augmentWithOpenersAndClosers(examples), ...background];
    const labels = [...new Set(all.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const vocabulary = new Map<string, number>();
    const knownWords = new Set<string>();
    const views = all.map((e) => {
      const f = featuresOf(e.text);
      for (const name of f.full.keys()) if (!vocabulary.has(name)) vocabulary.set(name, vocabulary.size);
      if (e.label !== FALLBACK_INTENT) for (const w of f.words) knownWords.add(w);
      return f;
    });
    const xs = views.map((f) => [vectorize(f.full, vocabulary), vectorize(f.folded, vocabulary)]);
    const ys = Int32Array.from(all.map((e) => labelIndex.get(e.label) ?? 0));
    const counts = new Float64Array(labels.length);
    for (const y of ys) counts[y]++;
    const mean = ys.length / labels.length;
    const classWeights = counts.map((c) => Math.min(2, Math.max(0.5, Math.sqrt(mean / Math.max(c, 1)))));
    const regression = new SoftmaxRegression(vocabulary.size, labels.length);
    regression.fit(xs, ys, {
      epochs: this.opts.epochs,
      learningRate: this.opts.learningRate,
      l2: this.opts.l2,
      classWeights,
      pick: (i, _epoch, rnd) => (rnd() < ACCENT_DROPOUT ? xs[i][1] : xs[i][0]),
    });
    return { featurizer, vocabulary, labels, regression, temperature: 1, knownWords };
  }

  /** Classifies one message; never throws. */
  async parse(text: string): Promise<ParseResult> {
    return this.parseSync(text);
  }

  /** Synchronous `parse` (the model is in memory). */
  parseSync(text: string): ParseResult {
    const model = this.model;
    if (!model) return { text, intent: { name: FALLBACK_INTENT, confidence: 1 }, intent_ranking: [], entities: [] };
    const f = model.featurizer.extract(text);
    const probs = softmax(model.regression.logits(vectorize(f.full, model.vocabulary)), model.temperature);
    const ranking: IntentScore[] = model.labels
      .map((name, i) => ({ name, confidence: probs[i] }))
      .filter((s) => s.name !== FALLBACK_INTENT)
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, RANKING_LENGTH);
    const background = probs[model.labels.indexOf(FALLBACK_INTENT)] ?? 0;
    const top = ranking[0] ?? { name: FALLBACK_INTENT, confidence: 0 };
    const second = ranking[1]?.confidence ?? 0;
    const content = f.words.filter((w) => !FUNCTION_WORDS.has(w));
    const known = content.filter((w) => model.knownWords.has(w)).length;
    const outOfVocabulary = f.entities.length === 0 && (content.length === 0 ? f.words.length === 0 : known / content.length < this.opts.minCoverage);
    const unsure =
      background >= top.confidence ||
      top.confidence < this.opts.threshold ||
      top.confidence - second < this.opts.ambiguityThreshold ||
      outOfVocabulary;
    if (unsure) {
      const fallback = { name: FALLBACK_INTENT, confidence: this.opts.threshold };
      return { text, intent: fallback, intent_ranking: [fallback, ...ranking], entities: f.entities };
    }
    return { text, intent: top, intent_ranking: ranking, entities: f.entities };
  }
}

/**
 * Multinomial logistic regression on sparse features, trained with AdaGrad and L2.
 * Small on purpose: a few thousand examples, a few dozen classes, well under a second.
 */
import { seededRandom } from '../../seeded-random';

/** A sparse feature vector (sorted or not; indices are unique). */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Training settings (defaults suit ~1,500 short messages). */
export interface TrainOptions {
  /** Passes over the data (default: 12). */
  epochs?: number;
  /** AdaGrad base learning rate (default: 0.5). */
  learningRate?: number;
  /** L2 penalty per update (default: 1e-4). */
  l2?: number;
  /** Per-class loss weight (default: 1 for every class). */
  classWeights?: Float64Array;
  /** Seed of the shuffling (default: 1). */
  seed?: number;
  /** Picks the vector of example `i` for this epoch (default: the first). */
  pick?: (i: number, epoch: number, rnd: () => number) => SparseVector;
  /** Train on these example indices only (default: all). */
  only?: ArrayLike<number>;
  /** Called every few hundred updates; training awaits it (e.g. to let parses through). */
  yieldEvery?: () => Promise<void> | void;
}

/** Updates between two yields to the caller (a few milliseconds of work). */
const CHUNK = 256;

/** Softmax of `logits / temperature`, in place on a copy. */
export function softmax(logits: Float64Array, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z / temperature);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    out[k] = Math.exp(logits[k] / temperature - max);
    sum += out[k];
  }
  for (let k = 0; k < out.length; k++) out[k] /= sum;
  return out;
}

/** Weights (feature-major, `nClasses` per feature) and biases of a trained model. */
export class SoftmaxRegression {
  /** 64-bit while training, 32-bit once `compact`ed. */
  private w: Float64Array | Float32Array;
  readonly bias: Float64Array;
  /** AdaGrad accumulators, kept so that a later `fit` continues where the last one stopped. */
  private adagrad: Float64Array;
  private adagradBias: Float64Array;

  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
  ) {
    this.w = new Float64Array(nFeatures * nClasses);
    this.bias = new Float64Array(nClasses);
    this.adagrad = new Float64Array(nFeatures).fill(1e-6);
    this.adagradBias = new Float64Array(nClasses).fill(1e-6);
  }

  /** Weights, feature-major (`nClasses` per feature). */
  get weights(): Float64Array | Float32Array {
    return this.w;
  }

  /**
   * Ends training: the weights are kept as 32-bit floats and the AdaGrad state is dropped, so that
   * a stored model is a third smaller (27.5 → 18.4 MB on 11,888 examples). Parsing needs no more
   * precision: on the 14,862 parses of `bench:nlu-parse` the intents, rankings, "which one?" offers
   * and requests are those of the 64-bit weights, the confidences within 1e-7. A compacted model does
   * not train again.
   */
  compact(): void {
    this.w = new Float32Array(this.w);
    this.adagrad = new Float64Array(0);
    this.adagradBias = new Float64Array(0);
  }

  /** Raw class scores of `x`. */
  logits(x: SparseVector): Float64Array {
    const z = new Float64Array(this.nClasses);
    this.logitsInto(x, z);
    return z;
  }

  /** Writes the raw class scores of `x` into `z` (no allocation: the training loop calls it a lot). */
  private logitsInto(x: SparseVector, z: Float64Array): void {
    const K = this.nClasses;
    const W = this.w;
    const { idx, val } = x;
    z.set(this.bias);
    // Four classes a step (each class still sums its features in order: the same scores, faster).
    const K4 = K - (K % 4);
    for (let j = 0; j < idx.length; j++) {
      const base = idx[j] * K;
      const v = val[j];
      let k = 0;
      for (; k < K4; k += 4) {
        z[k] += v * W[base + k];
        z[k + 1] += v * W[base + k + 1];
        z[k + 2] += v * W[base + k + 2];
        z[k + 3] += v * W[base + k + 3];
      }
      for (; k < K; k++) z[k] += v * W[base + k];
    }
  }

  /**
   * Fits the model to `xs[i][*]` with labels `ys`; `xs[i]` may hold several views of example i.
   * A second call continues from the current weights and step sizes (warm start).
   * Awaits `yieldEvery` (when given) between chunks of updates so that a caller can let the event loop run.
   */
  async fit(xs: SparseVector[][], ys: Int32Array, opts: TrainOptions = {}): Promise<void> {
    if (this.w instanceof Float32Array) throw new Error('a compacted model does not train again');
    const { epochs = 12, seed = 1 } = opts;
    const rnd = seededRandom(seed);
    const order = Int32Array.from(opts.only ? Array.from(opts.only) : Array.from(ys.keys()));
    const views = new Array<SparseVector>(order.length);
    const scratch = { z: new Float64Array(this.nClasses), grad: new Float64Array(this.nClasses), active: new Int32Array(this.nClasses) };
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (let n = 0; n < order.length; n++) views[n] = opts.pick ? opts.pick(order[n], epoch, rnd) : xs[order[n]][0];
      for (let from = 0; from < order.length; from += CHUNK) {
        this.updates(views, order, from, Math.min(order.length, from + CHUNK), ys, opts, scratch);
        if (opts.yieldEvery) await opts.yieldEvery();
      }
    }
  }

  /** One AdaGrad step per example `order[from..to)` (synchronous: the hot loop stays out of the async frame). */
  private updates(
    views: SparseVector[],
    order: Int32Array,
    from: number,
    to: number,
    ys: Int32Array,
    opts: TrainOptions,
    scratch: { z: Float64Array; grad: Float64Array; active: Int32Array },
  ): void {
    const { learningRate = 0.5, l2 = 1e-4 } = opts;
    const K = this.nClasses;
    const W = this.w;
    const bias = this.bias;
    // Row-wise AdaGrad: one accumulator per feature (not per weight) keeps updates cheap.
    const G = this.adagrad;
    const Gb = this.adagradBias;
    const { z, grad, active } = scratch;
    const classWeights = opts.classWeights;
    for (let n = from; n < to; n++) {
      const x = views[n];
      const y = ys[order[n]];
      const idx = x.idx;
      const val = x.val;
      this.logitsInto(x, z);
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
      let sum = 0;
      for (let k = 0; k < K; k++) {
        z[k] = Math.exp(z[k] - max);
        sum += z[k];
      }
      const w = classWeights ? classWeights[y] : 1;
      // Classes the model already rules out barely move: skip them (a large speed-up).
      let nActive = 0;
      let gradSq = 0;
      for (let k = 0; k < K; k++) {
        const g = w * (z[k] / sum - (k === y ? 1 : 0));
        grad[k] = g;
        Gb[k] += g * g;
        bias[k] -= (learningRate * g) / Math.sqrt(Gb[k]);
        if (g > 1e-3 || g < -1e-3) {
          active[nActive++] = k;
          gradSq += g * g;
        }
      }
      for (let j = 0; j < idx.length; j++) {
        const f = idx[j];
        const base = f * K;
        const v = val[j];
        G[f] += (gradSq * v * v) / K;
        const step = learningRate / Math.sqrt(G[f]);
        for (let a = 0; a < nActive; a++) {
          const k = active[a];
          const at = base + k;
          W[at] -= step * (grad[k] * v + l2 * W[at]);
        }
      }
    }
  }
}

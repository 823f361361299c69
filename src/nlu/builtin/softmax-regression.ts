/**
 * Multinomial logistic regression on sparse features, trained with AdaGrad and L2.
 * Small on purpose: a few thousand examples, a few dozen classes, well under a second.
 */

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
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  readonly weights: Float32Array;
  readonly bias: Float64Array;

  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
  ) {
    this.weights = new Float32Array(nFeatures * nClasses);
    this.bias = new Float64Array(nClasses);
  }

  /** Raw class scores of `x`. */
  logits(x: SparseVector): Float64Array {
    const K = this.nClasses;
    const z = Float64Array.from(this.bias);
    for (let j = 0; j < x.idx.length; j++) {
      const base = x.idx[j] * K;
      const v = x.val[j];
      for (let k = 0; k < K; k++) z[k] += v * this.weights[base + k];
    }
    return z;
  }

  /** Fits the model to `xs[i][*]` with labels `ys`; `xs[i]` may hold several views of example i. */
  fit(xs: SparseVector[][], ys: Int32Array, opts: TrainOptions = {}): void {
    const { epochs = 12, learningRate = 0.5, l2 = 1e-4, seed = 1 } = opts;
    const K = this.nClasses;
    const W = this.weights;
    // Row-wise AdaGrad: one accumulator per feature (not per weight) keeps updates cheap.
    const G = new Float64Array(this.nFeatures).fill(1e-6);
    const Gb = new Float64Array(K).fill(1e-6);
    const rnd = seededRandom(seed);
    const order = Array.from(ys.keys());
    const grad = new Float64Array(K);
    const active = new Int32Array(K);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const i of order) {
        const x = opts.pick ? opts.pick(i, epoch, rnd) : xs[i][0];
        const p = softmax(this.logits(x));
        const w = opts.classWeights ? opts.classWeights[ys[i]] : 1;
        for (let k = 0; k < K; k++) grad[k] = w * (p[k] - (k === ys[i] ? 1 : 0));
        for (let k = 0; k < K; k++) {
          const g = grad[k];
          Gb[k] += g * g;
          this.bias[k] -= (learningRate * g) / Math.sqrt(Gb[k]);
        }
        // Classes the model already rules out barely move: skip them (a large speed-up).
        let nActive = 0;
        let gradSq = 0;
        for (let k = 0; k < K; k++) {
          if (grad[k] > 1e-3 || grad[k] < -1e-3) {
            active[nActive++] = k;
            gradSq += grad[k] * grad[k];
          }
        }
        for (let j = 0; j < x.idx.length; j++) {
          const f = x.idx[j];
          const base = f * K;
          const v = x.val[j];
          G[f] += (gradSq * v * v) / K;
          const step = learningRate / Math.sqrt(G[f]);
          for (let a = 0; a < nActive; a++) {
            const at = base + active[a];
            W[at] -= step * (grad[active[a]] * v + l2 * W[at]);
          }
        }
      }
    }
  }
}

/**
 * Cosine nearest neighbours over the training examples (TF-IDF weighted sparse vectors, inverted
 * index). A second opinion for the linear model: when the closest examples carry another label,
 * the linear model's confidence is not taken at face value.
 */
import type { SparseVector } from './softmax-regression';

/** One neighbour: its label index and cosine similarity. */
export interface Neighbor {
  label: number;
  similarity: number;
}

/** An inverted index of labelled sparse vectors (compressed rows: one flat array per field). */
export class NearestNeighbors {
  private readonly idf: Float64Array;
  /** Postings of feature f: `example[offset[f] .. offset[f + 1])` with their weights. */
  private readonly offset: Int32Array;
  /** Example indices (16-bit while there are few enough examples: less memory read per query). */
  private readonly example: Uint16Array | Int32Array;
  private readonly weight: Float64Array;
  private readonly labels: Int32Array;
  /** Per-example score accumulator, reused by `query` (zeroed after each use). */
  private readonly scores: Float64Array;

  constructor(vectors: SparseVector[], labels: Int32Array, nFeatures: number) {
    this.labels = labels;
    this.scores = new Float64Array(vectors.length);
    const df = new Float64Array(nFeatures);
    for (const v of vectors) for (const f of v.idx) df[f]++;
    this.idf = df.map((d) => (d > 0 ? Math.log((vectors.length + 1) / (d + 1)) + 1 : 0));
    // Features in more than a tenth of the examples ("cho", "hỏi", "không") say little about which
    // example is closest but make most of the work: they count in the norms, not in the search.
    const common = vectors.length / 10;
    const indexed = (f: number): boolean => df[f] <= common;
    this.offset = new Int32Array(nFeatures + 1);
    for (const v of vectors) for (const f of v.idx) if (indexed(f)) this.offset[f + 1]++;
    for (let f = 0; f < nFeatures; f++) this.offset[f + 1] += this.offset[f];
    this.example = vectors.length <= 0x10000 ? new Uint16Array(this.offset[nFeatures]) : new Int32Array(this.offset[nFeatures]);
    this.weight = new Float64Array(this.offset[nFeatures]);
    const fill = this.offset.slice(0, nFeatures);
    vectors.forEach((v, e) => {
      const w = this.weigh(v);
      for (let j = 0; j < v.idx.length; j++) {
        const f = v.idx[j];
        if (!indexed(f)) continue;
        this.example[fill[f]] = e;
        this.weight[fill[f]++] = w[j];
      }
    });
  }

  /** TF-IDF weights of `v`, L2-normalized. */
  private weigh(v: SparseVector): Float64Array {
    const w = new Float64Array(v.idx.length);
    let norm = 0;
    for (let j = 0; j < v.idx.length; j++) {
      w[j] = v.val[j] * (this.idf[v.idx[j]] ?? 0);
      norm += w[j] * w[j];
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < w.length; j++) w[j] /= norm;
    return w;
  }

  /**
   * The `k` most similar examples, best first; equally similar ones in the order the search first
   * reaches them (by the first of `v`'s features they have, then by example).
   */
  query(v: SparseVector, k: number): Neighbor[] {
    const w = this.weigh(v);
    const { scores, offset, example, weight } = this;
    // Every weight is positive: an example scores 0 only when none of its features is asked.
    for (let j = 0; j < v.idx.length; j++) {
      const f = v.idx[j];
      if (f < 0 || f + 1 >= offset.length) continue;
      const wj = w[j];
      const end = offset[f + 1];
      // Four postings a step (a feature's postings are distinct examples: the same sums, faster).
      let n = offset[f];
      for (; n + 4 <= end; n += 4) {
        scores[example[n]] += wj * weight[n];
        scores[example[n + 1]] += wj * weight[n + 1];
        scores[example[n + 2]] += wj * weight[n + 2];
        scores[example[n + 3]] += wj * weight[n + 3];
      }
      for (; n < end; n++) scores[example[n]] += wj * weight[n];
    }
    const best: Neighbor[] = [];
    const bestExample: number[] = [];
    for (let e = 0; e < scores.length; e++) {
      const similarity = scores[e];
      if (similarity === 0) continue;
      scores[e] = 0;
      let at = best.length;
      // Examples come in increasing order: an equally similar one goes first only if reached by an earlier feature.
      while (
        at > 0 &&
        (best[at - 1].similarity < similarity ||
          (best[at - 1].similarity === similarity && this.firstFeature(v, e) < this.firstFeature(v, bestExample[at - 1])))
      )
        at--;
      if (at >= k) continue;
      best.splice(at, 0, { label: this.labels[e], similarity });
      bestExample.splice(at, 0, e);
      if (best.length > k) {
        best.pop();
        bestExample.pop();
      }
    }
    return best;
  }

  /** The position in `v` of the first feature example `e` has (the search reaches it there). */
  private firstFeature(v: SparseVector, e: number): number {
    const { offset, example } = this;
    for (let j = 0; j < v.idx.length; j++) {
      const f = v.idx[j];
      if (f < 0 || f + 1 >= offset.length) continue;
      // Postings are in example order.
      let lo = offset[f];
      let hi = offset[f + 1];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (example[mid] < e) lo = mid + 1;
        else hi = mid;
      }
      if (lo < offset[f + 1] && example[lo] === e) return j;
    }
    return v.idx.length;
  }
}

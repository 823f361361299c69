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

/** The examples a query touched, in first-touch order (scratch shared by every index: a query runs to its end alone). */
let touchedScratch = new Int32Array(0);

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

  /** The `k` most similar examples, best first. */
  query(v: SparseVector, k: number): Neighbor[] {
    const w = this.weigh(v);
    const { scores, offset, example, weight } = this;
    if (touchedScratch.length < scores.length) touchedScratch = new Int32Array(scores.length);
    const touched = touchedScratch;
    let nTouched = 0;
    for (let j = 0; j < v.idx.length; j++) {
      const f = v.idx[j];
      if (f < 0 || f + 1 >= offset.length) continue;
      const wj = w[j];
      const end = offset[f + 1];
      for (let n = offset[f]; n < end; n++) {
        const e = example[n];
        if (scores[e] === 0) touched[nTouched++] = e;
        scores[e] += wj * weight[n];
      }
    }
    const best: Neighbor[] = [];
    for (let t = 0; t < nTouched; t++) {
      const e = touched[t];
      const similarity = scores[e];
      scores[e] = 0;
      if (best.length === k && similarity <= best[k - 1].similarity) continue;
      let at = best.length;
      while (at > 0 && best[at - 1].similarity < similarity) at--;
      best.splice(at, 0, { label: this.labels[e], similarity });
      if (best.length > k) best.pop();
    }
    return best;
  }
}

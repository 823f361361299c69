/**
 * Temperature scaling (Guo et al., 2017): one scalar T that makes softmax(logits / T)
 * match the observed accuracy on examples the model did not train on.
 * https://arxiv.org/abs/1706.04599
 */

/** Mean negative log-likelihood of the gold labels under softmax(logits / t). */
function negLogLikelihood(logits: Float64Array[], labels: number[], t: number): number {
  let nll = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    let max = -Infinity;
    for (let k = 0; k < z.length; k++) if (z[k] > max) max = z[k];
    let sum = 0;
    for (let k = 0; k < z.length; k++) sum += Math.exp((z[k] - max) / t);
    nll += Math.log(sum) - (z[labels[i]] - max) / t;
  }
  return nll / Math.max(logits.length, 1);
}

/** Finds the temperature in [0.2, 10] minimizing the negative log-likelihood (default: 1 with no data). */
export function fitTemperature(logits: Float64Array[], labels: number[]): number {
  if (logits.length === 0) return 1;
  let lo = Math.log(0.2);
  let hi = Math.log(10);
  const phi = (Math.sqrt(5) - 1) / 2;
  // Golden-section search on log T; 30 steps narrow the range to ~1e-6 of its width.
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = negLogLikelihood(logits, labels, Math.exp(a));
  let fb = negLogLikelihood(logits, labels, Math.exp(b));
  for (let step = 0; step < 30; step++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = negLogLikelihood(logits, labels, Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = negLogLikelihood(logits, labels, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * Temperature scaling (Guo et al., 2017): one scalar T that makes softmax(logits / T)
 * match the observed accuracy on examples the model did not train on.
 * https://arxiv.org/abs/1706.04599
 */
import { softmax } from './softmax-regression';

function negLogLikelihood(logits: Float64Array[], labels: number[], t: number): number {
  let nll = 0;
  for (let i = 0; i < logits.length; i++) nll -= Math.log(Math.max(softmax(logits[i], t)[labels[i]], 1e-12));
  return nll / Math.max(logits.length, 1);
}

/** Finds the temperature in [0.2, 10] minimizing the negative log-likelihood (default: 1 with no data). */
export function fitTemperature(logits: Float64Array[], labels: number[]): number {
  if (logits.length === 0) return 1;
  let lo = Math.log(0.2);
  let hi = Math.log(10);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 40; step++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (negLogLikelihood(logits, labels, Math.exp(a)) < negLogLikelihood(logits, labels, Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

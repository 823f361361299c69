/** Vietnamese text folding for keyword matching (places, report details). */
import { foldDiacritics as foldMarks } from './normalize';

/** Lower-cases, removes diacritics (đ → d) and turns punctuation into single spaces. */
export function foldDiacritics(text: string): string {
  return foldMarks(text.normalize('NFC').toLowerCase())
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Vietnamese text folding for keyword matching (places, report details, emergency words). */
import { foldDiacritics as foldMarks } from './normalize';

/** Lower-cases, removes diacritics (đ → d) and turns punctuation into single spaces. */
export function foldDiacritics(text: string): string {
  return foldMarks(text.normalize('NFC').toLowerCase())
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Lower-cases (NFC) and turns punctuation into single spaces, keeping the diacritics ("cháy" is not "chạy"). */
export function lowerWords(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

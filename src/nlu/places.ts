/**
 * Communes and wards (xã, phường) named in a citizen's text: the province's current units by name and
 * aliases, and former units (before the 1/7/2025 merger) mapped to the unit that replaced them. Matched
 * with and without diacritics, and with the usual abbreviations (x., p., TT); the longest name wins, and
 * a name written with its kind ("xã Tân Thành B") beats a bare one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCsv } from '../knowledge/csv';
import { foldDiacritics, lowerWords } from './fold';

/** A unit the text may name: its code (the agency code of its People's Committee) and the names it goes by. */
export interface Place {
  code: string;
  names: string[];
}

/** A place found in a text: the unit's code and the words that named it. */
export interface PlaceMention {
  code: string;
  /** The folded name that matched, e.g. "xa tan thanh b". */
  matched: string;
  /** True when the name is a former unit's. */
  former: boolean;
}

/** A former unit's name and the current unit's code, from `knowledge/ward-aliases.csv`. */
export interface FormerName {
  name: string;
  code: string;
}

const KIND_PREFIX = /^(ubnd\s+)?(xã|phường|thị trấn)\s+/;
/** Abbreviations of the kind words: "x. Tân Hồng", "P.An Bình", "TT Sa Rài". */
const ABBREVIATIONS: Record<string, string[]> = { xã: ['x'], phường: ['p', 'f'], 'thị trấn': ['tt'] };

/** The spellings of one name (with diacritics): as written, without "UBND", and with the kind abbreviated. */
function spellings(name: string): { text: string; prefixed: boolean }[] {
  const m = lowerWords(name);
  const kind = m.match(KIND_PREFIX);
  if (!kind) return [{ text: m, prefixed: false }];
  const rest = m.slice(kind[0].length);
  return [kind[2], ...ABBREVIATIONS[kind[2]]].map((k) => ({ text: `${k} ${rest}`, prefixed: true }));
}

interface Entry {
  text: string;
  code: string;
  prefixed: boolean;
  former: boolean;
}

/** Finds places in texts; build it once per list of units. */
export class PlaceMatcher {
  /** Names with their diacritics, and the same names folded ("Tân Thạnh" and "Tân Thành" differ only in the first). */
  private readonly exact: Entry[] = [];
  private readonly folded: Entry[] = [];

  constructor(places: Place[], former: FormerName[] = []) {
    const add = (name: string, code: string, isFormer: boolean) => {
      for (const s of spellings(name)) {
        // A bare name of 3 letters or fewer ("an") would match ordinary words.
        if (s.text.replace(/ /g, '').length < 4) continue;
        this.exact.push({ ...s, code, former: isFormer });
        this.folded.push({ ...s, text: foldDiacritics(s.text), code, former: isFormer });
      }
    };
    for (const p of places) for (const n of p.names) add(n, p.code, false);
    for (const f of former) add(f.name, f.code, true);
    // Longest first; at equal length a name with its kind first.
    const order = (a: Entry, b: Entry) => b.text.length - a.text.length || Number(b.prefixed) - Number(a.prefixed);
    this.exact.sort(order);
    this.folded.sort(order);
  }

  /**
   * The places the text names, best first (a name written with its diacritics, then a longer one, then
   * one with its kind), each unit once. Folded names match texts typed without diacritics.
   */
  find(text: string): PlaceMention[] {
    const found = new Map<string, PlaceMention & { score: number }>();
    const pass = (entries: Entry[], haystack: string, bonus: number) => {
      const taken: [number, number][] = [];
      for (const e of entries) {
        for (let at = haystack.indexOf(` ${e.text} `); at >= 0; at = haystack.indexOf(` ${e.text} `, at + 1)) {
          const span: [number, number] = [at + 1, at + 1 + e.text.length];
          // Inside a longer name already taken ("tân thành" in "xã tân thành b"): not a mention of its own.
          if (taken.some(([a, b]) => span[0] < b && a < span[1] && (a !== span[0] || b !== span[1]))) continue;
          taken.push(span);
          const score = bonus + e.text.length + (e.prefixed ? 100 : 0);
          const before = found.get(e.code);
          if (!before || before.score < score)
            found.set(e.code, { code: e.code, matched: foldDiacritics(e.text), former: e.former, score });
        }
      }
    };
    pass(this.exact, ` ${lowerWords(text)} `, 1000);
    pass(this.folded, ` ${foldDiacritics(text)} `, 0);
    return [...found.values()].sort((a, b) => b.score - a.score).map(({ code, matched, former }) => ({ code, matched, former }));
  }
}

const formerCache = new Map<string, FormerName[]>();

/**
 * The former names of `ward-aliases.csv` in the knowledge directory `dir` (columns `old_name`,
 * `new_code`, `source`), read once per process; none when the file is absent.
 */
export function readFormerNames(dir: string): FormerName[] {
  const path = resolve(dir, 'ward-aliases.csv');
  let names = formerCache.get(path);
  if (!names) {
    names = existsSync(path)
      ? parseCsv(readFileSync(path, 'utf8'), ['old_name', 'new_code']).records.map((r) => ({
          name: r.values.old_name.trim(),
          code: r.values.new_code.trim(),
        }))
      : [];
    formerCache.set(path, names);
  }
  return names;
}

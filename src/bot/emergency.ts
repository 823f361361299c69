/** The emergency catalog of `bot.yml`: which number's advice answers an emergency message. */
import { FALLBACK_INTENT } from '../nlu/types';
import { foldDiacritics, lowerWords } from '../nlu/fold';
import { notAPresentDanger } from '../nlu/present-danger';
import type { BotDefinition } from './definition';

/** One entry of the emergency catalog. */
export type EmergencyNumber = BotDefinition['emergency'][number];

/** The intents that are emergencies (each once, in catalog order). */
export function emergencyIntents(def: BotDefinition): string[] {
  return [...new Set(def.emergency.map((e) => e.intent))];
}

/**
 * The catalog entry for an emergency message: among the intent's entries, the one whose trigger words
 * occur most in the text (112 within khan_cap_114 for drowning, a capsized boat, a landslide…), else
 * the intent's first entry. Words are compared with diacritics when the message has them ("cháy" is
 * not "chạy"), folded when it has none.
 */
export function emergencyFor(def: BotDefinition, intent: string, text: string): EmergencyNumber | null {
  return pick(def, intent, text)?.entry ?? null;
}

/**
 * An emergency the intent engine was unsure about: an emergency intent among the top candidates
 * (at least `floor`) whose trigger words are in the message ("ghe bị lật, 2 người mất tích"). Null
 * otherwise, and for a message that tells no danger going on (`notAPresentDanger`: fire-safety
 * paperwork, a theft of last night, thanks once the fire is out).
 */
export function emergencyByWords(def: BotDefinition, candidates: { name: string; confidence: number }[], text: string, floor = 0.2) {
  for (const c of candidates) {
    if (c.confidence < floor) continue;
    const found = pick(def, c.name, text);
    // The kind check only for a message the catalog's words would make an emergency (the rare case).
    if (found && found.score > 0) return notAPresentDanger(text) ? null : { intent: c.name, entry: found.entry };
  }
  return null;
}

/** Faintest candidate that still makes a handed-over message a possible emergency (default: 0.05). */
export const POSSIBLE_EMERGENCY_FLOOR = 0.05;

/**
 * A message the engine handed over (`nlu_fallback`) with an emergency intent among its three best
 * candidates at `floor` or more: that intent's catalog entry (as `emergencyFor` picks it), or null;
 * null too when the message tells no danger going on (`notAPresentDanger`).
 */
export function possibleEmergency(
  def: BotDefinition,
  parse: { intent_ranking: { name: string; confidence: number }[] },
  text: string,
  floor = POSSIBLE_EMERGENCY_FLOOR,
): EmergencyNumber | null {
  const urgent = new Set(emergencyIntents(def));
  const best = parse.intent_ranking
    .filter((r) => r.name !== FALLBACK_INTENT)
    .slice(0, 3)
    .find((r) => urgent.has(r.name) && r.confidence >= floor);
  return best && !notAPresentDanger(text) ? emergencyFor(def, best.name, text) : null;
}

function pick(def: BotDefinition, intent: string, text: string): { entry: EmergencyNumber; score: number } | null {
  const entries = def.emergency.filter((e) => e.intent === intent);
  if (entries.length === 0) return null;
  const lower = lowerWords(text);
  const folded = foldDiacritics(text);
  // With diacritics when the message has them, folded when it has none.
  const [form, haystack] = lower !== folded ? [lowerWords, ` ${lower} `] : [foldDiacritics, ` ${folded} `];
  const score = (e: EmergencyNumber) => e.words.filter((w) => haystack.includes(` ${form(w)} `)).length;
  let best = entries[0];
  let bestScore = score(best);
  for (const e of entries.slice(1)) {
    const s = score(e);
    if (s > bestScore) [best, bestScore] = [e, s];
  }
  return { entry: best, score: bestScore };
}

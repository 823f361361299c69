/** Inputs of the dialogue policy for the bot tests: the shipped bot definition, NLU results, a weekday morning. */
import { join } from 'node:path';
import { loadBotDefinition } from '../../src/bot/definition';
import type { KnowledgeView, PolicyInput } from '../../src/bot/policy';
import type { ParseResult } from '../../src/nlu/types';

/** The shipped bot definition. */
export const def = loadBotDefinition(join(__dirname, '../../bots/dongthap-1022'));

/** A Tuesday 10:00 in Vietnam (03:00 UTC): within office hours. */
export const TUESDAY_10 = new Date('2026-11-24T03:00:00Z');

/** An NLU result: the intent, its ranking as [name, confidence] pairs, and entities. */
export function parsed(
  name: string,
  confidence: number,
  ranking: [string, number][] = [],
  entities: ParseResult['entities'] = [],
): ParseResult {
  return { text: '', intent: { name, confidence }, intent_ranking: ranking.map(([n, c]) => ({ name: n, confidence: c })), entities };
}

/** A message in a bot-held conversation without a ticket, read as a fallback, on Tuesday 10:00; `over` replaces any of it. */
export function policyInput(kb: KnowledgeView, over: Partial<PolicyInput>): PolicyInput {
  return {
    def,
    kb,
    state: 'bot',
    context: {},
    hasOpenTicket: false,
    text: 'x',
    parse: parsed('nlu_fallback', 0.1),
    style: 'short',
    now: TUESDAY_10,
    ...over,
  };
}

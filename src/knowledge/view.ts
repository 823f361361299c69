/**
 * The bot's in-memory view of the live knowledge base (database copy), reloaded after edits,
 * so answers change within seconds of a publish without a restart.
 */
import type { Database } from '../db/database';
import { formatProcedureAnswer, formatServiceAnswer, voiceFor, type AnswerVoice, type ProcedureAnswerOptions } from './format-answer';
import type { Procedure, ServiceAnswer } from './schema';
import type { BotDefinition } from '../bot/definition';
import { nextOpening } from '../bot/office-hours';
import type { Answer, KnowledgeView } from '../bot/policy';

/** Service intents that open tickets, with the field to use when nothing better is known. */
const SERVICE_FIELDS: Record<string, string> = { phan_anh_kien_nghi: 'thai_do_can_bo' };

/** How the bot definition addresses citizens, for procedure answers. */
export function voiceOf(def: BotDefinition): AnswerVoice {
  return voiceFor(def.register, def.messages.ask_more);
}

/** A KnowledgeView over the database, cached in memory. */
export class LiveKnowledge implements KnowledgeView {
  private procedures = new Map<string, Procedure>();
  private services = new Map<string, ServiceAnswer>();

  private readonly voice: AnswerVoice;

  constructor(private readonly db: Database, private readonly def: BotDefinition) {
    this.voice = voiceOf(def);
  }

  /** Reloads everything from the database. */
  async reload(): Promise<void> {
    const [p, s] = await Promise.all([
      this.db.query<{ intent: string; data: Procedure }>('SELECT intent, data FROM kb_procedures'),
      this.db.query<{ id: string; data: ServiceAnswer }>('SELECT id, data FROM kb_services'),
    ]);
    this.procedures = new Map(p.rows.map((r) => [r.intent, r.data]));
    const services = new Map<string, ServiceAnswer>();
    for (const r of s.rows) services.set(r.id, r.data);
    // By intent: the answer whose id is the intent, else any of the intent (khan_cap_112 is one of khan_cap_114's).
    for (const r of s.rows) if (!services.has(r.data.intent)) services.set(r.data.intent, r.data);
    this.services = services;
  }

  procedureAnswer(intent: string, style: 'short' | 'full', options: ProcedureAnswerOptions = {}): Answer | null {
    const p = this.procedures.get(intent);
    if (!p) return null;
    const a = formatProcedureAnswer(p, style, { voice: this.voice, ...options });
    const aspects = options.aspects?.length ? `:${options.aspects.join('+')}` : '';
    return { id: `${intent}:${style}${aspects}`, text: a.text, quickReplies: a.quickReplies };
  }

  serviceAnswer(intentOrId: string): Answer | null {
    const s = this.services.get(intentOrId);
    if (!s) return null;
    const a = formatServiceAnswer(s, { next_open: nextOpening(this.def, new Date()) });
    return { id: s.id, text: a.text, quickReplies: a.quickReplies };
  }

  title(intent: string): string | null {
    return this.procedures.get(intent)?.title ?? null;
  }

  field(intent: string): string | null {
    return this.procedures.get(intent)?.field ?? this.services.get(intent)?.field ?? SERVICE_FIELDS[intent] ?? null;
  }
}

/** The bot definition (`<BOT_DIR>/bot.yml`): texts, office hours and thresholds, validated. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const perChannel = z.object({ default: z.string().min(1) }).catchall(z.string().min(1));

/** How the bot addresses citizens. */
export const REGISTERS = ['anh/chị', 'Quý khách'] as const;

/** One emergency number of the catalog: what it is for, its advice and the words that pick it. */
const emergencyEntry = z.object({
  number: z.string().regex(/^\d{3}$/),
  /** The (fixed) intent whose messages it answers; several numbers may share one. */
  intent: z.string().regex(/^khan_cap_\d{3}$/),
  for: z.string().min(1),
  /** Ticket field of the emergency ticket. */
  field: z.string().min(1),
  words: z.array(z.string().min(1)).default([]),
  /** The knowledge-base service answer (id) holding the advice; falls back to the intent's answer. */
  answer: z.string().regex(/^[a-z][a-z0-9_]*$/),
});

const schema = z.object({
  name: z.string(),
  province: z.string(),
  timezone: z.string().default('Asia/Ho_Chi_Minh'),
  register: z.enum(REGISTERS),
  receipt: perChannel,
  ticket_receipt: perChannel,
  report_receipt: perChannel,
  office_hours: z.object({
    days: z.array(z.number().int().min(1).max(7)),
    open: z.string().regex(/^\d\d:\d\d$/),
    close: z.string().regex(/^\d\d:\d\d$/),
    holidays: z.array(z.string().regex(/^\d{4}-\d\d-\d\d$/)).default([]),
  }),
  messages: z.record(z.string(), z.string()),
  quick_replies: z.object({ after_answer: z.array(z.string()) }),
  nlu: z.object({ fallback_threshold: z.number().min(0).max(1), ambiguity_threshold: z.number().min(0).max(1) }),
  tickets: z.object({ due_hours: z.record(z.string(), z.number().positive()) }),
  emergency: z.array(emergencyEntry).min(1),
});

/** A validated bot definition. */
export type BotDefinition = z.infer<typeof schema>;

/** Reads and validates `<dir>/bot.yml`; errors name the file and the field. */
export function loadBotDefinition(dir: string): BotDefinition {
  const file = join(dir, 'bot.yml');
  const result = schema.safeParse(parse(readFileSync(file, 'utf8')));
  const issues = result.success
    ? registerIssues(result.data).map(
        (path) => `  ${path}: addresses citizens as "${otherRegister(result.data.register)}", not "${result.data.register}"`,
      )
    : result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  if (!result.success || issues.length > 0) throw new Error(`Invalid bot definition ${file}:\n${issues.join('\n')}`);
  return result.data;
}

const otherRegister = (r: BotDefinition['register']) => REGISTERS.find((x) => x !== r)!;

/** Paths of the definition's texts written in the register it does not use (one register for every text). */
export function registerIssues(def: BotDefinition): string[] {
  const other = otherRegister(def.register).toLowerCase();
  const found: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (path !== 'register' && v.toLowerCase().includes(other)) found.push(path);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(def, '');
  return found;
}

/** A template for a channel (falls back to `default`), with `{placeholders}` filled. */
export function renderTemplate(t: Record<string, string>, channel: string, vars: Record<string, string> = {}): string {
  const text = t[channel] ?? t.default;
  return fillPlaceholders(text, vars);
}

/** Replaces `{name}` placeholders; unknown ones are left as they are. */
export function fillPlaceholders(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

/** A named message of the definition with placeholders filled. */
export function message(def: BotDefinition, key: string, vars: Record<string, string> = {}): string {
  const text = def.messages[key];
  if (text === undefined) throw new Error(`bot.yml has no message "${key}"`);
  return fillPlaceholders(text, vars);
}

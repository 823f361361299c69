/** The bot definition (`<BOT_DIR>/bot.yml`): texts, office hours and thresholds, validated. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const perChannel = z.object({ default: z.string().min(1) }).catchall(z.string().min(1));

const schema = z.object({
  name: z.string(),
  province: z.string(),
  timezone: z.string().default('Asia/Ho_Chi_Minh'),
  receipt: perChannel,
  ticket_receipt: perChannel,
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
});

/** A validated bot definition. */
export type BotDefinition = z.infer<typeof schema>;

/** Reads and validates `<dir>/bot.yml`; errors name the file and the field. */
export function loadBotDefinition(dir: string): BotDefinition {
  const file = join(dir, 'bot.yml');
  const result = schema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid bot definition ${file}:\n${lines.join('\n')}`);
  }
  return result.data;
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

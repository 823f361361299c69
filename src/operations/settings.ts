/**
 * Console settings (`GET/PUT /api/settings`): receipts, greeting, office hours, the agency reply mode,
 * the sign-in page's credit line and live chat's pre-chat form.
 *
 * How they override `bot.yml` at once: the overrides are stored in `kv_state` (key `console:settings`)
 * and applied IN PLACE onto the one `ctx.bot` object that the pipeline, the policy and the live
 * knowledge view all read on every message — no restart, no second copy to keep in sync. The file's
 * values are remembered the first time overrides are applied, so removing an override restores them.
 * The greeting is the text of the `chao_hoi` service answer in the knowledge base (versioned like any edit).
 */
import { z } from 'zod';
import type { BotDefinition } from '../bot/definition';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import { kvGet, kvSet } from '../store/kv';

/** The kv_state key of the overrides. */
export const SETTINGS_KEY = 'console:settings';

const perChannel = z.object({ default: z.string().trim().min(1).max(4000) }).catchall(z.string().trim().min(1).max(4000));
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'phải có dạng HH:MM');
const prechatField = z.enum(['off', 'optional', 'required']);

/** Live chat's pre-chat form: on/off, each field hidden, optional or required, and the consent text (see operations/prechat.ts). */
const prechatSchema = z.object({
  enabled: z.boolean(),
  name: prechatField,
  phone: prechatField,
  consentText: z.string().trim().min(20, 'Nội dung đồng ý quá ngắn').max(4000),
});

/** What an admin may override (every key optional in a PUT). */
export const settingsSchema = z.object({
  receipt: perChannel,
  ticketReceipt: perChannel,
  greeting: z.string().trim().min(1).max(4000),
  officeHours: z.object({
    days: z.array(z.number().int().min(1).max(7)).max(7),
    open: hhmm,
    close: hhmm,
    holidays: z.array(z.string().regex(/^\d{4}-\d\d-\d\d$/, 'phải có dạng YYYY-MM-DD')).max(400),
  }),
  agencyReplyMode: z.enum(['direct', 'approval']),
  /** The credit line under the console's sign-in page ('' shows none). */
  footerCredit: z.string().trim().max(200),
  /** Live chat's pre-chat form (default: off). */
  livechatPrechat: prechatSchema,
});

/** The sign-in page's credit line until an admin sets one (no department named: agencies merge and rename). */
const DEFAULT_FOOTER_CREDIT = 'Tổng đài Thông tin dịch vụ công 1022 tỉnh Đồng Tháp';

/** Live chat's pre-chat form until an admin sets one: off; when switched on, name and phone optional. */
export const DEFAULT_PRECHAT: z.infer<typeof prechatSchema> = {
  enabled: false,
  name: 'optional',
  phone: 'optional',
  consentText:
    'Tôi đồng ý để Tổng đài 1022 tỉnh Đồng Tháp thu thập và xử lý họ tên, số điện thoại và nội dung trò chuyện của tôi ' +
    'để tiếp nhận, trả lời và chuyển cơ quan có thẩm quyền giải quyết yêu cầu, theo Nghị định 13/2023/NĐ-CP về bảo vệ ' +
    'dữ liệu cá nhân. Dữ liệu chỉ được dùng cho mục đích này; tôi có thể yêu cầu xem, sửa hoặc xoá dữ liệu của mình qua tổng đài 1022.',
};

/** The credit line the sign-in page shows (public: read before signing in). */
export async function footerCredit(q: Queryable): Promise<string> {
  return (await storedOverrides(q)).footerCredit ?? DEFAULT_FOOTER_CREDIT;
}

/** The effective settings. */
export type ConsoleSettings = z.infer<typeof settingsSchema>;
/** Stored overrides. */
export type SettingsOverrides = Partial<Omit<ConsoleSettings, 'greeting'>>;

// The bot.yml values, captured before the first override is applied.
const fileValues = new WeakMap<BotDefinition, Pick<BotDefinition, 'receipt' | 'ticket_receipt' | 'office_hours'>>();

function baseOf(bot: BotDefinition) {
  let base = fileValues.get(bot);
  if (!base) {
    base = structuredClone({ receipt: bot.receipt, ticket_receipt: bot.ticket_receipt, office_hours: bot.office_hours });
    fileValues.set(bot, base);
  }
  return base;
}

/** Applies stored overrides onto `bot` in place (the file's values where nothing is overridden). */
export function applyOverrides(bot: BotDefinition, o: SettingsOverrides): void {
  const base = baseOf(bot);
  bot.receipt = o.receipt ? { ...o.receipt } : structuredClone(base.receipt);
  bot.ticket_receipt = o.ticketReceipt ? { ...o.ticketReceipt } : structuredClone(base.ticket_receipt);
  bot.office_hours = o.officeHours ? { ...o.officeHours } : structuredClone(base.office_hours);
}

/** The stored overrides (empty when none). */
export async function storedOverrides(q: Queryable): Promise<SettingsOverrides> {
  return (await kvGet<SettingsOverrides>(q, SETTINGS_KEY)) ?? {};
}

/** How agency answers reach citizens (default: direct). */
export async function agencyReplyMode(q: Queryable): Promise<'direct' | 'approval'> {
  return (await storedOverrides(q)).agencyReplyMode ?? 'direct';
}

async function greetingRow(q: Queryable): Promise<{ id: string; data: Record<string, unknown>; version: number } | null> {
  const r = await q.query<{ id: string; data: Record<string, unknown>; version: number }>(
    `SELECT id, data, version FROM kb_services WHERE intent = 'chao_hoi' ORDER BY id LIMIT 1`,
  );
  return r.rows[0] ?? null;
}

/** The effective settings: bot.yml, overridden by what admins saved. */
export async function readSettings(ctx: AppContext): Promise<ConsoleSettings> {
  const o = await storedOverrides(ctx.db);
  const g = await greetingRow(ctx.db);
  return {
    receipt: { ...ctx.bot.receipt },
    ticketReceipt: { ...ctx.bot.ticket_receipt },
    greeting: typeof g?.data.text === 'string' ? g.data.text : '',
    officeHours: { ...ctx.bot.office_hours },
    agencyReplyMode: o.agencyReplyMode ?? 'direct',
    footerCredit: o.footerCredit ?? DEFAULT_FOOTER_CREDIT,
    livechatPrechat: o.livechatPrechat ?? DEFAULT_PRECHAT,
  };
}

/** Saves a change, applies it to the running bot and reloads the knowledge view when the greeting changed. */
export async function saveSettings(ctx: AppContext, patch: Partial<ConsoleSettings>, userId: string): Promise<ConsoleSettings> {
  const { greeting, ...rest } = patch;
  const next = await ctx.db.transaction(async (tx) => {
    const merged: SettingsOverrides = { ...(await storedOverrides(tx)), ...rest };
    await kvSet(tx, SETTINGS_KEY, merged);
    if (greeting !== undefined) {
      const g = await greetingRow(tx);
      if (g && g.data.text !== greeting) {
        const data = { ...g.data, text: greeting };
        await tx.query(
          `UPDATE kb_services SET data = $2::jsonb, version = version + 1, updated_by = $3, updated_at = now() WHERE id = $1`,
          [g.id, JSON.stringify(data), userId],
        );
        await tx.query(`INSERT INTO kb_versions (item_kind, item_id, version, data, user_id) VALUES ('service', $1, $2, $3::jsonb, $4)`, [
          g.id,
          g.version + 1,
          JSON.stringify(data),
          userId,
        ]);
      }
    }
    return merged;
  });
  applyOverrides(ctx.bot, next);
  if (greeting !== undefined) await ctx.knowledge.reload();
  return readSettings(ctx);
}

/** Applies the stored overrides at start. */
export async function loadSettings(ctx: AppContext): Promise<void> {
  applyOverrides(ctx.bot, await storedOverrides(ctx.db));
}

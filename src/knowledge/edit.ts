/**
 * Editing the live knowledge base: every save is a new version (optimistic locking on the version
 * number, so a stale editor gets a 409 instead of overwriting someone else's change), recorded in
 * `kb_versions` with its author; a restore is a save of an old version's data. After a save the
 * bot's in-memory view is reloaded at once and the intent engine retrained in the background, so
 * the next answer uses the change within seconds, without a restart.
 */
import type { User } from '../store/users';
import { decide, type Decision } from '../bot/policy';
import type { ChannelCapabilities, QuickReply } from '../channels/kit/contract';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { answerFit, formatProcedureAnswer, formatServiceAnswer } from './format-answer';
import { voiceOf } from './view';
import { z } from 'zod';
import { Procedure, ServiceAnswer } from './schema';
import type { ParseResult } from '../nlu/types';
import { scaleReply } from '../pipeline/scale';
import { existingAgencyCodes, fieldCodes } from '../store/directory';
import { logEvent } from '../store/events';
import { getKbItem, getKbVersion, hasKbVersion, insertKbVersion, listKbVersions, updateKbItem, type KbItem, type KbKind } from './store';
import { actorOf } from '../operations/conversation-actions';
import { scheduleRetrain } from '../operations/retrain';

/** One difference between two versions. */
export interface DiffEntry {
  path: string;
  before: unknown;
  after: unknown;
}

/** Differences between two JSON values, by path (`documents.2`, `title`); arrays compared item by item. */
export function diffJson(before: unknown, after: unknown, path = ''): DiffEntry[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: DiffEntry[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...diffJson(i < before.length ? before[i] : null, i < after.length ? after[i] : null, path ? `${path}.${i}` : String(i)));
    }
    return out;
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffJson(before[k] ?? null, after[k] ?? null, path ? `${path}.${k}` : k));
  }
  return [{ path: path || '(root)', before: before ?? null, after: after ?? null }];
}

/** Validates an item's data for its kind (400 with every problem). */
async function validate(ctx: AppContext, kind: KbKind, id: string, data: unknown): Promise<Record<string, unknown>> {
  if (kind === 'procedure') {
    const p = Procedure.safeParse(data);
    if (!p.success) throw new HttpError(400, 'Thủ tục chưa hợp lệ', p.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    if (p.data.intent !== id) throw new HttpError(400, `Không được đổi mã ý định (${id} → ${p.data.intent})`);
    if (!(await fieldCodes(ctx.db)).has(p.data.field)) throw new HttpError(400, `Lĩnh vực "${p.data.field}" không có trong danh mục`);
    const known = await existingAgencyCodes(ctx.db, p.data.agency_codes);
    const unknown = p.data.agency_codes.filter((c) => !known.has(c));
    if (unknown.length) throw new HttpError(400, `Mã cơ quan không có trong danh bạ: ${unknown.join(', ')}`);
    return p.data as unknown as Record<string, unknown>;
  }
  const s = ServiceAnswer.safeParse(data);
  if (!s.success) throw new HttpError(400, 'Câu trả lời chưa hợp lệ', s.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  if (s.data.id !== id) throw new HttpError(400, `Không được đổi mã câu trả lời (${id} → ${s.data.id})`);
  if (s.data.field !== null && !(await fieldCodes(ctx.db)).has(s.data.field)) throw new HttpError(400, `Lĩnh vực "${s.data.field}" không có trong danh mục`);
  return s.data as unknown as Record<string, unknown>;
}

const NOUN: Record<KbKind, string> = { procedure: 'thủ tục', service: 'câu trả lời' };

/** The current item, or 404. */
export async function kbItemOr404(ctx: AppContext, kind: KbKind, id: string): Promise<KbItem> {
  const item = await getKbItem(ctx.db, kind, id);
  if (!item) throw new HttpError(404, `Không tìm thấy ${NOUN[kind]} ${id}`);
  return item;
}

/** Saves data as a new version; 409 when `baseVersion` is not the current one. */
export async function saveKbItem(
  ctx: AppContext,
  user: User,
  kind: KbKind,
  id: string,
  data: unknown,
  baseVersion: number | null,
  restoredFrom?: number,
): Promise<{ version: number; diff: DiffEntry[] }> {
  const valid = await validate(ctx, kind, id, data);
  const result = await ctx.db.transaction(async (tx) => {
    const current = await getKbItem(tx, kind, id, true);
    if (!current) throw new HttpError(404, `Không tìm thấy ${NOUN[kind]} ${id}`);
    if (baseVersion !== null && current.version !== baseVersion) {
      throw new HttpError(409, `${NOUN[kind][0].toUpperCase()}${NOUN[kind].slice(1)} đã được ${current.updatedBy ?? 'người khác'} sửa (phiên bản ${current.version}); hãy tải lại rồi sửa tiếp`, {
        currentVersion: current.version,
        updatedBy: current.updatedBy,
        updatedAt: current.updatedAt,
      });
    }
    const diff = diffJson(current.data, valid);
    if (diff.length === 0) return { version: current.version, diff, changed: false };
    // Items seeded without a version record get one, so that the first edit can be diffed and undone.
    if (!(await hasKbVersion(tx, kind, id, current.version))) await insertKbVersion(tx, kind, id, current.version, current.data, null);
    const version = current.version + 1;
    await updateKbItem(tx, kind, id, valid, version, user.id);
    await insertKbVersion(tx, kind, id, version, valid, user.id);
    await logEvent(tx, {
      type: restoredFrom ? 'kb_restored' : 'kb_saved',
      actor: actorOf(user),
      data: { kind, id, version, restoredFrom: restoredFrom ?? null, paths: diff.map((d) => d.path).slice(0, 50) },
    });
    return { version, diff, changed: true };
  });
  if (result.changed) await publish(ctx);
  return { version: result.version, diff: result.diff };
}

/** Makes the bot use the live copy now: reload the view, retrain in the background. */
export async function publish(ctx: AppContext): Promise<void> {
  await ctx.knowledge.reload();
  void scheduleRetrain(ctx);
}

/** Versions of an item, newest first, each with its differences from the one before. */
export async function kbVersions(ctx: AppContext, kind: KbKind, id: string): Promise<{ version: number; user: string | null; createdAt: Date; diff: DiffEntry[] }[]> {
  const item = await kbItemOr404(ctx, kind, id);
  const versions = await listKbVersions(ctx.db, kind, id);
  if (!versions.some((v) => v.version === item.version)) {
    versions.unshift({ version: item.version, data: item.data, user: item.updatedBy, createdAt: item.updatedAt });
  }
  return versions.map((v, i) => ({
    version: v.version,
    user: v.user,
    createdAt: v.createdAt,
    diff: i + 1 < versions.length ? diffJson(versions[i + 1].data, v.data) : [],
  }));
}

/** Restores an old version's data as a new version. */
export async function restoreKbVersion(ctx: AppContext, user: User, kind: KbKind, id: string, version: number, baseVersion: number | null): Promise<{ version: number; diff: DiffEntry[] }> {
  const data = await getKbVersion(ctx.db, kind, id, version);
  if (!data) throw new HttpError(404, `Không có phiên bản ${version} của ${NOUN[kind]} ${id}`);
  return saveKbItem(ctx, user, kind, id, data, baseVersion, version);
}

/**
 * Capabilities used for previews of channels that are not enabled on this server: the providers'
 * documented limits (Zalo 2,000 characters, no quick replies; Messenger 2,000 characters, 13 quick
 * replies of 20; e-mail long-form).
 */
export const PREVIEW_CAPABILITIES: Record<string, ChannelCapabilities> = {
  zalo: { maxTextLength: 2000, quickReplies: null, attachments: true, replyWindowMs: null, longForm: false },
  facebook: { maxTextLength: 2000, quickReplies: { max: 13, maxTitleLength: 20 }, attachments: true, replyWindowMs: null, longForm: false },
  email: { maxTextLength: 100_000, quickReplies: null, attachments: true, replyWindowMs: null, longForm: true },
  livechat: { maxTextLength: 4000, quickReplies: { max: 10, maxTitleLength: 40 }, attachments: true, replyWindowMs: null, longForm: false },
  edongthap: { maxTextLength: 4000, quickReplies: { max: 10, maxTitleLength: 40 }, attachments: false, replyWindowMs: null, longForm: false },
};

/** How a channel shows one answer. */
export interface ChannelPreview {
  text: string;
  parts: string[];
  quickReplies: QuickReply[];
}

function capabilitiesOf(ctx: AppContext, channel: string): ChannelCapabilities {
  return ctx.channels.get(channel as never)?.capabilities ?? PREVIEW_CAPABILITIES[channel];
}

function scaled(text: string, quickReplies: QuickReply[], caps: ChannelCapabilities): ChannelPreview {
  const s = scaleReply(text, quickReplies, caps);
  return { text: s.parts.join('\n\n'), parts: s.parts, quickReplies: s.quickReplies };
}

/**
 * The bot's answer for a procedure (or service answer) being edited, as each channel would show it
 * after scaling. Incomplete drafts are previewed with empty parts rather than refused.
 */
export function previewAnswer(ctx: AppContext, input: { procedure?: unknown; service?: unknown }): Record<string, ChannelPreview> {
  const out: Record<string, ChannelPreview> = {};
  if (input.procedure !== undefined) {
    const raw = (input.procedure && typeof input.procedure === 'object' ? input.procedure : {}) as Record<string, unknown>;
    // Every list of the schema defaults to empty and every text to '', whatever the draft lacks.
    const draft: Record<string, unknown> = {};
    for (const [key, type] of Object.entries(Procedure.shape)) {
      const v = raw[key];
      const isList = type instanceof z.ZodArray || (type instanceof z.ZodDefault && type.def.innerType instanceof z.ZodArray);
      draft[key] = isList ? (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []) : typeof v === 'string' ? v : null;
    }
    const p = {
      ...draft,
      intent: draft.intent ?? 'tt_xem_truoc',
      title: draft.title ?? '',
      summary: draft.summary ?? '',
      agency: draft.agency ?? '',
      processing_time: draft.processing_time ?? '',
      fee: draft.fee ?? '',
      last_reviewed: /^\d{4}-\d{2}-\d{2}$/.test(String(draft.last_reviewed ?? '')) ? draft.last_reviewed : new Date().toISOString().slice(0, 10),
    } as unknown as Procedure;
    for (const channel of Object.keys(PREVIEW_CAPABILITIES)) {
      const caps = capabilitiesOf(ctx, channel);
      const a = formatProcedureAnswer(p, caps.longForm ? 'full' : 'short', { fit: answerFit(caps), voice: voiceOf(ctx.bot) });
      out[channel] = scaled(a.text, a.quickReplies, caps);
    }
    return out;
  }
  const parsed = ServiceAnswer.partial().safeParse(input.service ?? {});
  const s = { id: 'xem_truoc', intent: 'xem_truoc', field: null, text: '', quick_replies: [], ...(parsed.success ? parsed.data : {}) } as ServiceAnswer;
  for (const channel of Object.keys(PREVIEW_CAPABILITIES)) {
    const a = formatServiceAnswer(s);
    out[channel] = scaled(a.text, a.quickReplies, capabilitiesOf(ctx, channel));
  }
  return out;
}

/** "Try the bot": what the engine understood, what the policy decided, and the answer a citizen would get. */
export async function tryBot(
  ctx: AppContext,
  text: string,
  channel: string | undefined,
): Promise<{ parse: ParseResult; decision: { intent: string; confidence: number; actions: Record<string, unknown>[] }; answer: ChannelPreview | null }> {
  const parse = await ctx.nlu.parse(text);
  const caps = channel ? capabilitiesOf(ctx, channel) : undefined;
  const decision: Decision = decide({
    def: ctx.bot,
    kb: ctx.knowledge,
    state: 'bot',
    context: {},
    hasOpenTicket: false,
    text,
    parse,
    style: caps?.longForm ? 'full' : 'short',
    fit: caps && answerFit(caps),
    now: new Date(),
  });
  const reply = decision.actions.find((a) => a.type === 'reply');
  const answer = reply && reply.type === 'reply' ? (caps ? scaled(reply.text, reply.quickReplies, caps) : { text: reply.text, parts: [reply.text], quickReplies: reply.quickReplies }) : null;
  return {
    parse,
    decision: { intent: decision.intent, confidence: Math.round(decision.confidence * 1000) / 1000, actions: decision.actions.map((a) => ({ ...a })) },
    answer,
  };
}

/**
 * Live chat's pre-chat form (admin settings `livechatPrechat`): name and phone, each hidden, optional or
 * required, and a consent to the processing of personal data under Nghị định 13/2023/NĐ-CP that must be
 * ticked whenever the form is on. The server is the gate: a citizen without a recorded consent cannot
 * open a conversation while the form is on, whatever the browser sends.
 */
import { z } from 'zod';
import { sha256Hex } from '../channels/kit/helpers';
import type { PrechatForm, PrechatResult } from '../channels/kit/contract';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import { hasConsent, insertConsent } from '../store/consents';
import { resolveIdentity } from '../store/contacts';
import { openConversationId } from '../store/conversations';
import { DEFAULT_PRECHAT, storedOverrides } from './settings';

/** The purpose consents of this form are recorded under. */
const PRECHAT_PURPOSE = 'prechat';

/** The version of a consent text: the first 12 hex digits of its SHA-256 (the hash recorded with each consent). */
const consentVersion = (text: string): string => sha256Hex(text).slice(0, 12);

/** The configured form, with the version of its consent text. */
export async function prechatForm(q: Queryable): Promise<PrechatForm> {
  const s = (await storedOverrides(q)).livechatPrechat ?? DEFAULT_PRECHAT;
  return { ...s, consentVersion: consentVersion(s.consentText) };
}

/**
 * A Vietnamese phone number in its national form (`0…`), or null: a mobile number (10 digits, 03/05/07/08/09)
 * or a landline (11 digits, 02 and the province code, e.g. 0277 for Đồng Tháp). `+84`/`84` prefixes, spaces,
 * dots and dashes are accepted.
 */
function normalizeVietnamesePhone(raw: string): string | null {
  let digits = raw.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (/^84\d{9,10}$/.test(digits)) digits = `0${digits.slice(2)}`;
  if (/^0[35789]\d{8}$/.test(digits) || /^02\d{9}$/.test(digits)) return digits;
  return null;
}

const blankToUndefined = (v: unknown) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v);

const nameSchema = z
  .string({ error: 'Vui lòng nhập họ và tên.' })
  .trim()
  .min(2, 'Vui lòng nhập họ và tên.')
  .max(100, 'Họ và tên quá dài (tối đa 100 ký tự).')
  // eslint-disable-next-line no-control-regex -- control characters have no place in a name
  .refine((s) => !/[\u0000-\u001f\u007f<>]/.test(s), 'Họ và tên có ký tự không hợp lệ.');

const phoneSchema = z
  .string({ error: 'Vui lòng nhập số điện thoại.' })
  .max(30, 'Số điện thoại không hợp lệ.')
  .transform((s, ctx) => {
    const phone = normalizeVietnamesePhone(s);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'Số điện thoại không hợp lệ (di động 10 số hoặc máy bàn 11 số, ví dụ 0912345678).' });
      return z.NEVER;
    }
    return phone;
  });

function field<T extends z.ZodType<string>>(mode: 'optional' | 'required', schema: T) {
  return mode === 'required' ? z.preprocess(blankToUndefined, schema) : z.preprocess(blankToUndefined, schema.optional()).optional();
}

/** The schema of a submission of `form`; a field the form hides is dropped. */
function prechatSubmission(form: PrechatForm) {
  return z.object({
    ...(form.name === 'off' ? {} : { name: field(form.name, nameSchema) }),
    ...(form.phone === 'off' ? {} : { phone: field(form.phone, phoneSchema) }),
    consent: z.literal(true, { error: 'Vui lòng đánh dấu đồng ý xử lý dữ liệu cá nhân để bắt đầu trò chuyện.' }),
    consentVersion: z
      .string({ error: 'Nội dung đồng ý đã thay đổi, vui lòng tải lại trang.' })
      .refine((v) => v === form.consentVersion, 'Nội dung đồng ý vừa được cập nhật, vui lòng đọc lại và đồng ý.'),
  });
}

/** Validates a submitted form and records it: name and phone on the citizen's contact, and the consent with its exact text. */
export async function submitPrechat(ctx: AppContext, channel: string, externalUserId: string, raw: unknown): Promise<PrechatResult> {
  const form = await prechatForm(ctx.db);
  if (!form.enabled) return { ok: false, error: 'Biểu mẫu trước khi trò chuyện đang tắt.', field: 'form' };
  const parsed = prechatSubmission(form).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0];
    const f = key === 'name' || key === 'phone' ? key : key === 'consent' || key === 'consentVersion' ? 'consent' : 'form';
    return { ok: false, error: issue?.message ?? 'Biểu mẫu không hợp lệ.', field: f };
  }
  const { name, phone } = parsed.data as { name?: string; phone?: string };
  await ctx.db.transaction(async (tx) => {
    const who = await resolveIdentity(tx, channel, externalUserId, { displayName: name, phone }, new Date());
    // What the citizen declares now replaces what an earlier form said.
    if (name || phone) {
      await tx.query(
        `UPDATE contacts SET display_name = COALESCE($2, display_name), phone = COALESCE($3, phone), updated_at = now() WHERE id = $1`,
        [who.contactId, name ?? null, phone ?? null],
      );
    }
    await insertConsent(tx, {
      contactId: who.contactId,
      channel,
      externalId: externalUserId,
      purpose: PRECHAT_PURPOSE,
      text: form.consentText,
      textHash: sha256Hex(form.consentText),
      name: name ?? null,
      phone: phone ?? null,
    });
  });
  return { ok: true };
}

/**
 * Whether a citizen may write now. With the form on, a new conversation needs a recorded consent; a
 * conversation already open (started before the form was switched on) goes on.
 */
export async function mayWrite(q: Queryable, channel: string, externalUserId: string): Promise<boolean> {
  const form = await prechatForm(q);
  if (!form.enabled) return true;
  if (await hasConsent(q, channel, externalUserId, PRECHAT_PURPOSE)) return true;
  return (await openConversationId(q, channel, externalUserId)) !== null;
}

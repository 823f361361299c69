/**
 * Schemas of the knowledge base seed (`knowledge/`): procedures, service answers, ticket fields and agencies.
 * The files are the reviewed source; the database holds the live copy (see `read-files.ts`, `write-files.ts`).
 */
import { z } from 'zod';

/** The 33 procedure intents of `intents.md` (fixed names). */
export const PROCEDURE_INTENTS = [
  'tt_khai_sinh',
  'tt_khai_tu',
  'tt_ket_hon',
  'tt_xac_nhan_hon_nhan',
  'tt_trich_luc_ho_tich',
  'tt_cai_chinh_ho_tich',
  'tt_nhan_cha_me_con',
  'tt_thuong_tru',
  'tt_tam_tru',
  'tt_can_cuoc',
  'tt_dinh_danh_dien_tu',
  'tt_ho_chieu',
  'tt_chung_thuc_ban_sao',
  'tt_chung_thuc_chu_ky',
  'tt_ly_lich_tu_phap',
  'tt_doi_gplx',
  'tt_sat_hach_gplx',
  'tt_dang_ky_xe',
  'tt_cap_so_do',
  'tt_chuyen_nhuong_dat',
  'tt_giay_phep_xay_dung',
  'tt_ho_kinh_doanh',
  'tt_thanh_lap_doanh_nghiep',
  'tt_an_toan_thuc_pham',
  'tt_tro_cap_that_nghiep',
  'tt_bhxh_mot_lan',
  'tt_the_bhyt',
  'tt_tro_cap_xa_hoi',
  'tt_tuyen_sinh',
  'tt_ban_sao_van_bang',
  'tt_nop_ho_so_truc_tuyen',
  'tt_buu_chinh_cong_ich',
  'tt_thanh_toan_truc_tuyen',
] as const;

/** The service intents of `intents.md` (fixed names). */
export const SERVICE_INTENTS = [
  'tra_cuu_ho_so',
  'tra_cuu_phan_anh',
  'phan_anh_kien_nghi',
  'su_co_ha_tang',
  'vi_pham',
  'khan_cap_113',
  'khan_cap_114',
  'khan_cap_115',
  'khieu_nai_to_cao',
  'gap_tong_dai_vien',
  'chao_hoi',
  'cam_on_tam_biet',
  'thong_tin_tong_dai',
  'nlu_fallback',
] as const;

/** Longest quick-reply title we allow: Messenger cuts at 20 characters. */
export const QUICK_REPLY_TITLE_MAX = 20;

const code = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case code (a-z, 0-9, _)');
const text = z.string().trim().min(1, 'must not be empty');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const httpsUrl = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');

/** Level of the competent agency: commune, province, central, or a vertical agency (police, social insurance…). */
export const AgencyLevel = z.enum(['xa', 'tinh', 'trung_uong', 'co_quan_doc']);
export type AgencyLevel = z.infer<typeof AgencyLevel>;

/** One administrative procedure as the bot explains it. */
export const Procedure = z
  .object({
    intent: z.string().regex(/^tt_[a-z0-9_]+$/, 'must be a procedure intent (tt_…)'),
    title: text,
    field: code,
    summary: text,
    agency: text,
    level: AgencyLevel,
    /** Codes of `agencies.csv` that receive or decide this procedure (default: none). */
    agency_codes: z.array(code).default([]),
    documents: z.array(text).min(1, 'must list at least one document'),
    processing_time: text,
    fee: text,
    where: z.array(text).min(1, 'must list at least one way to submit'),
    online_url: httpsUrl.nullable(),
    legal_basis: z.array(text).min(1, 'must cite at least one legal text'),
    recent_changes: z.array(text).default([]),
    /** Shown to citizens in the detailed view. */
    notes: z.array(text).default([]),
    /** For editors only (unsourced points, what to verify); never shown to citizens. */
    review_notes: z.array(text).default([]),
    sources: z.array(text).min(1, 'must cite at least one source'),
    last_reviewed: isoDate,
  })
  .strict();
export type Procedure = z.infer<typeof Procedure>;

/** A button under an answer. */
export const QuickReplyItem = z
  .object({
    title: text.max(QUICK_REPLY_TITLE_MAX, `must be at most ${QUICK_REPLY_TITLE_MAX} characters`),
    payload: text,
  })
  .strict();
export type QuickReplyItem = z.infer<typeof QuickReplyItem>;

/** A ready-made answer of a service intent (greeting, emergency guidance, formal route…). */
export const ServiceAnswer = z
  .object({
    id: code,
    intent: code,
    /** Ticket field when the intent opens a ticket and nothing more specific is known (default: none). */
    field: code.nullable().default(null),
    /** May hold placeholders such as {next_open}, filled in by `formatServiceAnswer`. */
    text,
    quick_replies: z.array(QuickReplyItem).default([]),
  })
  .strict();
export type ServiceAnswer = z.infer<typeof ServiceAnswer>;

/** The service answers file. */
export const ServicesFile = z.object({ answers: z.array(ServiceAnswer) }).strict();

/** A ticket field (lĩnh vực), one row of `fields.csv`. */
export const Field = z
  .object({
    code,
    name: text,
    sort_order: z.number('must be a number').int('must be an integer'),
  })
  .strict();
export type Field = z.infer<typeof Field>;

/** What an agency is: a provincial department, a vertical (central) agency, a commune/ward, or other (utilities, hotlines). */
export const AgencyKind = z.enum(['department', 'vertical', 'commune', 'other']);
export type AgencyKind = z.infer<typeof AgencyKind>;

const list = z.array(text);

/** An agency tickets can be forwarded to, one row of `agencies.csv`. */
export const Agency = z
  .object({
    code,
    name: text,
    kind: AgencyKind,
    parent: code.nullable(),
    phone: z.string().trim().min(1).nullable(),
    /** The focal points' address, or several separated by ";" or "," (all are mailed when a ticket is forwarded). */
    email: z
      .string()
      .trim()
      .regex(/^[^\s@;,]+@[^\s@;,]+(\s*[;,]\s*[^\s@;,]+@[^\s@;,]+)*$/, 'must be an e-mail address, or several separated by ";"')
      .nullable(),
    fields: z.array(code),
    aliases: list,
    notes: z.string().trim().min(1).nullable(),
  })
  .strict();
export type Agency = z.infer<typeof Agency>;

/** Everything read from the knowledge directory. */
export interface KnowledgeSeed {
  procedures: Procedure[];
  services: ServiceAnswer[];
  fields: Field[];
  agencies: Agency[];
}

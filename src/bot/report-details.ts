/**
 * Reports (phản ánh, sự cố, vi phạm): which field a report belongs to and which details
 * (where, when) the citizen has not given yet. Keyword rules on diacritics-folded text.
 */
import { foldDiacritics } from '../nlu/fold';

const WHERE =
  /\b(ap|xa|phuong|duong|khom|so nha|cho|cau|kenh|quoc lo|ql\s?\d|tinh lo|dt\s?\d|to dan pho|hem|kiem|thi tran|truong|benh vien|gan|truoc|doi dien|nga (ba|tu))\b/;
const WHEN =
  /\b(hom nay|hom qua|hom kia|sang|trua|chieu|toi|dem|khuya|luc|\d{1,2}\s?(h|gio)|ngay \d|tuan|thang|nam nay|dang|vua|moi|may ngay|lau roi|tu \d)\b/;

/** Details still missing from a report: a Vietnamese phrase per missing item (photo is always welcome). */
export function missingReportDetails(text: string): string[] {
  const t = foldDiacritics(text);
  const missing: string[] = [];
  if (!WHERE.test(t)) missing.push('địa điểm cụ thể (số nhà, đường, ấp/khóm, xã/phường)');
  if (!WHEN.test(t)) missing.push('thời gian xảy ra');
  if (missing.length > 0) missing.push('hình ảnh nếu có');
  return missing;
}

const INFRA_FIELDS: [RegExp, string][] = [
  [/\b(mat dien|cup dien|dien|day dien|tru dien|chap dien)\b/, 'ha_tang_dien'],
  [/\b(mat nuoc|nuoc may|ong nuoc|vo ong|cup nuoc|nuoc sinh hoat)\b/, 'ha_tang_nuoc'],
  [/\b(den duong|den chieu sang|den tin hieu)\b/, 'ha_tang_chieu_sang'],
  [/\b(ngap|cong|thoat nuoc|nuoc thai|rac|mui hoi)\b/, 'moi_truong'],
  [/\b(duong|o ga|o voi|cau|sat lo|lun|ke|cay nga|cay do|cay gay)\b/, 'ha_tang_giao_thong'],
  [/\b(internet|mang|song dien thoai|cap quang|vien thong)\b/, 'vien_thong'],
];

const VIOLATION_FIELDS: [RegExp, string][] = [
  [/\b(xay dung|xay nha|xay trai phep|co noi|lan chiem|lan duong|via he|long duong)\b/, 'trat_tu_do_thi'],
  [/\b(o nhiem|xa thai|khoi|bui|tieng on|rac thai)\b/, 'moi_truong'],
  [
    /\b(an toan thuc pham|thuc pham ban|ngo doc|hang gia|hang nhai|buon lau|hang lau|phan bon|thuoc bao ve thuc vat|thuoc tru sau)\b/,
    'thi_truong',
  ],
];

/** The ticket field of a report, from its wording; null when nothing matches. */
export function reportField(intent: string, text: string): string | null {
  const t = foldDiacritics(text);
  const table = intent === 'su_co_ha_tang' ? INFRA_FIELDS : intent === 'vi_pham' ? VIOLATION_FIELDS : [];
  for (const [re, field] of table) if (re.test(t)) return field;
  if (intent === 'phan_anh_kien_nghi' && /\b(thai do|can bo|nhung nhieu|sach nhieu|cham tre|hach dich)\b/.test(t)) return 'thai_do_can_bo';
  return null;
}

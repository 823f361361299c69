/**
 * The Vietnamese names of the codes the API carries (ticket statuses, priorities, channels, roles, the
 * processing log's events…), one text per code for the web console, the exports and the processing log.
 * Plain data: the console bundles this module and the server imports it, so it imports types only.
 */
import type { ChannelName, OutboundPurpose } from '../channels/kit/contract';
import type { AgencyKind, AgencyLevel } from '../knowledge/schema';
import type { AgencyNotificationKind } from '../store/agency-notifications';
import type { ConversationState } from '../store/conversations';
import type { Actor } from '../store/events';
import type { MessageStatus } from '../store/messages';
import type { PresenceStatus } from '../store/presence';
import type { ContentType, Priority, TicketStatus } from '../store/tickets';
import type { Role } from '../store/users';
import type { AlertKind } from './events';

/** Channels, in the order filters list them. */
export const CHANNEL_LABELS: Readonly<Record<ChannelName, string>> = {
  zalo: 'Zalo',
  facebook: 'Messenger',
  email: 'Email',
  livechat: 'Chat web',
  edongthap: 'e-DongThap',
  phone: 'Điện thoại',
};

/** Ticket statuses, from new to closed. */
export const TICKET_STATUS_LABELS: Readonly<Record<TicketStatus, string>> = {
  new: 'Mới',
  assigned: 'Đã phân công',
  in_progress: 'Đang xử lý',
  forwarded: 'Đã chuyển cơ quan',
  answered: 'Đã trả lời',
  closed: 'Đã đóng',
};

/** Ticket priorities, from low to urgent. */
export const PRIORITY_LABELS: Readonly<Record<Priority, string>> = { low: 'Thấp', normal: 'Bình thường', high: 'Cao', urgent: 'Khẩn' };

/** What a citizen's request is (a ticket's content type). */
export const CONTENT_TYPE_LABELS: Readonly<Record<ContentType, string>> = {
  hoi_dap: 'Hỏi đáp',
  phan_anh: 'Phản ánh',
  kien_nghi: 'Kiến nghị',
  khieu_nai: 'Khiếu nại',
  to_cao: 'Tố cáo',
  to_giac: 'Tố giác tội phạm',
  khac: 'Khác',
};

/** What an agency's focal points are told (the console's bell). */
export const AGENCY_NOTIFICATION_LABELS: Readonly<Record<AgencyNotificationKind, string>> = {
  forwarded: 'Phiếu mới chuyển đến',
  due_soon: 'Sắp đến hạn trả lời',
  overdue: 'Đã quá hạn trả lời',
};

/** Conversation states. */
export const CONVERSATION_STATE_LABELS: Readonly<Record<ConversationState, string>> = {
  bot: 'Bot đang trả lời',
  waiting: 'Chờ tổng đài viên',
  operator: 'Tổng đài viên đang xử lý',
  closed: 'Đã đóng',
};

/** Console roles, from most to least powerful. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'Quản trị viên',
  supervisor: 'Giám sát viên',
  operator: 'Tổng đài viên',
  agency: 'Đầu mối cơ quan',
};

/** Who did a step of the processing log. */
export const ACTOR_LABELS: Readonly<Record<Actor['kind'], string>> = {
  citizen: 'Công dân',
  bot: 'Trợ lý ảo',
  system: 'Hệ thống',
  ...ROLE_LABELS,
};

/** Where an outbound message stands. */
export const MESSAGE_STATUS_LABELS: Readonly<Record<MessageStatus, string>> = {
  received: 'Đã nhận',
  queued: 'Đang chờ gửi',
  sending: 'Đang gửi',
  sent: 'Đã gửi',
  delivered: 'Đã đến máy',
  read: 'Đã xem',
  failed: 'Gửi thất bại',
};

/** Why an outbound message was sent. */
export const PURPOSE_LABELS: Readonly<Record<OutboundPurpose, string>> = {
  receipt: 'Tin báo nhận',
  ticket_receipt: 'Thông báo mã phiếu',
  answer: 'Trả lời tự động',
  reply: 'Trả lời',
  notice: 'Thông báo',
  csat: 'Mời đánh giá',
};

/** The processing log's event types (an unknown type is shown as it is). */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  conversation_opened: 'Mở cuộc hội thoại',
  message_received: 'Nhận tin nhắn của công dân',
  receipt_sent: 'Đã gửi tin báo nhận tự động',
  ticket_receipt_sent: 'Đã gửi mã phiếu cho công dân',
  message_sent: 'Tin nhắn đã gửi đi',
  delivery_failed: 'Gửi tin nhắn thất bại',
  delivery_resent: 'Gửi lại tin nhắn thất bại',
  bot_decision: 'Trợ lý ảo phân tích và xử lý',
  bot_silent: 'Trợ lý ảo không trả lời (tổng đài viên đang xử lý)',
  ticket_created: 'Tạo phiếu',
  escalated: 'Chuyển tổng đài viên',
  taken_over: 'Tổng đài viên tiếp nhận cuộc hội thoại',
  auto_assigned: 'Tự động phân công tổng đài viên',
  reassigned: 'Giám sát viên chuyển cuộc hội thoại cho tổng đài viên khác',
  released_to_bot: 'Trả cuộc hội thoại cho trợ lý ảo',
  replied: 'Trả lời công dân',
  note: 'Ghi chú nội bộ',
  assigned: 'Phân công xử lý',
  updated: 'Cập nhật phiếu',
  forwarded: 'Chuyển cơ quan xử lý',
  closed: 'Đóng phiếu',
  csat_recorded: 'Công dân đánh giá mức độ hài lòng',
  ticket_flagged_urgent: 'Nâng mức khẩn cấp',
  report_details_added: 'Công dân bổ sung thông tin',
  agency_answer_proposed: 'Cơ quan đề xuất câu trả lời',
  agency_answer_approved: 'Duyệt câu trả lời của cơ quan',
  agency_answer_rejected: 'Từ chối câu trả lời của cơ quan',
  contacts_merged: 'Gộp thông tin công dân',
  operator_replied_outside: 'Trả lời từ hộp thư của nhà cung cấp',
  user_login: 'Đăng nhập',
  media_saved: 'Lưu bản sao tệp đính kèm của công dân',
  media_refused: 'Không lưu được tệp đính kèm của công dân',
  attachments_purged: 'Xoá tệp đính kèm theo chính sách lưu trữ',
};

/** Why the bot handed a conversation over or opened a ticket (`reason` of those events). */
export const HANDOVER_REASON_LABELS: Readonly<Record<string, string>> = {
  asked_for_operator: 'người dân yêu cầu gặp tổng đài viên',
  low_confidence: 'trợ lý ảo chưa hiểu câu hỏi',
  fallback: 'trợ lý ảo chưa hiểu câu hỏi',
  urgent: 'nội dung khẩn',
  report: 'phản ánh, kiến nghị',
  report_complete: 'phản ánh đủ thông tin',
  no_answer: 'chưa có câu trả lời sẵn',
  complaint: 'khiếu nại, tố cáo',
  emergency: 'tin báo khẩn cấp',
  possible_emergency: 'có thể khẩn cấp (trợ lý ảo chưa chắc)',
};

/** A ticket's fields, as the processing log and the exports' column headers name them. */
export const TICKET_FIELD_LABELS = {
  code: 'Mã phiếu',
  status: 'Trạng thái',
  channel: 'Kênh tiếp nhận',
  field: 'Lĩnh vực',
  agency: 'Cơ quan xử lý',
  assignee: 'Tổng đài viên',
  priority: 'Mức độ',
  contentType: 'Loại nội dung',
  level: 'Cấp thẩm quyền',
  title: 'Tiêu đề',
  content: 'Nội dung',
  citizen: 'Công dân',
  phone: 'Điện thoại',
  email: 'Thư điện tử',
  createdBy: 'Tạo bởi',
  createdAt: 'Thời điểm tạo',
  dueAt: 'Hạn xử lý',
  firstResponseAt: 'Phản hồi đầu tiên',
  answeredAt: 'Đã trả lời',
  closedAt: 'Đã đóng',
  resolution: 'Kết quả xử lý',
  csat: 'Đánh giá (1-5)',
  recording: 'Ghi âm cuộc gọi',
  toFirstResponse: 'Thời gian đến phản hồi đầu (giờ:phút)',
  toClose: 'Thời gian đến khi đóng (giờ:phút)',
} as const;

/**
 * A duration as "h:mm" (hours keep counting past a day: "26:05"), rounded to the minute; '' for none.
 * The one way response and resolution times are written: exports, the processing log, the dashboard.
 */
export function hoursMinutes(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const m = Math.round(Math.max(0, seconds) / 60);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

/** How long after `from` `to` came, as "sau 2:05 (giờ:phút)", or "—": the processing log and the ticket panel. */
export function durationAfter(from: Date | string | null, to: Date | string | null): string {
  if (!from || !to) return '—';
  return `sau ${hoursMinutes((new Date(to).getTime() - new Date(from).getTime()) / 1000)} (giờ:phút)`;
}

/** Kinds of agencies. */
export const AGENCY_KIND_LABELS: Readonly<Record<AgencyKind, string>> = {
  department: 'Sở, ban, ngành',
  vertical: 'Cơ quan ngành dọc',
  commune: 'UBND xã, phường',
  other: 'Khác',
};

/** Levels of the agency competent for a procedure. */
export const AGENCY_LEVEL_LABELS: Readonly<Record<AgencyLevel, string>> = {
  xa: 'Cấp xã',
  tinh: 'Cấp tỉnh',
  trung_uong: 'Trung ương',
  co_quan_doc: 'Cơ quan ngành dọc',
};

/** The name of `code` in `labels`: the code itself when unknown, `fallback` when there is none (default: "—"). */
export function label(labels: Readonly<Record<string, string>>, code: string | null | undefined, fallback = '—'): string {
  if (!code) return fallback;
  return labels[code] ?? code;
}

/** The codes of a label map, in its order. */
export function codesOf<K extends string>(labels: Readonly<Record<K, string>>): K[] {
  return Object.keys(labels) as K[];
}

/** Operators' presence on the hotline floor. */
export const PRESENCE_LABELS: Readonly<Record<PresenceStatus, string>> = {
  online: 'Sẵn sàng',
  away: 'Tạm vắng',
  offline: 'Ngoại tuyến',
};

/** Floor alerts (banner title). */
export const ALERT_KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  emergency: 'Khẩn cấp',
  long_wait: 'Công dân chờ quá lâu',
  ticket_overdue: 'Phiếu quá hạn xử lý',
};

/** The bot's own intents (procedure intents `tt_…` are named by the knowledge base's titles). */
export const INTENT_LABELS: Readonly<Record<string, string>> = {
  tra_cuu_ho_so: 'Tra cứu hồ sơ',
  tra_cuu_phan_anh: 'Tra cứu phản ánh',
  phan_anh_kien_nghi: 'Phản ánh, kiến nghị',
  su_co_ha_tang: 'Sự cố hạ tầng',
  vi_pham: 'Báo vi phạm',
  khan_cap_113: 'Khẩn cấp — 113',
  khan_cap_114: 'Khẩn cấp — 114',
  khan_cap_115: 'Khẩn cấp — 115',
  khieu_nai_to_cao: 'Khiếu nại, tố cáo',
  gap_tong_dai_vien: 'Gặp tổng đài viên',
  chao_hoi: 'Chào hỏi',
  cam_on_tam_biet: 'Cảm ơn, tạm biệt',
  thong_tin_tong_dai: 'Thông tin tổng đài',
  danh_gia_hai_long: 'Đánh giá mức độ hài lòng',
  nlu_fallback: 'Chưa hiểu câu hỏi',
  out_of_scope: 'Ngoài phạm vi',
};

/**
 * The Vietnamese name of an intent: the bot's own from `INTENT_LABELS`, a procedure's from `titleOf`
 * (the knowledge base's title), else the code; "—" for none.
 */
export function intentLabel(intent: string | null | undefined, titleOf?: (intent: string) => string | null | undefined): string {
  if (!intent) return '—';
  return INTENT_LABELS[intent] ?? titleOf?.(intent) ?? intent;
}

/** What the bot did with a message (`actions` of the processing log's bot decisions; a reply is `reply:<answer id>`). */
export const BOT_ACTION_LABELS: Readonly<Record<string, string>> = {
  reply: 'trả lời',
  open_ticket: 'tạo phiếu',
  flag_urgent: 'nâng mức khẩn cấp',
  escalate: 'chuyển tổng đài viên',
  lookup_ticket: 'tra cứu phiếu',
  verify_ticket: 'xác minh số điện thoại',
  add_report_details: 'bổ sung thông tin phản ánh',
  record_csat: 'ghi nhận đánh giá',
};

/** How sure the engine was, in words (no raw percentages for operators): high, medium or low. */
export function confidenceLabel(confidence: number | null | undefined): string {
  const c = confidence ?? 0;
  return c >= 0.8 ? 'chắc chắn' : c >= 0.5 ? 'khá chắc' : 'chưa chắc';
}

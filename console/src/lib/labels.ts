/** Vietnamese labels for codes the API returns. */
import type { Channel, ConversationState, MessageStatus, Priority, Role, TicketStatus } from './types';

export const CHANNELS: Channel[] = ['zalo', 'facebook', 'email', 'livechat', 'edongthap', 'phone'];

export const channelLabel: Record<string, string> = {
  zalo: 'Zalo',
  facebook: 'Messenger',
  email: 'Email',
  livechat: 'Chat web',
  edongthap: 'e-DongThap',
  phone: 'Điện thoại',
};

export const stateLabel: Record<ConversationState, string> = {
  bot: 'Bot đang trả lời',
  waiting: 'Chờ tổng đài viên',
  operator: 'Tổng đài viên đang xử lý',
  closed: 'Đã đóng',
};

export const TICKET_STATUSES: TicketStatus[] = ['new', 'assigned', 'in_progress', 'forwarded', 'answered', 'closed'];
export const ticketStatusLabel: Record<TicketStatus, string> = {
  new: 'Mới',
  assigned: 'Đã phân công',
  in_progress: 'Đang xử lý',
  forwarded: 'Đã chuyển cơ quan',
  answered: 'Đã trả lời',
  closed: 'Đã đóng',
};

export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
export const priorityLabel: Record<Priority, string> = { low: 'Thấp', normal: 'Bình thường', high: 'Cao', urgent: 'Khẩn' };

export const roleLabel: Record<Role, string> = {
  admin: 'Quản trị',
  supervisor: 'Giám sát',
  operator: 'Tổng đài viên',
  agency: 'Đầu mối cơ quan',
};

export const messageStatusLabel: Record<MessageStatus, string> = {
  received: 'Đã nhận',
  queued: 'Đang chờ gửi',
  sending: 'Đang gửi',
  sent: 'Đã gửi',
  delivered: 'Đã nhận',
  read: 'Đã xem',
  failed: 'Gửi lỗi',
};

export const purposeLabel: Record<string, string> = {
  receipt: 'Tin xác nhận',
  ticket_receipt: 'Xác nhận phiếu',
  answer: 'Trả lời tự động',
  reply: 'Trả lời',
  notice: 'Thông báo',
  csat: 'Khảo sát hài lòng',
};

export const agencyKindLabel: Record<string, string> = {
  department: 'Sở, ban, ngành',
  vertical: 'Cơ quan ngành dọc',
  commune: 'UBND xã, phường',
  other: 'Khác',
};

export const levelLabel: Record<string, string> = {
  xa: 'Cấp xã',
  tinh: 'Cấp tỉnh',
  trung_uong: 'Trung ương',
  co_quan_doc: 'Cơ quan ngành dọc',
};

/** The processing log: what each event type means. */
export const eventLabel: Record<string, string> = {
  conversation_opened: 'Bắt đầu hội thoại',
  message_received: 'Nhận tin nhắn',
  receipt_sent: 'Gửi tin xác nhận',
  ticket_receipt_sent: 'Gửi xác nhận phiếu',
  message_sent: 'Đã gửi tin',
  bot_decision: 'Bot xử lý',
  bot_silent: 'Bot không trả lời',
  ticket_created: 'Tạo phiếu',
  escalated: 'Chuyển tổng đài viên',
  ticket_flagged_urgent: 'Đánh dấu khẩn',
  taken_over: 'Tiếp nhận',
  released_to_bot: 'Trả lại cho bot',
  replied: 'Trả lời người dân',
  operator_replied_outside: 'Trả lời ngoài hạn kênh',
  note: 'Ghi chú nội bộ',
  assigned: 'Phân công',
  updated: 'Cập nhật phiếu',
  forwarded: 'Chuyển cơ quan',
  agency_answer_proposed: 'Cơ quan đề xuất trả lời',
  agency_answer_approved: 'Duyệt trả lời của cơ quan',
  agency_answer_rejected: 'Từ chối trả lời của cơ quan',
  report_details_added: 'Bổ sung thông tin phản ánh',
  delivery_failed: 'Gửi tin lỗi',
  csat_recorded: 'Đánh giá hài lòng',
  closed: 'Đóng phiếu',
  contacts_merged: 'Gộp hồ sơ người dân',
  user_login: 'Đăng nhập',
};

export function label(map: Record<string, string>, key: string | null | undefined, fallback = '—'): string {
  if (!key) return fallback;
  return map[key] ?? key;
}

/** A badge on the ticket page: whether the processing log's hash chain verifies (GET …/log/verify). */
import { api } from '../lib/api';
import { useLoad } from '../lib/hooks';
import type { ChainCheck } from '../lib/types';
import { Icon } from './icons';
import { Chip } from './ui';

/** Checks again whenever the number of events changes. */
export function LogIntegrityBadge({ code, events }: { code: string; events: number }) {
  const check = useLoad(() => api.get<ChainCheck>(`/api/tickets/${encodeURIComponent(code)}/log/verify`), [code, events]);
  if (!check.data) return null;
  if (check.data.ok)
    return (
      <Chip tone="green" className="log-integrity" title={`Đã kiểm tra chuỗi băm của ${check.data.events} sự kiện: không có sửa đổi`}>
        <Icon.shield size={11} /> Nhật ký toàn vẹn
      </Chip>
    );
  const first = check.data.broken[0];
  return (
    <Chip
      tone="red"
      className="chip-strong log-integrity"
      title={`Chuỗi băm không khớp từ sự kiện #${first?.firstBadEventId ?? '?'}: nhật ký đã bị sửa ngoài ứng dụng`}
    >
      <Icon.alert size={11} /> Nhật ký bị sửa đổi
    </Chip>
  );
}

/**
 * What could not be delivered or processed: replies that failed for good (with the provider's
 * reason, re-sendable) and, for supervisors, inbound events that can never be processed.
 */
import { Icon } from '../components/icons';
import { TableCard } from '../components/list-state';
import { Button, Chip, Empty, Link, PageHeader, useKeyedAction } from '../components/ui';
import { CHANNEL_LABELS, PURPOSE_LABELS, label } from '@wire/labels';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useLoad } from '../lib/hooks';
import { useSession } from '../lib/session';
import type { DeadLetter, FailedDelivery } from '../lib/types';

/** The page. */
export default function FailedWorkPage() {
  const { user } = useSession();
  const supervisor = user.role === 'admin' || user.role === 'supervisor';
  const failed = useLoad(() => api.get<FailedDelivery[]>('/api/deliveries/failed'), []);
  const dead = useLoad(() => (supervisor ? api.get<DeadLetter[]>('/api/dead-letters') : Promise.resolve([])), [supervisor]);
  const [busy, run] = useKeyedAction<string>();
  const resend = (m: FailedDelivery) =>
    run(
      m.messageId,
      async () => {
        await api.post(`/api/messages/${encodeURIComponent(m.messageId)}/resend`, {});
        failed.reload();
      },
      'Đã đưa tin nhắn vào hàng đợi gửi lại',
    );
  return (
    <div className="page stack">
      <PageHeader title="Tin gửi lỗi" subtitle="Tin nhắn không gửi được tới người dân và sự kiện không xử lý được, kèm lý do." />
      <TableCard
        title="Tin nhắn gửi lỗi"
        data={failed.data}
        error={failed.error}
        onRetry={failed.reload}
        empty={<Empty icon={<Icon.check size={26} />} title="Không có tin nhắn gửi lỗi" />}
        headers={['Thời điểm', 'Người dân', 'Kênh', 'Loại tin', 'Nội dung', 'Lý do', '']}
        row={(m) => (
          <tr key={m.messageId}>
            <td className="nowrap">{fmtDateTime(m.createdAt)}</td>
            <td>
              <Link to={`/inbox/${encodeURIComponent(m.conversationId)}`}>{m.contactName ?? 'Người dân'}</Link>
              {m.ticketCode && <div className="mono small">{m.ticketCode}</div>}
            </td>
            <td>{label(CHANNEL_LABELS, m.channel)}</td>
            <td>{label(PURPOSE_LABELS, m.purpose ?? 'answer')}</td>
            <td>
              <div className="clamp-2">{m.text}</div>
            </td>
            <td className="small">
              <Chip tone="red">{m.error ?? 'Không rõ'}</Chip>
            </td>
            <td>
              <Button size="sm" icon={<Icon.undo size={14} />} busy={busy === m.messageId} onClick={() => void resend(m)}>
                Gửi lại
              </Button>
            </td>
          </tr>
        )}
      />
      {supervisor && (
        <TableCard
          title="Sự kiện không xử lý được"
          data={dead.data}
          error={dead.error}
          onRetry={dead.reload}
          empty={<Empty icon={<Icon.check size={26} />} title="Không có sự kiện nào bị lỗi" />}
          headers={['Nhận lúc', 'Kênh', 'Lý do']}
          row={(d) => (
            <tr key={d.jobId}>
              <td className="nowrap">{fmtDateTime(d.receivedAt ?? d.failedAt)}</td>
              <td>{label(CHANNEL_LABELS, d.channel)}</td>
              <td className="small">{d.reason}</td>
            </tr>
          )}
        />
      )}
    </div>
  );
}

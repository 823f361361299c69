/**
 * Personal-data access log (Nghị định 13/2023/NĐ-CP): who viewed, exported or searched citizens'
 * data, newest first, with a filter by kind of access and "load more".
 */
import { useState } from 'react';
import { Icon } from '../../components/icons';
import { ListState, Table } from '../../components/list-state';
import { Button, Card, Chip, Empty, Link, PageHeader } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtDateTime } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import type { AccessLogEntry, AccessLogPage } from '../../lib/types';

const ACTIONS: Record<string, { label: string; tone: 'blue' | 'amber' | 'gray' }> = {
  view: { label: 'Xem', tone: 'blue' },
  export: { label: 'Xuất dữ liệu', tone: 'amber' },
  search: { label: 'Tìm kiếm', tone: 'gray' },
};

const SUBJECTS: Record<string, string> = {
  ticket: 'Phiếu',
  conversation: 'Cuộc hội thoại',
  contact: 'Người dân',
  attachment: 'Tệp đính kèm',
  tickets: 'Danh sách phiếu',
  conversations: 'Danh sách hội thoại',
};

function Subject({ e }: { e: AccessLogEntry }) {
  const kind = SUBJECTS[e.subjectKind] ?? e.subjectKind;
  if (e.subjectKind === 'ticket' && e.subjectId)
    return (
      <>
        {kind} <Link to={`/tickets/${encodeURIComponent(e.subjectId)}`}>{e.subjectId}</Link>
      </>
    );
  if (e.subjectKind === 'conversation' && e.subjectId)
    return (
      <>
        {kind} <Link to={`/inbox/${encodeURIComponent(e.subjectId)}`}>{e.subjectId.slice(0, 8)}</Link>
      </>
    );
  return (
    <>
      {kind} {e.subjectId && <span className="mono small">{e.subjectId.slice(0, 12)}</span>}
    </>
  );
}

function details(e: AccessLogEntry): string {
  const d = e.detail as { q?: string; format?: string; filters?: Record<string, string> };
  return [
    d.q && `“${d.q}”`,
    d.format?.toUpperCase(),
    d.filters &&
      Object.entries(d.filters)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The page (admins). */
export default function AccessLogPage() {
  const [action, setAction] = useState('');
  const [more, setMore] = useState<AccessLogEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const first = useLoad(async () => {
    const page = await api.get<AccessLogPage>(`/api/access-log?limit=100${action ? `&action=${action}` : ''}`);
    setMore([]);
    setNext(page.next);
    return page.items;
  }, [action]);
  const loadMore = async () => {
    if (next === null) return;
    const page = await api.get<AccessLogPage>(`/api/access-log?limit=100&before=${next}${action ? `&action=${action}` : ''}`);
    setMore((m) => [...m, ...page.items]);
    setNext(page.next);
  };
  return (
    <div className="page stack">
      <PageHeader
        title="Nhật ký truy cập dữ liệu cá nhân"
        subtitle="Ai đã xem, xuất hoặc tìm kiếm dữ liệu cá nhân của người dân, vào lúc nào, từ địa chỉ nào (Nghị định 13/2023/NĐ-CP)."
        actions={
          <select aria-label="Loại truy cập" value={action} onChange={(ev) => setAction(ev.target.value)}>
            <option value="">Mọi loại truy cập</option>
            {Object.entries(ACTIONS).map(([k, a]) => (
              <option key={k} value={k}>
                {a.label}
              </option>
            ))}
          </select>
        }
      />
      <Card pad={false}>
        <ListState
          data={first.data}
          error={first.error}
          onRetry={first.reload}
          empty={<Empty icon={<Icon.check size={26} />} title="Chưa có lượt truy cập nào" />}
        >
          {(items) => (
            <Table
              className="access-log"
              columns={['Thời điểm', 'Người dùng', 'Truy cập', 'Dữ liệu', 'Chi tiết', 'Địa chỉ IP'].map((h) => (
                <th key={h}>{h}</th>
              ))}
              items={[...items, ...more]}
              row={(e) => (
                <tr key={e.id}>
                  <td className="nowrap">{fmtDateTime(e.createdAt)}</td>
                  <td>{e.username}</td>
                  <td>
                    <Chip tone={ACTIONS[e.action]?.tone ?? 'gray'}>{ACTIONS[e.action]?.label ?? e.action}</Chip>
                  </td>
                  <td>
                    <Subject e={e} />
                  </td>
                  <td className="small">{details(e)}</td>
                  <td className="mono small">{e.ip ?? ''}</td>
                </tr>
              )}
            />
          )}
        </ListState>
      </Card>
      {next !== null && (
        <div>
          <Button onClick={() => void loadMore()}>Xem thêm</Button>
        </div>
      )}
    </div>
  );
}

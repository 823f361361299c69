/** Ticket list with filters, pagination, exports and links to each processing log; agencies see only theirs. */
import { useEffect, useState } from 'react';
import { DateRange } from '../components/date-input';
import { AgencySelect, CodeSelect, FieldSelect } from '../components/selects';
import { ChannelIcon, Icon } from '../components/icons';
import { downloadLogPdf, openLog } from '../components/ticket-panel';
import { ListState, SearchBox, Table } from '../components/list-state';
import { Chip, DownloadButton, Empty, IconButton, Link, Pager, PriorityChip, StatusChip, useToast } from '../components/ui';
import { api, qs } from '../lib/api';
import { dayEndIso, dayStartIso, fmtDateTime, fmtRemaining, fmtWhen, isOverdue } from '../lib/format';
import { useDebounced, useLoad } from '../lib/hooks';
import { CHANNEL_LABELS, codesOf, PRIORITY_LABELS, TICKET_STATUS_LABELS, label } from '@wire/labels';
import { useLiveReload } from '../lib/live';
import { fieldName, useFields } from '../lib/refdata';
import { navigate, setQuery, useRoute } from '../lib/router';
import { canSupervise, useSession } from '../lib/session';
import type { Page, Ticket } from '../lib/types';

const OPEN = 'new,assigned,in_progress,forwarded,answered';
/** The URL's `status` for "every status" (an empty value would be dropped from the URL and read back as the default). */
export const ALL_STATUSES = 'all';
const PAGE_SIZE = 25;

/** The filters of the ticket list, from the URL (shared with the dashboard's links). */
export function ticketParams(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['status', 'channel', 'field', 'agency', 'priority', 'assignee', 'overdue', 'q', 'from', 'to']) {
    const v = q.get(k);
    if (v) out[k] = v;
  }
  return out;
}

function DueCell({ t }: { t: Ticket }) {
  if (t.status === 'closed') return <span className="muted">Đã đóng {fmtWhen(t.closedAt)}</span>;
  if (!t.dueAt) return <span className="muted">—</span>;
  const r = fmtRemaining(t.dueAt);
  return (
    <span className={`due ${r.overdue ? 'overdue' : r.soon ? 'soon' : ''}`} title={fmtDateTime(t.dueAt)}>
      {r.overdue && <Icon.alert size={13} />} {r.text}
    </span>
  );
}

export function TicketsPage() {
  const { user } = useSession();
  const toast = useToast();
  const route = useRoute();
  const fields = useFields();
  const isAgency = user.role === 'agency';
  const params = ticketParams(route.query);
  const statusChoice = params.status ?? OPEN;
  /** The API's status filter: none for "every status". */
  const status = statusChoice === ALL_STATUSES ? undefined : statusChoice;
  const page = Math.max(1, Number(route.query.get('page')) || 1);
  const [q, setQ] = useState(params.q ?? '');
  const dq = useDebounced(q, 350);
  useEffect(() => {
    if ((params.q ?? '') !== dq) setQuery({ q: dq || null, page: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dq]);
  const period = {
    from: params.from ? dayStartIso(params.from.slice(0, 10)) : undefined,
    to: params.to ? dayEndIso(params.to.slice(0, 10)) : undefined,
  };
  const query = { ...params, ...period, status, page, pageSize: PAGE_SIZE };
  const key = JSON.stringify(query);
  const list = useLoad(() => api.get<Page<Ticket>>(`/api/tickets${qs(query)}`), [key]);
  useLiveReload(['ticket'], list.reload);
  const set = (k: string, v: string) => setQuery({ [k]: v || null, page: null });
  /** A select bound to the filter `k` of the URL. */
  const filter = (k: string) => ({ value: params[k] ?? '', onChange: (v: string) => set(k, v) });

  const items = list.data?.items;
  const filtered = Object.keys(params).filter((k) => k !== 'status').length > 0 || statusChoice !== OPEN;

  return (
    <div className="page">
      <div className="page-header">
        <div className="grow">
          <h1>{isAgency ? 'Phiếu được chuyển đến cơ quan' : 'Phiếu yêu cầu'}</h1>
          <div className="page-subtitle">
            {isAgency
              ? 'Các phiếu tổng đài 1022 chuyển đến cơ quan của bạn. Phiếu quá hạn được tô đỏ.'
              : 'Mọi phiếu từ các kênh và cuộc gọi, kèm hạn xử lý và nhật ký.'}
          </div>
        </div>
        {canSupervise(user) && (
          <div className="page-actions">
            <DownloadButton path={`/api/export/tickets.csv${qs({ ...params, ...period, status })}`} name="phieu-1022.csv">
              CSV
            </DownloadButton>
            <DownloadButton path={`/api/export/tickets.xlsx${qs({ ...params, ...period, status })}`} name="phieu-1022.xlsx">
              Excel
            </DownloadButton>
          </div>
        )}
      </div>
      <div className="filter-bar">
        <SearchBox value={q} onChange={setQ} placeholder="Mã phiếu, tên, số điện thoại, nội dung…" label="Tìm phiếu" />
        <select
          aria-label="Trạng thái"
          value={statusChoice}
          onChange={(e) => setQuery({ status: e.target.value === OPEN ? null : e.target.value, page: null })}
        >
          <option value={OPEN}>Đang mở</option>
          <option value={ALL_STATUSES}>Tất cả trạng thái</option>
          {codesOf(TICKET_STATUS_LABELS).map((s) => (
            <option key={s} value={s}>
              {TICKET_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        <CodeSelect labels={CHANNEL_LABELS} label="Kênh" empty="Mọi kênh" {...filter('channel')} />
        <FieldSelect label="Lĩnh vực" empty="Mọi lĩnh vực" {...filter('field')} />
        {!isAgency && <AgencySelect label="Cơ quan" empty="Mọi cơ quan" {...filter('agency')} />}
        <CodeSelect labels={PRIORITY_LABELS} label="Mức độ" empty="Mọi mức độ" {...filter('priority')} />
        <label className="toggle-chip danger">
          <input type="checkbox" checked={params.overdue === '1'} onChange={(e) => set('overdue', e.target.checked ? '1' : '')} /> Quá hạn
        </label>
        {!isAgency && (
          <label className="toggle-chip">
            <input type="checkbox" checked={params.assignee === 'me'} onChange={(e) => set('assignee', e.target.checked ? 'me' : '')} /> Của
            tôi
          </label>
        )}
        <DateRange
          clearable
          from={params.from?.slice(0, 10) ?? ''}
          to={params.to?.slice(0, 10) ?? ''}
          onFrom={(v) => set('from', v)}
          onTo={(v) => set('to', v)}
        />
        {filtered && (
          <button type="button" className="link-btn small" onClick={() => (setQ(''), navigate('/tickets', true))}>
            Xoá lọc
          </button>
        )}
      </div>
      <div className="card table-card">
        <ListState
          data={items}
          error={list.error}
          onRetry={list.reload}
          rows={8}
          empty={
            <Empty icon={<Icon.ticket size={28} />} title={isAgency ? 'Chưa có phiếu nào được chuyển đến' : 'Không có phiếu phù hợp'}>
              {filtered
                ? 'Thử bỏ bớt bộ lọc.'
                : isAgency
                  ? 'Khi tổng đài chuyển phiếu đến cơ quan, phiếu sẽ hiện ở đây.'
                  : 'Phiếu được tạo khi người dân cần tổng đài viên, gửi phản ánh, hoặc từ cuộc gọi.'}
            </Empty>
          }
        >
          {(tickets) => (
            <Table
              className={`tickets-table ${list.loading ? 'reloading' : ''}`}
              columns={
                <>
                  <th>Mã phiếu</th>
                  <th>Nội dung</th>
                  <th>Lĩnh vực</th>
                  {!isAgency && <th>Cơ quan</th>}
                  <th>Trạng thái</th>
                  <th>Hạn xử lý</th>
                  <th className="num">Cập nhật</th>
                  <th aria-label="Nhật ký" />
                </>
              }
              items={tickets}
              row={(t) => (
                <tr
                  key={t.id}
                  className={`${isOverdue(t) ? 'row-overdue' : ''} clickable`}
                  onClick={(e) => !(e.target as HTMLElement).closest('a,button') && navigate(`/tickets/${encodeURIComponent(t.code)}`)}
                >
                  <td className="nowrap">
                    <Link to={`/tickets/${encodeURIComponent(t.code)}`} className="mono strong">
                      {t.code}
                    </Link>
                    <div className="muted small cell-channel">
                      <ChannelIcon channel={t.channel} size={13} /> {label(CHANNEL_LABELS, t.channel)}
                    </div>
                  </td>
                  <td className="cell-title">
                    <div className="strong clamp-1" title={t.title}>
                      {t.title}
                    </div>
                    <div className="muted small clamp-1">
                      {t.contact?.displayName || t.callerName || 'Người dân'}
                      {(t.contact?.phone || t.callerPhone) && ` · ${t.contact?.phone || t.callerPhone}`}
                    </div>
                  </td>
                  <td className="small cell-field">
                    <div className="clamp-2">{fieldName(fields, t.field)}</div>
                  </td>
                  {!isAgency && (
                    <td className="small cell-agency">
                      <div className="clamp-2">{t.agency?.name ?? <span className="muted">—</span>}</div>
                    </td>
                  )}
                  <td>
                    <div className="chips-col">
                      <StatusChip status={t.status} />
                      <PriorityChip priority={t.priority} />
                      {t.assignee && !isAgency && <span className="muted small">{t.assignee.name}</span>}
                    </div>
                  </td>
                  <td className="small">
                    <DueCell t={t} />
                  </td>
                  <td className="num small muted">{fmtWhen(t.updatedAt)}</td>
                  <td className="row-actions">
                    <IconButton label="Nhật ký xử lý (in)" onClick={() => openLog(t.code, toast)}>
                      <Icon.printer size={15} />
                    </IconButton>
                    <IconButton label="Nhật ký xử lý (PDF)" onClick={() => downloadLogPdf(t.code, toast)}>
                      <Icon.download size={15} />
                    </IconButton>
                  </td>
                </tr>
              )}
            />
          )}
        </ListState>
        {list.data && list.data.total > 0 && (
          <div className="table-foot">
            {isAgency && items && items.some(isOverdue) && (
              <Chip tone="red" dot>
                {items.filter(isOverdue).length} phiếu quá hạn trên trang này
              </Chip>
            )}
            <span className="grow" />
            <Pager
              page={page}
              pageSize={PAGE_SIZE}
              total={list.data.total}
              onPage={(p) => setQuery({ page: p > 1 ? String(p) : null }, false)}
            />
          </div>
        )}
      </div>
    </div>
  );
}

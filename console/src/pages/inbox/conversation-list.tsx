/** The left column of the inbox: state tabs with counters, filters, search and the conversation list. */
import { forwardRef, useState } from 'react';
import { ChannelIcon, Icon } from '../../components/icons';
import { ListState, SearchBox } from '../../components/list-state';
import { AgencySelect, CodeSelect, FieldSelect } from '../../components/selects';
import { Chip, Empty, IconButton, PriorityChip } from '../../components/ui';
import { fmtRemaining, fmtWhen } from '../../lib/format';
import { CHANNEL_LABELS, TICKET_STATUS_LABELS } from '@wire/labels';
import type { ApiError } from '../../lib/api';
import type { ConversationCounts, ConversationSummary } from '../../lib/types';

/** The inbox filters (kept in the URL). */
export interface InboxFilters {
  state: 'waiting' | 'mine' | 'open' | 'bot' | 'closed';
  channel: string;
  field: string;
  agency: string;
  urgent: boolean;
  q: string;
}

const STATES: { value: InboxFilters['state']; label: string; key: keyof ConversationCounts }[] = [
  { value: 'waiting', label: 'Chờ', key: 'waiting' },
  { value: 'mine', label: 'Của tôi', key: 'mine' },
  { value: 'open', label: 'Tất cả', key: 'open' },
  { value: 'bot', label: 'Bot', key: 'bot' },
  { value: 'closed', label: 'Đóng', key: 'closed' },
];

const STATE_TITLES: Record<InboxFilters['state'], string> = {
  waiting: 'Chờ tổng đài viên tiếp nhận',
  mine: 'Tôi đang xử lý',
  open: 'Tất cả hội thoại đang mở',
  bot: 'Trợ lý ảo đang trả lời',
  closed: 'Đã đóng',
};

/** Who the citizen is, as best we know. */
export function contactName(c: ConversationSummary): string {
  return c.contact?.displayName || c.contact?.phone || c.contact?.email || `Người dân ${c.externalUserId.slice(-6)}`;
}

function preview(c: ConversationSummary): string {
  const m = c.lastMessage;
  if (!m) return 'Chưa có tin nhắn';
  const who = m.direction === 'in' ? '' : m.author === 'bot' ? 'Bot: ' : m.author === 'operator' ? 'TĐV: ' : '';
  return who + (m.text?.replace(/\s+/g, ' ') || '[Tệp đính kèm]');
}

function Row({ c, selected, onSelect }: { c: ConversationSummary; selected: boolean; onSelect: () => void }) {
  const t = c.ticket;
  const due = t && t.status !== 'closed' ? fmtRemaining(t.dueAt) : null;
  const waitingLong = c.state === 'waiting';
  return (
    <li>
      <button
        type="button"
        className={`conv-row ${selected ? 'selected' : ''} state-${c.state} ${t?.priority === 'urgent' ? 'urgent' : ''}`}
        onClick={onSelect}
        aria-current={selected || undefined}
        data-conversation-id={c.id}
      >
        <span className="conv-avatar">
          <ChannelIcon channel={c.channel} size={30} />
          {waitingLong && <span className="conv-waiting-dot" title="Chờ tiếp nhận" />}
        </span>
        <span className="conv-main">
          <span className="conv-top">
            <span className="conv-name">{contactName(c)}</span>
            <span className="conv-time">{fmtWhen(c.lastMessage?.at ?? c.lastInboundAt)}</span>
          </span>
          <span className="conv-preview">{preview(c)}</span>
          <span className="conv-chips">
            {t && <span className="conv-code">{t.code}</span>}
            {t && <PriorityChip priority={t.priority} />}
            {c.state === 'waiting' && (
              <Chip tone="amber" dot>
                Chờ tiếp nhận
              </Chip>
            )}
            {c.state === 'bot' && (
              <Chip tone="gray">
                <Icon.bot size={11} /> Bot
              </Chip>
            )}
            {c.assignee && c.state === 'operator' && <Chip tone="blue">{c.assignee.name}</Chip>}
            {t?.agency && t.status === 'forwarded' && <Chip tone="teal">{t.agency.name}</Chip>}
            {t && t.status === 'closed' && <Chip tone="gray">{TICKET_STATUS_LABELS.closed}</Chip>}
            {due?.overdue && (
              <Chip tone="red" title="Quá hạn xử lý">
                <Icon.clock size={11} /> Quá hạn
              </Chip>
            )}
            {c.replyWindow?.closed && c.state !== 'closed' && (
              <Chip tone="red" title="Đã quá thời hạn trả lời của kênh">
                Hết hạn kênh
              </Chip>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

/** The list column. */
export const ConversationList = forwardRef<
  HTMLInputElement,
  {
    filters: InboxFilters;
    onFilters: (patch: Partial<InboxFilters>) => void;
    items: ConversationSummary[] | undefined;
    total: number;
    counts: ConversationCounts | undefined;
    loading: boolean;
    error: ApiError | null;
    onRetry: () => void;
    selectedId: string | null;
    onSelect: (id: string) => void;
    onMore: (() => void) | null;
  }
>(function ConversationList(
  { filters, onFilters, items, total, counts, loading, error, onRetry, selectedId, onSelect, onMore },
  searchRef,
) {
  const [showFilters, setShowFilters] = useState(() => !!(filters.channel || filters.field || filters.agency));
  const active = [filters.channel, filters.field, filters.agency].filter(Boolean).length;
  return (
    <section className="inbox-list" aria-label="Danh sách hội thoại">
      <div className="inbox-list-head">
        <SearchBox
          inputRef={searchRef}
          placeholder="Tìm mã phiếu, tên, SĐT, nội dung"
          value={filters.q}
          onChange={(q) => onFilters({ q })}
          label="Tìm kiếm hội thoại"
          onKeyDown={(e) => e.key === 'Escape' && (e.currentTarget.blur(), filters.q && onFilters({ q: '' }))}
        />
        <IconButton label="Bộ lọc" className={`filter-btn ${showFilters || active ? 'on' : ''}`} onClick={() => setShowFilters((s) => !s)}>
          <Icon.filter size={16} />
          {active > 0 && <span className="filter-count">{active}</span>}
        </IconButton>
      </div>
      <div className="state-tabs" role="tablist" aria-label="Trạng thái">
        {STATES.map((s) => (
          <button
            key={s.value}
            type="button"
            role="tab"
            aria-selected={filters.state === s.value}
            className={`tab state-tab ${filters.state === s.value ? 'active' : ''} ${s.value === 'waiting' && (counts?.waiting ?? 0) > 0 ? 'attention' : ''}`}
            onClick={() => onFilters({ state: s.value })}
            title={STATE_TITLES[s.value]}
          >
            {s.label}
            {counts && s.value !== 'closed' && <span className="state-count">{counts[s.key] ?? 0}</span>}
          </button>
        ))}
      </div>
      {showFilters && (
        <div className="inbox-filters">
          <CodeSelect
            labels={CHANNEL_LABELS}
            label="Kênh"
            empty="Mọi kênh"
            only={(c) => c !== 'phone'}
            value={filters.channel}
            onChange={(channel) => onFilters({ channel })}
          />
          <FieldSelect label="Lĩnh vực" empty="Mọi lĩnh vực" value={filters.field} onChange={(field) => onFilters({ field })} />
          <AgencySelect label="Cơ quan" empty="Mọi cơ quan" value={filters.agency} onChange={(agency) => onFilters({ agency })} />
          {active > 0 && (
            <button type="button" className="link-btn small" onClick={() => onFilters({ channel: '', field: '', agency: '' })}>
              Xoá lọc
            </button>
          )}
        </div>
      )}
      <div className="inbox-list-sub">
        <label className="toggle-chip">
          <input type="checkbox" checked={filters.urgent} onChange={(e) => onFilters({ urgent: e.target.checked })} />
          <Icon.zap size={12} /> Khẩn
          {counts && counts.urgent > 0 && <span className="state-count red">{counts.urgent}</span>}
        </label>
        <span className="muted small">{items ? `${total.toLocaleString('vi-VN')} hội thoại` : ''}</span>
      </div>
      <div className="inbox-list-body">
        <ListState
          data={items}
          error={error}
          onRetry={onRetry}
          rows={8}
          empty={
            <Empty
              icon={filters.q ? <Icon.search size={28} /> : <Icon.inboxCheck size={28} />}
              title={filters.q ? 'Không tìm thấy hội thoại' : filters.state === 'waiting' ? 'Không có ai đang chờ' : 'Không có hội thoại'}
            >
              {filters.q
                ? 'Thử tìm bằng mã phiếu, số điện thoại hoặc tên khác.'
                : filters.state === 'waiting'
                  ? 'Khi trợ lý ảo chuyển một người dân cho tổng đài viên, hội thoại sẽ hiện ở đây kèm chuông báo.'
                  : 'Đổi bộ lọc để xem các hội thoại khác.'}
            </Empty>
          }
        >
          {(conversations) => (
            <ul className={`conv-list ${loading ? 'reloading' : ''}`}>
              {conversations.map((c) => (
                <Row key={c.id} c={c} selected={c.id === selectedId} onSelect={() => onSelect(c.id)} />
              ))}
              {onMore && (
                <li className="conv-more">
                  <button type="button" className="link-btn" onClick={onMore}>
                    Xem thêm
                  </button>
                </li>
              )}
            </ul>
          )}
        </ListState>
      </div>
    </section>
  );
});

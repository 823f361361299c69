/**
 * The operators' unified inbox: every channel in one list, updated live; the selected conversation
 * with its ticket and citizen; keyboard shortcuts for an eight-hour shift.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { CallTicketDialog } from '../../components/dialogs';
import { Icon } from '../../components/icons';
import { Button, Empty, Kbd } from '../../components/ui';
import { api, qs } from '../../lib/api';
import { useDebounced, useHotkeys, useLoad } from '../../lib/hooks';
import { useLiveReload } from '../../lib/live';
import { navigate, setQuery, useRoute } from '../../lib/router';
import type { ConversationList as ListResult } from '../../lib/types';
import { ConversationList, type InboxFilters } from './conversation-list';
import { ConversationView, type ConversationViewHandle } from './conversation-view';

const PAGE = 50;
const STATES = ['waiting', 'mine', 'open', 'bot', 'closed'] as const;

export function InboxPage({ conversationId }: { conversationId: string | null }) {
  const route = useRoute();
  const q = route.query;
  const filters: InboxFilters = {
    state: (STATES as readonly string[]).includes(q.get('state') ?? '') ? (q.get('state') as InboxFilters['state']) : 'waiting',
    channel: q.get('channel') ?? '',
    field: q.get('field') ?? '',
    agency: q.get('agency') ?? '',
    urgent: q.get('urgent') === '1',
    q: q.get('q') ?? '',
  };
  const [search, setSearch] = useState(filters.q);
  const debounced = useDebounced(search, 300);
  useEffect(() => {
    if (debounced !== filters.q) setQuery({ q: debounced || null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  const [limit, setLimit] = useState(PAGE);
  const key = [filters.state, filters.channel, filters.field, filters.agency, filters.urgent, filters.q].join('|');
  useEffect(() => setLimit(PAGE), [key]);

  const list = useLoad(
    () =>
      api.get<ListResult>(
        `/api/conversations${qs({ state: filters.state, channel: filters.channel, field: filters.field, agency: filters.agency, urgent: filters.urgent ? 1 : undefined, q: filters.q, pageSize: limit, page: 1 })}`,
      ),
    [key, limit],
  );
  // Busy hours bring many events a second: one list reload per half second is plenty.
  useLiveReload(['conversation', 'message', 'ticket'], list.reload, undefined, 500);

  const [call, setCall] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const view = useRef<ConversationViewHandle>(null);

  const onFilters = (patch: Partial<InboxFilters>) => {
    if ('q' in patch) {
      setSearch(patch.q ?? '');
      return;
    }
    const next: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(patch)) next[k] = k === 'urgent' ? (v ? '1' : null) : (v as string) || null;
    if (next.state === 'waiting') next.state = null;
    setQuery(next);
  };

  const items = list.data?.items;
  const select = (id: string) => navigate(`/inbox/${encodeURIComponent(id)}${window.location.search}`);
  const index = useMemo(() => items?.findIndex((c) => c.id === conversationId) ?? -1, [items, conversationId]);

  useHotkeys({
    j: () => items?.length && select(items[Math.min(items.length - 1, index + 1)].id),
    k: () => items?.length && select(items[Math.max(0, index - 1)].id),
    '/': () => searchRef.current?.focus(),
    t: () => view.current?.takeOver(),
    b: () => view.current?.release(),
    r: () => view.current?.focusReply(),
    n: () => view.current?.focusNote(),
  });

  return (
    <div className={`inbox ${conversationId ? 'has-selection' : ''}`}>
      <div className="inbox-left">
        <ConversationList
          ref={searchRef}
          filters={{ ...filters, q: search }}
          onFilters={onFilters}
          items={items}
          total={list.data?.total ?? 0}
          counts={list.data?.counts}
          loading={list.loading}
          error={list.error}
          onRetry={list.reload}
          selectedId={conversationId}
          onSelect={select}
          onMore={list.data && list.data.total > (items?.length ?? 0) ? () => setLimit((l) => l + PAGE) : null}
        />
        <div className="inbox-left-foot">
          <Button size="sm" variant="ghost" icon={<Icon.phoneCall size={15} />} onClick={() => setCall(true)}>
            Tạo phiếu cuộc gọi
          </Button>
          <span className="muted small">
            <Kbd>?</Kbd> phím tắt
          </span>
        </div>
      </div>
      {conversationId ? (
        <ConversationView ref={view} key={conversationId} id={conversationId} onChanged={list.reload} />
      ) : (
        <div className="conv-empty">
          <Empty icon={<Icon.message size={30} />} title="Chọn một hội thoại">
            <p>Hội thoại từ Zalo, Messenger, email, chat web và e-DongThap hiện ở cột bên trái và cập nhật trực tiếp.</p>
            <p className="shortcut-hint">
              <Kbd>j</Kbd> <Kbd>k</Kbd> chuyển hội thoại · <Kbd>t</Kbd> tiếp nhận · <Kbd>/</Kbd> tìm kiếm · <Kbd>?</Kbd> tất cả phím tắt
            </p>
          </Empty>
        </div>
      )}
      {call && (
        <CallTicketDialog
          onClose={() => setCall(false)}
          onDone={(t) => {
            setCall(false);
            navigate(`/tickets/${encodeURIComponent(t.code)}`);
          }}
        />
      )}
    </div>
  );
}

/** The focal points' bell: tickets forwarded to their agency and deadline reminders, unread first counted. */
import { AGENCY_NOTIFICATION_LABELS } from '@wire/labels';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useLoad, usePopover } from '../lib/hooks';
import { useLiveReload } from '../lib/live';
import { navigate } from '../lib/router';
import type { AgencyNotifications } from '../lib/types';
import { Icon } from './icons';
import { IconButton } from './ui';

const NONE: AgencyNotifications = { items: [], unread: 0 };

/** The bell with its unread count and list; reloads when a ticket of the agency changes (forward, reminder). */
export function AgencyBell() {
  const { data = NONE, reload } = useLoad(() => api.get<AgencyNotifications>('/api/notifications'), []);
  const { open, setOpen, ref } = usePopover();
  useLiveReload(['ticket'], reload);
  const markRead = (ids?: string[]) => api.post('/api/notifications/read', ids ? { ids } : {}).then(reload, reload);
  return (
    <div className="user-menu agency-bell" ref={ref}>
      <IconButton label={data.unread ? `Thông báo (${data.unread} chưa đọc)` : 'Thông báo'} onClick={() => setOpen((o) => !o)}>
        <Icon.bell size={18} />
        {data.unread > 0 && <span className="nav-badge bell-count">{data.unread > 99 ? '99+' : data.unread}</span>}
      </IconButton>
      {open && (
        <div className="menu bell-menu" role="menu" aria-label="Thông báo">
          <div className="menu-head">
            <span className="strong">Thông báo</span>
            {data.unread > 0 && (
              <button type="button" className="link-btn small" onClick={() => void markRead()}>
                Đánh dấu đã đọc tất cả
              </button>
            )}
          </div>
          {data.items.length === 0 && <div className="menu-item muted">Chưa có thông báo</div>}
          {data.items.map((n) => (
            <button
              key={n.id}
              type="button"
              role="menuitem"
              className={`menu-item bell-item ${n.read ? '' : 'unread'}`}
              onClick={() => {
                setOpen(false);
                if (!n.read) void markRead([n.id]);
                navigate(`/tickets/${encodeURIComponent(n.ticketCode)}`);
              }}
            >
              <span className={n.kind === 'overdue' ? 'text-danger strong' : 'strong'}>{AGENCY_NOTIFICATION_LABELS[n.kind]}</span>
              <span className="mono small">{n.ticketCode}</span>
              <span className="small">{n.ticketTitle}</span>
              <span className="muted small">
                {fmtDateTime(n.createdAt)}
                {n.dueAt ? ` · hạn ${fmtDateTime(n.dueAt)}` : ''}
              </span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

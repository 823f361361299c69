/** The console frame: sidebar navigation by role, top bar with live status and the user menu. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, qs } from '../lib/api';
import { ROLE_LABELS } from '@wire/labels';
import { usePopover } from '../lib/hooks';
import { useLive, useLiveReload, useLiveStatus } from '../lib/live';
import { navigate, onLinkClick, useRoute } from '../lib/router';
import { useSession } from '../lib/session';
import { chime } from '../lib/sound';
import type { ConversationList, Role } from '../lib/types';
import { AgencyBell } from './agency-bell';
import { FloorAlerts } from './floor-alerts';
import { Icon } from './icons';
import { PresenceSwitch } from './presence-switch';
import { Avatar, IconButton } from './ui';

/** One entry of the sidebar. */
export interface NavItem {
  path: string;
  label: string;
  icon: ReactNode;
  roles: Role[];
  group?: string;
  badge?: 'waiting' | 'proposals';
}

const STAFF: Role[] = ['admin', 'supervisor', 'operator'];

/** Every screen of the console, in sidebar order. */
export const NAV: NavItem[] = [
  { path: '/dashboard', label: 'Tổng quan', icon: <Icon.chart />, roles: ['admin', 'supervisor'] },
  { path: '/floor', label: 'Điều hành', icon: <Icon.users />, roles: ['admin', 'supervisor'] },
  { path: '/inbox', label: 'Hộp thư', icon: <Icon.inbox />, roles: STAFF, badge: 'waiting' },
  { path: '/tickets', label: 'Phiếu yêu cầu', icon: <Icon.ticket />, roles: STAFF },
  { path: '/tickets', label: 'Phiếu được chuyển', icon: <Icon.ticket />, roles: ['agency'] },
  { path: '/proposals', label: 'Duyệt trả lời', icon: <Icon.inboxCheck />, roles: STAFF, badge: 'proposals' },
  { path: '/failed', label: 'Tin gửi lỗi', icon: <Icon.alert />, roles: STAFF },
  { path: '/kb', label: 'Thủ tục hành chính', icon: <Icon.book />, roles: ['admin'], group: 'Tri thức & trợ lý ảo' },
  { path: '/services', label: 'Câu trả lời dịch vụ', icon: <Icon.message />, roles: ['admin'], group: 'Tri thức & trợ lý ảo' },
  { path: '/training', label: 'Câu huấn luyện', icon: <Icon.sparkles />, roles: ['admin'], group: 'Tri thức & trợ lý ảo' },
  { path: '/try', label: 'Thử trợ lý ảo', icon: <Icon.bot />, roles: ['admin', 'supervisor'], group: 'Tri thức & trợ lý ảo' },
  { path: '/review', label: 'Hàng chờ rà soát', icon: <Icon.flag />, roles: ['admin'], group: 'Tri thức & trợ lý ảo' },
  { path: '/canned', label: 'Câu trả lời mẫu', icon: <Icon.list />, roles: ['admin', 'supervisor'], group: 'Tri thức & trợ lý ảo' },
  { path: '/users', label: 'Người dùng', icon: <Icon.users />, roles: ['admin'], group: 'Hệ thống' },
  { path: '/directory', label: 'Cơ quan & lĩnh vực', icon: <Icon.building />, roles: ['admin'], group: 'Hệ thống' },
  { path: '/channels', label: 'Kênh kết nối', icon: <Icon.plug />, roles: ['admin'], group: 'Hệ thống' },
  { path: '/settings', label: 'Cài đặt', icon: <Icon.settings />, roles: ['admin'], group: 'Hệ thống' },
  { path: '/access-log', label: 'Truy cập dữ liệu cá nhân', icon: <Icon.eye />, roles: ['admin'], group: 'Hệ thống' },
];

const SOUND_KEY = 'cong1022.sound';
const QUIET_REASONS = new Set(['note', 'contact_merged', 'taken_over', 'released', 'closed']);

/** Waiting count (sidebar badge, title "(3) Cổng 1022") and the chime on each new escalation. */
function useEscalations(enabled: boolean, sound: boolean): number {
  const [waiting, setWaiting] = useState(0);
  const load = () => {
    if (!enabled) return;
    api
      .get<ConversationList>(`/api/conversations${qs({ state: 'waiting', pageSize: 1 })}`)
      .then((r) => setWaiting(r.counts?.waiting ?? r.total ?? 0))
      .catch(() => undefined);
  };
  useEffect(load, [enabled]);
  useLiveReload(['conversation', 'ticket'], load);
  const soundRef = useRef(sound);
  soundRef.current = sound;
  useLive('conversation', (e) => {
    // A note or a merge re-announces a waiting conversation: only a hand-over is news.
    if (enabled && e.state === 'waiting' && !QUIET_REASONS.has(e.reason) && soundRef.current) chime();
  });
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) Cổng 1022` : 'Cổng 1022';
  }, [waiting]);
  return waiting;
}

function usePendingProposals(enabled: boolean): number {
  const [n, setN] = useState(0);
  const load = () => {
    if (!enabled) return;
    api
      .get<unknown>('/api/proposals')
      .then((r) => setN(Array.isArray(r) ? r.length : ((r as { items?: unknown[] }).items?.length ?? 0)))
      .catch(() => undefined);
  };
  useEffect(load, [enabled]);
  useLiveReload(['ticket'], load);
  return n;
}

function LiveDot() {
  const status = useLiveStatus();
  const text = status === 'online' ? 'Trực tuyến' : status === 'connecting' ? 'Đang kết nối…' : 'Mất kết nối';
  return (
    <span
      className={`live-dot live-${status}`}
      title={status === 'online' ? 'Cập nhật trực tiếp đang hoạt động' : 'Đang thử kết nối lại máy chủ'}
    >
      <span className="live-dot-mark" />
      <span className="live-dot-text">{text}</span>
    </span>
  );
}

/**
 * A banner while the live connection is down (after a short grace, so a blip shows nothing): the
 * lists stop updating until it is back, and every open list reloads on reconnection (missed items).
 */
function ReconnectBanner() {
  const status = useLiveStatus();
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (status === 'online') {
      setShown(false);
      return;
    }
    const timer = setTimeout(() => setShown(true), 2000);
    return () => clearTimeout(timer);
  }, [status]);
  if (!shown || status === 'online') return null;
  return (
    <div className="reconnect-banner" role="status">
      Mất kết nối trực tiếp với máy chủ — đang kết nối lại. Danh sách sẽ tự cập nhật những gì bị lỡ khi có kết nối trở lại.
    </div>
  );
}

function UserMenu() {
  const { user, logout } = useSession();
  const { open, setOpen, ref } = usePopover();
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-menu-btn" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-haspopup="menu">
        <Avatar name={user.displayName} size={30} />
        <span className="user-menu-text">
          <span className="user-menu-name">{user.displayName}</span>
          <span className="user-menu-role">{ROLE_LABELS[user.role]}</span>
        </span>
        <Icon.chevronDown size={14} />
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-head">
            <div className="strong">{user.displayName}</div>
            <div className="muted small">@{user.username}</div>
          </div>
          <button type="button" role="menuitem" className="menu-item" onClick={() => (setOpen(false), navigate('/account'))}>
            <Icon.user size={16} /> Tài khoản của tôi
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={() => void logout()}>
            <Icon.logout size={16} /> Đăng xuất
          </button>
        </div>
      )}
    </div>
  );
}

/** The frame around every signed-in screen. */
export function Shell({ title, children, onHelp, rail }: { title: string; children: ReactNode; onHelp?: () => void; rail?: boolean }) {
  const { user } = useSession();
  const route = useRoute();
  const [drawer, setDrawer] = useState(false);
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) !== 'off');
  const staff = user.role !== 'agency';
  const waiting = useEscalations(staff, sound);
  const proposals = usePendingProposals(staff);
  useEffect(() => setDrawer(false), [route.path]);

  const items = NAV.filter((n) => n.roles.includes(user.role));
  const groups: { name: string | undefined; items: NavItem[] }[] = [];
  for (const it of items) {
    const g = groups.find((x) => x.name === it.group);
    if (g) g.items.push(it);
    else groups.push({ name: it.group, items: [it] });
  }
  const active = `/${route.parts[0] ?? ''}`;

  return (
    <div className={`shell ${drawer ? 'drawer-open' : ''} ${rail ? 'rail' : ''}`}>
      <aside className="sidebar" aria-label="Điều hướng">
        <a className="brand" href="/" onClick={onLinkClick}>
          <span className="logo-mark">1022</span>
          <span className="brand-text">
            <span className="brand-name">Cổng 1022</span>
            <span className="brand-sub">Đồng Tháp</span>
          </span>
        </a>
        <nav className="nav">
          {groups.map((g) => (
            <div key={g.name ?? 'main'} className="nav-group">
              {g.name && <div className="nav-group-title">{g.name}</div>}
              {g.items.map((it) => {
                const count = it.badge === 'waiting' ? waiting : it.badge === 'proposals' ? proposals : 0;
                return (
                  <a
                    key={it.path + it.label}
                    href={it.path}
                    onClick={onLinkClick}
                    title={it.label}
                    className={`nav-item ${active === it.path ? 'active' : ''}`}
                    aria-current={active === it.path ? 'page' : undefined}
                  >
                    {it.icon}
                    <span className="nav-label">{it.label}</span>
                    {count > 0 && <span className={`nav-badge ${it.badge === 'waiting' ? 'warn' : ''}`}>{count > 99 ? '99+' : count}</span>}
                  </a>
                );
              })}
            </div>
          ))}
        </nav>
        <div className="sidebar-foot">
          <a href="/account" onClick={onLinkClick} className={`nav-item ${active === '/account' ? 'active' : ''}`}>
            <Icon.user />
            <span className="nav-label">Tài khoản</span>
          </a>
        </div>
      </aside>
      <div className="drawer-backdrop" onClick={() => setDrawer(false)} />
      <div className="main">
        <header className="topbar">
          <IconButton label="Mở menu" className="hamburger" onClick={() => setDrawer(true)}>
            <Icon.menu size={20} />
          </IconButton>
          <div className="topbar-title">
            <span className="crumb">{NAV.find((n) => n.path === active && n.roles.includes(user.role))?.group ?? 'Tổng đài 1022'}</span>
            <Icon.chevronRight size={14} className="crumb-sep" />
            <span>{title}</span>
          </div>
          <div className="grow" />
          {(user.role === 'operator' || user.role === 'supervisor') && <PresenceSwitch />}
          {staff && <LiveDot />}
          {staff && (
            <IconButton
              label={sound ? 'Tắt chuông báo phiếu mới' : 'Bật chuông báo phiếu mới'}
              className={sound ? '' : 'muted-btn'}
              onClick={() => {
                localStorage.setItem(SOUND_KEY, sound ? 'off' : 'on');
                setSound(!sound);
                if (!sound) chime();
              }}
            >
              <Icon.bell size={18} />
              {!sound && <span className="slash" />}
            </IconButton>
          )}
          {user.role === 'agency' && <AgencyBell />}
          {onHelp && (
            <IconButton label="Phím tắt (?)" onClick={onHelp}>
              <Icon.keyboard size={18} />
            </IconButton>
          )}
          <UserMenu />
        </header>
        <ReconnectBanner />
        {staff && <FloorAlerts sound={sound} />}
        <div className="content">{children}</div>
      </div>
    </div>
  );
}

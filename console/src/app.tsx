/** The console application: session bootstrap, role-based routes and the shortcuts help. */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Shell } from './components/layout';
import { Icon } from './components/icons';
import { Empty, Kbd, Modal, Skeleton, ToastProvider, useToast } from './components/ui';
import { api, getToken, SESSION_EXPIRED, setToken } from './lib/api';
import { useHotkeys } from './lib/hooks';
import { connectLive, disconnectLive, onLiveClosedByServer } from './lib/live';
import { invalidate } from './lib/refdata';
import { navigate, useRoute } from './lib/router';
import { SessionContext, type Session } from './lib/session';
import type { Role, User } from './lib/types';
import { ChangePasswordPage, LoginPage } from './pages/login';
import { InboxPage } from './pages/inbox/inbox';
import { TicketsPage } from './pages/tickets';
import { TicketPage } from './pages/ticket-detail';

// Charts and admin screens are loaded on demand: operators never download recharts.
const DashboardPage = lazy(() => import('./pages/dashboard'));
const FloorPage = lazy(() => import('./pages/floor'));
const ProposalsPage = lazy(() => import('./pages/proposals'));
const FailedWorkPage = lazy(() => import('./pages/failed-work'));
const KbPage = lazy(() => import('./pages/admin/kb'));
const ServicesPage = lazy(() => import('./pages/admin/services'));
const TrainingPage = lazy(() => import('./pages/admin/training'));
const TryBotPage = lazy(() => import('./pages/admin/try-bot'));
const ReviewPage = lazy(() => import('./pages/admin/review'));
const CannedPage = lazy(() => import('./pages/admin/canned'));
const UsersPage = lazy(() => import('./pages/admin/users'));
const DirectoryPage = lazy(() => import('./pages/admin/directory'));
const ChannelsPage = lazy(() => import('./pages/admin/channels'));
const SettingsPage = lazy(() => import('./pages/admin/settings'));
const AccessLogPage = lazy(() => import('./pages/admin/access-log'));
const AccountPage = lazy(() => import('./pages/account'));

/** Where each role lands after signing in. */
export function homeOf(role: Role): string {
  return role === 'agency' ? '/tickets' : role === 'operator' ? '/inbox' : '/dashboard';
}

interface Screen {
  title: string;
  roles: Role[];
  render: (parts: string[]) => ReactNode;
  full?: boolean;
}

const ALL: Role[] = ['admin', 'supervisor', 'operator', 'agency'];
const STAFF: Role[] = ['admin', 'supervisor', 'operator'];

const SCREENS: Record<string, Screen> = {
  inbox: { title: 'Hộp thư', roles: STAFF, render: (p) => <InboxPage conversationId={p[1] ?? null} />, full: true },
  tickets: { title: 'Phiếu yêu cầu', roles: ALL, render: (p) => (p[1] ? <TicketPage code={p[1]} /> : <TicketsPage />) },
  proposals: { title: 'Duyệt trả lời của cơ quan', roles: STAFF, render: () => <ProposalsPage /> },
  failed: { title: 'Tin gửi lỗi', roles: STAFF, render: () => <FailedWorkPage /> },
  dashboard: { title: 'Tổng quan', roles: ['admin', 'supervisor'], render: () => <DashboardPage /> },
  floor: { title: 'Điều hành', roles: ['admin', 'supervisor'], render: () => <FloorPage /> },
  kb: { title: 'Thủ tục hành chính', roles: ['admin'], render: (p) => <KbPage intent={p[1] ?? null} />, full: true },
  services: { title: 'Câu trả lời dịch vụ', roles: ['admin'], render: (p) => <ServicesPage id={p[1] ?? null} />, full: true },
  training: { title: 'Câu huấn luyện', roles: ['admin'], render: (p) => <TrainingPage intent={p[1] ?? null} />, full: true },
  try: { title: 'Thử trợ lý ảo', roles: ['admin', 'supervisor'], render: () => <TryBotPage /> },
  review: { title: 'Hàng chờ rà soát', roles: ['admin'], render: () => <ReviewPage /> },
  canned: { title: 'Câu trả lời mẫu', roles: ['admin', 'supervisor'], render: () => <CannedPage /> },
  users: { title: 'Người dùng và phân quyền', roles: ['admin'], render: () => <UsersPage /> },
  directory: { title: 'Cơ quan và lĩnh vực', roles: ['admin'], render: () => <DirectoryPage /> },
  channels: { title: 'Kênh kết nối', roles: ['admin'], render: () => <ChannelsPage /> },
  settings: { title: 'Cài đặt', roles: ['admin'], render: () => <SettingsPage /> },
  'access-log': { title: 'Nhật ký truy cập dữ liệu cá nhân', roles: ['admin'], render: () => <AccessLogPage /> },
  account: { title: 'Tài khoản của tôi', roles: ALL, render: () => <AccountPage /> },
};

const SHORTCUTS: [string[], string][] = [
  [['j'], 'Hội thoại tiếp theo'],
  [['k'], 'Hội thoại trước'],
  [['t'], 'Tiếp nhận hội thoại (bot ngừng trả lời)'],
  [['b'], 'Trả lại cho trợ lý ảo'],
  [['r'], 'Soạn trả lời'],
  [['n'], 'Viết ghi chú nội bộ'],
  [['/'], 'Tìm kiếm'],
  [['Enter'], 'Gửi (khi đang soạn)'],
  [['Shift', 'Enter'], 'Xuống dòng'],
  [['/', 'mã'], 'Chèn câu trả lời mẫu (gõ / ở đầu ô soạn)'],
  [['Esc'], 'Đóng hộp thoại / bỏ chọn ô soạn'],
  [['g', 'i'], 'Đến Hộp thư'],
  [['g', 'p'], 'Đến Phiếu yêu cầu'],
  [['?'], 'Hiện bảng phím tắt này'],
];

function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Phím tắt" icon={<Icon.keyboard size={18} />} onClose={onClose} width={480}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, text]) => (
            <tr key={text}>
              <td>
                {keys.map((k, i) => (
                  <span key={k + i}>
                    {i > 0 && <span className="muted"> {k === 'mã' ? '' : keys[0] === 'g' ? 'rồi' : '+'} </span>}
                    {k === 'mã' ? <span className="muted small">mã</span> : <Kbd>{k}</Kbd>}
                  </span>
                ))}
              </td>
              <td>{text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

function Forbidden() {
  return (
    <Empty icon={<Icon.lock size={28} />} title="Bạn không có quyền xem trang này">
      Liên hệ quản trị hệ thống nếu bạn cần quyền truy cập.
    </Empty>
  );
}

function SignedIn({ user }: { user: User }) {
  const route = useRoute();
  const [help, setHelp] = useState(false);
  const [gPressed, setG] = useState(false);
  const key = route.parts[0];
  useEffect(() => {
    if (!key) navigate(homeOf(user.role), true);
  }, [key, user.role]);
  useHotkeys({
    '?': () => setHelp(true),
    g: () => {
      setG(true);
      setTimeout(() => setG(false), 1200);
    },
    i: () => gPressed && user.role !== 'agency' && navigate('/inbox'),
    p: () => gPressed && navigate('/tickets'),
  });
  const screen = key ? SCREENS[key] : undefined;
  const allowed = screen && screen.roles.includes(user.role);
  let title = screen?.title ?? 'Cổng 1022';
  if (key === 'tickets' && user.role === 'agency') title = 'Phiếu được chuyển đến cơ quan';
  const body = !key ? null : !screen ? (
    <Empty icon={<Icon.search size={28} />} title="Không tìm thấy trang">
      Đường dẫn không tồn tại. Chọn một mục ở thanh bên trái.
    </Empty>
  ) : !allowed ? (
    <Forbidden />
  ) : (
    <Suspense
      fallback={
        <div className="page">
          <Skeleton lines={6} />
        </div>
      }
    >
      {screen.render(route.parts)}
    </Suspense>
  );
  return (
    <Shell title={title} rail={!!screen?.full && !!allowed} onHelp={user.role === 'agency' ? undefined : () => setHelp(true)}>
      {screen?.full ? body : <div className="page-scroll">{body}</div>}
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </Shell>
  );
}

function Root() {
  const toast = useToast();
  const [user, setUser] = useState<User | null>(null);
  const [booting, setBooting] = useState(() => !!getToken());

  const start = useCallback((token: string, u: User) => {
    setToken(token);
    // The server refuses live updates until a due password change is made (then `refresh` connects).
    if (!u.mustChangePassword) connectLive(token);
    setUser(u);
  }, []);

  // The server closed the live connection: sessions revoked (→ 401 → signed out), else reconnect.
  useEffect(() => {
    onLiveClosedByServer(() => {
      const token = getToken();
      if (!token) return;
      api
        .get<User>('/api/me')
        .then(() => connectLive(token))
        .catch(() => undefined);
    });
    return () => onLiveClosedByServer(null);
  }, []);

  useEffect(() => {
    const token = getToken();
    if (!token) return;
    api
      .get<User>('/api/me')
      .then((u) => start(token, u))
      .catch(() => setToken(null))
      .finally(() => setBooting(false));
  }, [start]);

  /** Forgets the session here: token, live connection, cached lists, user. */
  const end = useCallback(() => {
    setToken(null);
    disconnectLive();
    invalidate();
    setUser(null);
  }, []);

  const logout = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    end();
    document.title = 'Cổng 1022';
    navigate('/', true);
  }, [end]);

  useEffect(() => {
    const onExpired = () => {
      end();
      toast.info('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.');
    };
    window.addEventListener(SESSION_EXPIRED, onExpired);
    return () => window.removeEventListener(SESSION_EXPIRED, onExpired);
  }, [toast, end]);

  const session = useMemo<Session | null>(
    () =>
      user && {
        user,
        refresh: async () => {
          const fresh = await api.get<User>('/api/me');
          const token = getToken();
          if (user.mustChangePassword && !fresh.mustChangePassword && token) connectLive(token);
          setUser(fresh);
        },
        logout,
      },
    [user, logout],
  );

  if (booting) {
    return (
      <div className="boot">
        <span className="logo-mark big">1022</span>
      </div>
    );
  }
  if (!user || !session) {
    return (
      <LoginPage
        onLogin={(token, u) => {
          start(token, u);
          if (window.location.pathname === '/' || window.location.pathname === '/login') navigate(homeOf(u.role), true);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      {user.mustChangePassword ? (
        <ChangePasswordPage onDone={() => void session.refresh().then(() => toast.ok('Đã đổi mật khẩu'))} onLogout={() => void logout()} />
      ) : (
        <SignedIn user={user} />
      )}
    </SessionContext.Provider>
  );
}

/** The whole console. */
export function App() {
  return (
    <ToastProvider>
      <Root />
    </ToastProvider>
  );
}

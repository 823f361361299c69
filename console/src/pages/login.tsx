/** Sign-in (with the two-factor code when the account has one) and the forced password change. */
import { useState, type FormEvent } from 'react';
import { Icon } from '../components/icons';
import { Button, Field } from '../components/ui';
import { api, ApiError } from '../lib/api';
import { useLoad } from '../lib/hooks';
import type { User } from '../lib/types';

function Brand() {
  return (
    <div className="auth-brand">
      <div className="logo-mark big">1022</div>
      <div>
        <div className="auth-title">Cổng 1022</div>
        <div className="auth-sub">Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp</div>
      </div>
    </div>
  );
}

/** What the sign-in page says the gateway does. */
const FEATURES: [(typeof Icon)[keyof typeof Icon], string][] = [
  [Icon.inbox, 'Zalo, Messenger, email, chat web, e-DongThap và cuộc gọi 1022'],
  [Icon.bot, 'Trợ lý ảo trả lời thủ tục hành chính 24/7'],
  [Icon.forward, 'Chuyển phiếu đến sở, ngành, xã và theo dõi hạn xử lý'],
  [Icon.chart, 'Báo cáo, thống kê và nhật ký xử lý đầy đủ'],
];

/** The credit line an admin set (setting `footerCredit`), read before signing in; '' shows none. */
function FooterCredit() {
  const credit = useLoad(() => api.get<{ footerCredit: string }>('/api/auth/branding'), []).data?.footerCredit;
  if (!credit) return null;
  return <div className="auth-foot">{credit}</div>;
}

function AuthShell({ children, aside = true }: { children: React.ReactNode; aside?: boolean }) {
  return (
    <div className="auth-page">
      {aside && (
        <div className="auth-aside" aria-hidden="true">
          <div className="auth-aside-inner">
            <div className="auth-aside-kicker">Hệ thống tiếp nhận đa kênh</div>
            <div className="auth-aside-title">Một hộp thư cho mọi kênh người dân liên hệ</div>
            <ul className="auth-aside-list">
              {FEATURES.map(([FeatureIcon, text]) => (
                <li key={text}>
                  <FeatureIcon size={18} /> {text}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      <main className="auth-main">
        <div className="auth-card">
          <Brand />
          {children}
        </div>
        <FooterCredit />
      </main>
    </div>
  );
}

/** The input of a two-factor code from an authenticator app: digits only. */
export function OtpInput({
  value,
  onChange,
  name,
  autoComplete,
  autoFocus,
}: {
  value: string;
  onChange: (code: string) => void;
  name?: string;
  autoComplete?: string;
  autoFocus?: boolean;
}) {
  return (
    <input
      name={name}
      className="otp-input"
      inputMode="numeric"
      autoComplete={autoComplete}
      maxLength={8}
      value={value}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
      autoFocus={autoFocus}
    />
  );
}

/** The sign-in screen. */
export function LoginPage({ onLogin }: { onLogin: (token: string, user: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ token: string; user: User }>('/api/auth/token', {
        username: username.trim(),
        password,
        ...(needTotp && totp ? { totp: totp.trim() } : {}),
      });
      onLogin(r.token, r.user);
    } catch (err) {
      const details = err instanceof ApiError ? (err.details as { totpRequired?: boolean } | undefined) : undefined;
      if (details?.totpRequired && !needTotp) {
        setNeedTotp(true);
        setError(null);
      } else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthShell>
      <form className="auth-form" onSubmit={submit} noValidate>
        <h1>Đăng nhập</h1>
        <p className="muted">Dành cho tổng đài viên, giám sát viên, quản trị và đầu mối các cơ quan.</p>
        {error && (
          <div className="alert alert-error" role="alert">
            <Icon.alert size={16} /> {error}
          </div>
        )}
        {!needTotp ? (
          <>
            <Field label="Tên đăng nhập">
              <input
                name="username"
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                autoFocus
                required
              />
            </Field>
            <PasswordField label="Mật khẩu" name="password" autoComplete="current-password" value={password} onChange={setPassword} />
          </>
        ) : (
          <>
            <div className="alert alert-info">
              <Icon.shield size={16} /> Tài khoản bật xác thực hai lớp. Nhập mã 6 số trong ứng dụng xác thực.
            </div>
            <Field label="Mã xác thực">
              <OtpInput name="totp" autoComplete="one-time-code" value={totp} onChange={setTotp} autoFocus />
            </Field>
          </>
        )}
        <Button type="submit" variant="primary" className="btn-block" busy={busy} disabled={!username || !password}>
          {needTotp ? 'Xác nhận' : 'Đăng nhập'}
        </Button>
        {needTotp && (
          <button type="button" className="link-btn" onClick={() => (setNeedTotp(false), setTotp(''))}>
            Quay lại
          </button>
        )}
      </form>
    </AuthShell>
  );
}

/** Checks a new password; returns a Vietnamese problem or null. */
export function passwordProblem(next: string, confirm: string): string | null {
  if (next.length < 10) return 'Mật khẩu mới cần ít nhất 10 ký tự.';
  if (!/[A-Za-zÀ-ỹ]/.test(next) || !/\d/.test(next)) return 'Mật khẩu mới cần có cả chữ và số.';
  if (next !== confirm) return 'Hai lần nhập mật khẩu mới không khớp.';
  return null;
}

/** A required password input under its label. */
function PasswordField({
  label,
  hint,
  name,
  autoComplete,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  name: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      <input type="password" name={name} autoComplete={autoComplete} value={value} onChange={(e) => onChange(e.target.value)} required />
    </Field>
  );
}

const NO_PASSWORDS = { current: '', next: '', confirm: '' };

/** The password change form's fields, in order. */
const PASSWORD_FIELDS: {
  name: keyof typeof NO_PASSWORDS;
  label: string;
  hint?: string;
  autoComplete: 'current-password' | 'new-password';
}[] = [
  { name: 'current', label: 'Mật khẩu hiện tại', autoComplete: 'current-password' },
  { name: 'next', label: 'Mật khẩu mới', hint: 'Ít nhất 10 ký tự, có chữ và số.', autoComplete: 'new-password' },
  { name: 'confirm', label: 'Nhập lại mật khẩu mới', autoComplete: 'new-password' },
];

/** The password change form (forced after a reset, or from "Tài khoản"). */
export function PasswordForm({ onDone, compact }: { onDone: () => void; compact?: boolean }) {
  const [values, setValues] = useState(NO_PASSWORDS);
  const { current, next, confirm } = values;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = passwordProblem(next, confirm);
    if (p) return setError(p);
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/me/password', { current, next });
      setValues(NO_PASSWORDS);
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={compact ? 'form-grid' : 'auth-form'} onSubmit={submit}>
      {error && (
        <div className="alert alert-error" role="alert">
          <Icon.alert size={16} /> {error}
        </div>
      )}
      {PASSWORD_FIELDS.map((f) => (
        <PasswordField key={f.name} {...f} value={values[f.name]} onChange={(v) => setValues((x) => ({ ...x, [f.name]: v }))} />
      ))}
      <div>
        <Button type="submit" variant="primary" busy={busy} className={compact ? '' : 'btn-block'}>
          Đổi mật khẩu
        </Button>
      </div>
    </form>
  );
}

/** Shown instead of the console while the account must change its password. */
export function ChangePasswordPage({ onDone, onLogout }: { onDone: () => void; onLogout: () => void }) {
  return (
    <AuthShell aside={false}>
      <h1 className="auth-h1">Đổi mật khẩu</h1>
      <p className="muted">Mật khẩu của bạn vừa được cấp hoặc đặt lại. Vui lòng đặt mật khẩu mới trước khi tiếp tục.</p>
      <PasswordForm onDone={onDone} />
      <button type="button" className="link-btn" onClick={onLogout}>
        Đăng xuất
      </button>
    </AuthShell>
  );
}

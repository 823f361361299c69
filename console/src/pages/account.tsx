/** My account: password change and two-factor sign-in (TOTP) set-up. */
import { useState } from 'react';
import { Icon } from '../components/icons';
import { Avatar, Button, Card, Chip, Field, PageHeader, useAction, useToast } from '../components/ui';
import { api } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { ROLE_LABELS } from '@wire/labels';
import type { StaffUser } from '../lib/types';
import { useSession } from '../lib/session';
import { OtpInput, PasswordForm } from './login';

function TotpCard() {
  const { user, refresh } = useSession();
  const toast = useToast();
  // `/api/me` does not say whether TOTP is on; staff read it from the user list.
  const list = useLoad(() => (user.role !== 'agency' ? api.get<StaffUser[]>('/api/users') : Promise.resolve([] as StaffUser[])), [user.id]);
  const enabled = !!list.data?.find((u) => u.id === user.id)?.totpEnabled;
  const [setup, setSetup] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [busy, act] = useAction();
  /** Turns two-factor sign-in on or off with the code the app shows now. */
  const changeTotp = (change: 'enable' | 'disable', done: string) =>
    act(async () => {
      await api.post(`/api/me/totp/${change}`, { code });
      setSetup(null);
      setCode('');
      await refresh();
      list.reload();
    }, done);
  return (
    <Card
      title="Xác thực hai lớp (TOTP)"
      actions={
        enabled ? (
          <Chip tone="green">
            <Icon.shield size={11} /> Đang bật
          </Chip>
        ) : (
          <Chip>Chưa bật</Chip>
        )
      }
    >
      {!enabled && !setup && (
        <>
          <p className="muted">
            Khi đăng nhập, ngoài mật khẩu cần nhập mã 6 số từ ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…).
          </p>
          <Button
            variant="primary"
            icon={<Icon.shield size={15} />}
            busy={busy}
            onClick={() => void act(async () => setSetup(await api.post('/api/me/totp/setup')))}
          >
            Bật xác thực hai lớp
          </Button>
        </>
      )}
      {!enabled && setup && (
        <div className="form-grid">
          <ol className="steps">
            <li>
              Mở ứng dụng xác thực, chọn thêm tài khoản bằng khoá thiết lập và nhập khoá bí mật dưới đây (hoặc dán đường dẫn otpauth).
            </li>
            <li>Nhập mã 6 số ứng dụng hiển thị để xác nhận.</li>
          </ol>
          <Field label="Khoá bí mật">
            <div className="secret-box">
              <span className="mono">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</span>
              <Button size="sm" onClick={() => (void navigator.clipboard?.writeText(setup.secret), toast.ok('Đã sao chép'))}>
                Sao chép
              </Button>
            </div>
          </Field>
          <Field label="Đường dẫn otpauth">
            <textarea className="mono small" rows={3} readOnly value={setup.otpauthUrl} onFocus={(e) => e.currentTarget.select()} />
          </Field>
          <Field label="Mã xác nhận">
            <OtpInput value={code} onChange={setCode} />
          </Field>
          <div className="row-gap">
            <Button
              variant="primary"
              busy={busy}
              disabled={code.length < 6}
              onClick={() => void changeTotp('enable', 'Đã bật xác thực hai lớp')}
            >
              Xác nhận và bật
            </Button>
            <Button variant="ghost" onClick={() => setSetup(null)}>
              Huỷ
            </Button>
          </div>
        </div>
      )}
      {enabled && (
        <div className="form-grid">
          <p className="muted">Để tắt, nhập mã hiện tại trong ứng dụng xác thực.</p>
          <Field label="Mã xác thực">
            <OtpInput value={code} onChange={setCode} />
          </Field>
          <div>
            <Button
              variant="danger"
              busy={busy}
              disabled={code.length < 6}
              onClick={() => void changeTotp('disable', 'Đã tắt xác thực hai lớp')}
            >
              Tắt xác thực hai lớp
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}

export default function AccountPage() {
  const { user } = useSession();
  const toast = useToast();
  return (
    <div className="page narrow">
      <PageHeader title="Tài khoản của tôi" />
      <Card>
        <div className="account-head">
          <Avatar name={user.displayName} size={52} />
          <div>
            <div className="strong big">{user.displayName}</div>
            <div className="muted">
              @{user.username} · {ROLE_LABELS[user.role]}
            </div>
          </div>
        </div>
      </Card>
      <Card title="Đổi mật khẩu">
        <PasswordForm compact onDone={() => toast.ok('Đã đổi mật khẩu')} />
      </Card>
      <TotpCard />
    </div>
  );
}

/** Users and roles: create, edit (role, agency, active), reset password (shows a temporary password once). */
import { useState } from 'react';
import { AddButton, EditButton, useEditing, type EditorDialogProps } from '../../components/editing';
import { ChoiceCards, CodeSet } from '../../components/form-bits';
import { AgencySelect } from '../../components/selects';
import { Icon } from '../../components/icons';
import { ListState, SearchBox, Table } from '../../components/list-state';
import { Avatar, Button, Card, Chip, Empty, Field, FormModal, IconButton, Modal, PageHeader, useToast } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtWhen } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { ROLE_LABELS } from '@wire/labels';
import { invalidate, useAgencies, useFields } from '../../lib/refdata';
import { useSession } from '../../lib/session';
import type { Role, StaffUser } from '../../lib/types';
import { passwordProblem } from '../login';
import { useReferenceReload } from '../../lib/live';

const ROLES: Role[] = ['operator', 'supervisor', 'agency', 'admin'];
const ROLE_HINT: Record<Role, string> = {
  operator: 'Trả lời người dân, xử lý phiếu',
  supervisor: 'Xem báo cáo, xuất dữ liệu, duyệt trả lời',
  agency: 'Chỉ thấy phiếu chuyển đến cơ quan của mình',
  admin: 'Toàn quyền: tri thức, người dùng, cài đặt',
};
const ROLE_TONE: Record<Role, 'blue' | 'violet' | 'teal' | 'red'> = {
  operator: 'blue',
  supervisor: 'violet',
  agency: 'teal',
  admin: 'red',
};

function UserDialog({ user, onClose, onSaved }: { user: StaffUser | null } & EditorDialogProps) {
  const toast = useToast();
  const agencies = useAgencies();
  const agencyCode = user?.agency?.code ?? agencies.find((a) => a.id && a.id === user?.agencyId)?.code ?? '';
  const [f, setF] = useState({
    username: user?.username ?? '',
    displayName: user?.displayName ?? '',
    role: user?.role ?? ('operator' as Role),
    agency: agencyCode,
    password: '',
    active: user?.active ?? true,
    maxChats: String(user?.maxChats ?? 3),
    skills: user?.skills ?? [],
  });
  const fields = useFields();
  const pwProblem = !user && f.password ? passwordProblem(f.password, f.password) : null;
  const submit = async () => {
    let id = user?.id;
    if (user)
      await api.patch(`/api/users/${user.id}`, {
        displayName: f.displayName,
        role: f.role,
        agency: f.role === 'agency' ? f.agency || null : null,
        active: f.active,
      });
    else
      id = (
        await api.post<StaffUser>('/api/users', {
          username: f.username.trim(),
          displayName: f.displayName.trim(),
          role: f.role,
          agency: f.role === 'agency' ? f.agency : undefined,
          password: f.password,
        })
      ).id;
    // Automatic assignment: how many conversations at once, and which fields (none: any).
    if (id && f.role === 'operator') await api.put(`/api/users/${id}/routing`, { maxChats: Number(f.maxChats), skills: f.skills });
    invalidate('users');
    toast.ok(user ? 'Đã lưu người dùng' : `Đã tạo tài khoản ${f.username}`);
    onSaved();
  };
  const capacityOk = f.role !== 'operator' || (/^\d+$/.test(f.maxChats) && Number(f.maxChats) <= 50);
  const valid =
    capacityOk && f.displayName.trim() && (user || (f.username.trim() && f.password && !pwProblem)) && (f.role !== 'agency' || f.agency);
  return (
    <FormModal
      title={user ? `Sửa ${user.displayName}` : 'Thêm người dùng'}
      icon={<Icon.user size={18} />}
      onClose={onClose}
      width={560}
      submit={user ? 'Lưu' : 'Tạo tài khoản'}
      disabled={!valid}
      onSubmit={submit}
    >
      <div className="form-grid two">
        <Field label="Tên đăng nhập">
          <input
            value={f.username}
            disabled={!!user}
            onChange={(e) => setF({ ...f, username: e.target.value.trim().toLowerCase() })}
            autoComplete="off"
            className="mono"
          />
        </Field>
        <Field label="Họ tên">
          <input value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} />
        </Field>
      </div>
      <div className="field">
        <span className="field-label">Vai trò</span>
        <ChoiceCards
          name="role"
          value={f.role}
          onChange={(role) => setF({ ...f, role })}
          options={ROLES.map((r) => ({ value: r, title: ROLE_LABELS[r], hint: ROLE_HINT[r] }))}
        />
      </div>
      {f.role === 'agency' && (
        <Field label="Cơ quan">
          <AgencySelect value={f.agency} onChange={(v) => setF({ ...f, agency: v })} empty="— Chọn cơ quan —" />
        </Field>
      )}
      {f.role === 'operator' && (
        <div className="form-grid two">
          <Field label="Số hội thoại tối đa cùng lúc" hint="Tự động phân công bỏ qua người đã đủ số này (0: không nhận tự động).">
            <input type="number" min={0} max={50} value={f.maxChats} onChange={(e) => setF({ ...f, maxChats: e.target.value })} />
          </Field>
          <Field label="Lĩnh vực phụ trách" hint="Để trống: nhận mọi lĩnh vực.">
            <CodeSet
              value={f.skills}
              onChange={(skills) => setF({ ...f, skills })}
              options={fields.map((x) => ({ code: x.code, name: x.name }))}
              placeholder="Tìm lĩnh vực…"
            />
          </Field>
        </div>
      )}
      {!user && (
        <Field label="Mật khẩu ban đầu" error={pwProblem} hint="Người dùng có thể đổi sau khi đăng nhập.">
          <input
            type="text"
            value={f.password}
            onChange={(e) => setF({ ...f, password: e.target.value })}
            autoComplete="new-password"
            className="mono"
          />
        </Field>
      )}
      {user && (
        <label className="check">
          <input type="checkbox" checked={f.active} onChange={(e) => setF({ ...f, active: e.target.checked })} /> Tài khoản đang hoạt động
        </label>
      )}
    </FormModal>
  );
}

export default function UsersPage() {
  const { user: me } = useSession();
  const toast = useToast();
  const { data, error, reload } = useLoad(() => api.get<StaffUser[]>('/api/users'), []);
  useReferenceReload(['users'], reload);
  const agencies = useAgencies();
  const editing = useEditing<StaffUser>(reload);
  const [temp, setTemp] = useState<{ user: StaffUser; password: string } | null>(null);
  const [q, setQ] = useState('');
  const reset = async (u: StaffUser) => {
    if (!window.confirm(`Đặt lại mật khẩu cho ${u.displayName}? Mật khẩu cũ sẽ không dùng được nữa.`)) return;
    try {
      const r = await api.post<{ temporaryPassword: string }>(`/api/users/${u.id}/reset-password`);
      setTemp({ user: u, password: r.temporaryPassword });
    } catch (e) {
      toast.error(e);
    }
  };
  const agencyName = (u: StaffUser) => u.agency?.name ?? agencies.find((a) => a.id === u.agencyId)?.name ?? null;
  const shown = (data ?? []).filter((u) => !q || `${u.username} ${u.displayName}`.toLowerCase().includes(q.toLowerCase()));
  return (
    <div className="page">
      <PageHeader
        title="Người dùng và phân quyền"
        subtitle="Tổng đài viên, giám sát viên, quản trị và đầu mối các cơ quan."
        actions={<AddButton onClick={() => editing.edit('new')}>Thêm người dùng</AddButton>}
      />
      <Card pad={false}>
        <div className="card-head">
          <SearchBox value={q} onChange={setQ} placeholder="Tìm người dùng…" label="Tìm người dùng" />
          <span className="muted small">{data ? `${data.length} tài khoản` : ''}</span>
        </div>
        <ListState
          data={data && shown}
          error={error}
          onRetry={reload}
          empty={<Empty icon={<Icon.users size={26} />} title="Không có người dùng" />}
        >
          {(users) => (
            <Table
              columns={
                <>
                  <th>Người dùng</th>
                  <th>Vai trò</th>
                  <th>Cơ quan</th>
                  <th>Bảo mật</th>
                  <th>Đăng nhập gần nhất</th>
                  <th />
                </>
              }
              items={users}
              row={(u) => (
                <tr key={u.id} className={u.active ? '' : 'row-muted'}>
                  <td>
                    <div className="user-cell">
                      <Avatar name={u.displayName} size={32} />
                      <div>
                        <div className="strong">
                          {u.displayName} {u.id === me.id && <span className="muted small">(bạn)</span>}
                        </div>
                        <div className="muted small mono">@{u.username}</div>
                      </div>
                    </div>
                  </td>
                  <td>
                    <Chip tone={ROLE_TONE[u.role]}>{ROLE_LABELS[u.role]}</Chip>
                    {!u.active && <Chip tone="gray">Đã khoá</Chip>}
                    {u.role === 'operator' && <div className="muted small">Tối đa {u.maxChats} hội thoại cùng lúc</div>}
                  </td>
                  <td className="small">{agencyName(u) ?? <span className="muted">—</span>}</td>
                  <td className="small">
                    {u.totpEnabled ? (
                      <Chip tone="green">
                        <Icon.shield size={11} /> 2 lớp
                      </Chip>
                    ) : (
                      <span className="muted">Mật khẩu</span>
                    )}
                    {u.mustChangePassword && <Chip tone="amber">Chờ đổi mật khẩu</Chip>}
                  </td>
                  <td className="small muted">{u.lastLoginAt ? fmtWhen(u.lastLoginAt) : '—'}</td>
                  <td className="row-actions">
                    <EditButton onClick={() => editing.edit(u)} />
                    <IconButton label="Đặt lại mật khẩu" onClick={() => void reset(u)}>
                      <Icon.lock size={15} />
                    </IconButton>
                  </td>
                </tr>
              )}
            />
          )}
        </ListState>
      </Card>
      {editing.open && <UserDialog user={editing.item} {...editing.props} />}
      {temp && (
        <Modal
          title="Mật khẩu tạm thời"
          icon={<Icon.lock size={18} />}
          onClose={() => (setTemp(null), reload())}
          footer={
            <Button variant="primary" onClick={() => (setTemp(null), reload())}>
              Đã ghi lại
            </Button>
          }
        >
          <p>
            Gửi mật khẩu này cho <b>{temp.user.displayName}</b> qua kênh an toàn. Mật khẩu chỉ hiện một lần; người dùng phải đổi mật khẩu
            khi đăng nhập.
          </p>
          <div className="secret-box">
            <span className="mono">{temp.password}</span>
            <Button size="sm" onClick={() => (void navigator.clipboard?.writeText(temp.password), toast.ok('Đã sao chép'))}>
              Sao chép
            </Button>
          </div>
        </Modal>
      )}
    </div>
  );
}

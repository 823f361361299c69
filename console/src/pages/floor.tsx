/**
 * "Điều hành": the live hotline floor for supervisors. Operators with their status and load, the
 * waiting queue with each citizen's waiting time (counting live), the longest wait, breaches (waits
 * over the alert threshold, overdue tickets), reassignment, and the floor settings (admins).
 */
import { useEffect, useState } from 'react';
import { CHANNEL_LABELS, PRESENCE_LABELS, label } from '@wire/labels';
import type { FloorOperator, FloorSettings, FloorSnapshot, FloorWaiting } from '@wire/floor';
import { Icon } from '../components/icons';
import { TableCard } from '../components/list-state';
import { Button, Card, Chip, Empty, Link, PageHeader, useAction, useKeyedAction, type Tone } from '../components/ui';
import { api } from '../lib/api';
import { fmtDuration, fmtRemaining, fmtWhen } from '../lib/format';
import { useLoad, useNow } from '../lib/hooks';
import { useLiveReload } from '../lib/live';
import { fieldName, useFields } from '../lib/refdata';
import { useSession } from '../lib/session';

const PRESENCE_TONE: Record<FloorOperator['status'], Tone> = { online: 'green', away: 'amber', offline: 'gray' };
/** A wait as a running clock under an hour ("4:07"), else in words. */
const fmtWait = (seconds: number) =>
  seconds < 3600 ? `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}` : fmtDuration(seconds);

/** How often the page reloads anyway (presence expiries are not announced by every node). */
const POLL_MS = 15_000;

function Figure({ label: text, value, sub, danger }: { label: string; value: string; sub?: string; danger?: boolean }) {
  return (
    <div className={`kpi ${danger ? 'kpi-danger' : ''}`} data-testid={`floor-${text}`}>
      <span className="kpi-label">{text}</span>
      <div className="kpi-value">{value}</div>
      {sub && <div className="kpi-sub">{sub}</div>}
    </div>
  );
}

function Load({ op }: { op: FloorOperator }) {
  const ratio = op.maxChats ? op.load / op.maxChats : 1;
  return (
    <div className="floor-load" title={`${op.load} cuộc đang xử lý / tối đa ${op.maxChats}`}>
      <span className="mono">
        {op.load}/{op.maxChats}
      </span>
      <span className={`floor-load-bar ${ratio >= 1 ? 'full' : ''}`}>
        <span style={{ width: `${Math.min(100, ratio * 100)}%` }} />
      </span>
    </div>
  );
}

function SettingsCard({ settings, onSaved }: { settings: FloorSettings; onSaved: () => void }) {
  const [busy, run] = useAction();
  const [longWait, setLongWait] = useState(String(settings.longWaitSeconds / 60));
  const [away, setAway] = useState(String(settings.awayAfterSeconds / 60));
  const save = (patch: Partial<FloorSettings>) =>
    run(async () => {
      await api.put('/api/floor/settings', patch);
      onSaved();
    }, 'Đã lưu cài đặt điều hành');
  return (
    <Card title="Cài đặt điều hành">
      <div className="floor-settings">
        <label className="check">
          <input type="checkbox" checked={settings.autoAssign} onChange={(e) => void save({ autoAssign: e.target.checked })} />
          Tự động phân công hội thoại đang chờ cho tổng đài viên sẵn sàng
        </label>
        <label>
          Cảnh báo khi công dân chờ quá (phút)
          <input type="number" min={0.5} step={0.5} value={longWait} onChange={(e) => setLongWait(e.target.value)} />
        </label>
        <label>
          Chuyển sang “Tạm vắng” sau (phút không thao tác)
          <input type="number" min={1} step={1} value={away} onChange={(e) => setAway(e.target.value)} />
        </label>
        <Button
          size="sm"
          busy={busy}
          onClick={() => void save({ longWaitSeconds: Math.round(Number(longWait) * 60), awayAfterSeconds: Math.round(Number(away) * 60) })}
        >
          Lưu
        </Button>
      </div>
    </Card>
  );
}

/** The page. */
export default function FloorPage() {
  const { user } = useSession();
  const fields = useFields();
  const floor = useLoad(() => api.get<FloorSnapshot>('/api/floor'), []);
  useLiveReload(['conversation', 'presence', 'ticket', 'alert'], floor.reload);
  const tick = useNow(1000);
  const { reload } = floor;
  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [busyId, run] = useKeyedAction<string>();
  const data = floor.data;
  // Waiting times from the server's clock, counted on in the browser.
  const skew = data ? new Date(data.now).getTime() - Date.now() : 0;
  const waited = (w: FloorWaiting) => Math.max(0, (tick + skew - new Date(w.waitingSince).getTime()) / 1000);
  const assign = (conversationId: string, userId: string) =>
    void run(
      conversationId,
      async () => {
        await api.post(`/api/floor/conversations/${conversationId}/assign`, { userId });
        floor.reload();
      },
      'Đã phân công',
    );
  const operators = data?.operators ?? [];
  const longest = data?.waiting.reduce((max, w) => Math.max(max, waited(w)), 0) ?? 0;
  const threshold = data?.settings.longWaitSeconds ?? 180;
  const overThreshold = data?.waiting.filter((w) => waited(w) > threshold).length ?? 0;

  return (
    <div className="page stack">
      <PageHeader title="Điều hành" subtitle="Tổng đài viên, hàng chờ và cảnh báo — cập nhật trực tiếp." />
      {data && (
        <div className="kpi-grid">
          <Figure
            label="Đang chờ"
            value={String(data.waiting.length)}
            sub={data.settings.autoAssign ? 'Tự động phân công: bật' : 'Tự động phân công: tắt'}
          />
          <Figure label="Chờ lâu nhất" value={data.waiting.length ? fmtDuration(longest) : '—'} danger={longest > threshold} />
          <Figure
            label="Vượt ngưỡng"
            value={`${overThreshold} chờ · ${data.overdueTickets.total} phiếu`}
            sub={`Ngưỡng chờ ${fmtDuration(threshold)}; phiếu quá hạn xử lý`}
            danger={overThreshold + data.overdueTickets.total > 0}
          />
          <Figure
            label="Sẵn sàng"
            value={`${operators.filter((o) => o.role === 'operator' && o.status === 'online').length}/${operators.filter((o) => o.role === 'operator').length}`}
            sub="tổng đài viên đang nhận hội thoại"
          />
        </div>
      )}
      <div className="floor-grid">
        <TableCard
          title="Tổng đài viên"
          data={data?.operators}
          error={floor.error}
          onRetry={floor.reload}
          empty={<Empty title="Chưa có tổng đài viên" />}
          headers={['Người', 'Trạng thái', 'Đang xử lý', 'Lĩnh vực', 'Giao gần nhất']}
          row={(op) => (
            <tr key={op.id} data-operator={op.id}>
              <td>
                {op.displayName}
                {op.role === 'supervisor' && <div className="muted small">Giám sát viên</div>}
              </td>
              <td>
                <Chip tone={PRESENCE_TONE[op.status]} dot>
                  {PRESENCE_LABELS[op.status]}
                  {op.autoAway ? ' (tự động)' : ''}
                </Chip>
              </td>
              <td>
                <Load op={op} />
              </td>
              <td className="small">{op.skills.length ? op.skills.map((s) => fieldName(fields, s)).join(', ') : 'Mọi lĩnh vực'}</td>
              <td className="small nowrap">{op.lastAssignedAt ? fmtWhen(op.lastAssignedAt) : '—'}</td>
            </tr>
          )}
        />
        <TableCard
          title="Hàng chờ"
          data={data?.waiting}
          error={floor.error}
          onRetry={floor.reload}
          empty={<Empty icon={<Icon.check size={26} />} title="Không có công dân nào đang chờ" />}
          headers={['Công dân', 'Kênh', 'Lĩnh vực', 'Đã chờ', 'Phân công cho']}
          row={(w) => (
            <tr key={w.id} data-conversation={w.id} className={waited(w) > threshold ? 'floor-breach' : ''}>
              <td>
                <Link to={`/inbox/${w.id}`}>{w.contactName ?? 'Công dân'}</Link>
                {w.urgent && (
                  <Chip tone="red" className="ml">
                    Khẩn
                  </Chip>
                )}
              </td>
              <td>{label(CHANNEL_LABELS, w.channel)}</td>
              <td className="small">{w.field ? fieldName(fields, w.field) : '—'}</td>
              <td className="mono nowrap floor-wait">{fmtWait(waited(w))}</td>
              <td>
                <select
                  aria-label="Phân công cho"
                  value=""
                  disabled={busyId === w.id}
                  onChange={(e) => e.target.value && assign(w.id, e.target.value)}
                >
                  <option value="">Chọn tổng đài viên…</option>
                  {operators.map((op) => (
                    <option key={op.id} value={op.id}>
                      {op.displayName} ({PRESENCE_LABELS[op.status].toLowerCase()}, {op.load}/{op.maxChats})
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          )}
        />
      </div>
      <TableCard
        title={`Phiếu quá hạn xử lý${data ? ` (${data.overdueTickets.total})` : ''}`}
        data={data?.overdueTickets.items}
        error={floor.error}
        onRetry={floor.reload}
        empty={<Empty icon={<Icon.check size={26} />} title="Không có phiếu quá hạn" />}
        headers={['Mã phiếu', 'Nội dung', 'Cơ quan', 'Quá hạn']}
        row={(t) => (
          <tr key={t.id}>
            <td className="mono nowrap">
              <Link to={`/tickets/${t.code}`}>{t.code}</Link>
            </td>
            <td>
              <div className="clamp-2">{t.title}</div>
            </td>
            <td className="small">{t.agencyName ?? '—'}</td>
            <td className="nowrap">
              <Chip tone="red">{fmtRemaining(t.dueAt).text}</Chip>
            </td>
          </tr>
        )}
      />
      {data && user.role === 'admin' && (
        <SettingsCard key={JSON.stringify(data.settings)} settings={data.settings} onSaved={floor.reload} />
      )}
    </div>
  );
}

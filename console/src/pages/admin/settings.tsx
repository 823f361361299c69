/** Settings: receipt and greeting templates, office hours, agency reply mode, live chat's pre-chat form (take effect at once). */
import { useEffect, useMemo, useState } from 'react';
import { DateInput } from '../../components/date-input';
import { ChoiceCards } from '../../components/form-bits';
import { ChannelIcon, Icon } from '../../components/icons';
import { Button, Card, ErrorBlock, Field, IconButton, PageHeader, Skeleton, useAction, useToast } from '../../components/ui';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { CHANNEL_LABELS, label } from '@wire/labels';
import type { Channel, PerChannelText, Settings } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';
import { useSession } from '../../lib/session';
import { PrechatCard } from './livechat-settings';

const DAYS = [
  { n: 1, label: 'T2' },
  { n: 2, label: 'T3' },
  { n: 3, label: 'T4' },
  { n: 4, label: 'T5' },
  { n: 5, label: 'T6' },
  { n: 6, label: 'T7' },
  { n: 7, label: 'CN' },
];
const REPLY_MODES: { value: Settings['agencyReplyMode']; title: string; hint: string }[] = [
  { value: 'direct', title: 'Gửi thẳng cho người dân', hint: 'Câu trả lời của đầu mối cơ quan được gửi ngay.' },
  {
    value: 'approval',
    title: 'Tổng đài duyệt trước',
    hint: 'Câu trả lời chờ ở mục “Duyệt trả lời”; tổng đài viên có thể sửa trước khi gửi.',
  },
];
const OVERRIDABLE: Channel[] = ['zalo', 'facebook', 'email', 'livechat', 'edongthap'];

function PerChannel({ value, onChange, hint }: { value: PerChannelText; onChange: (v: PerChannelText) => void; hint: string }) {
  const overrides = OVERRIDABLE.filter((c) => value[c] !== undefined);
  const missing = OVERRIDABLE.filter((c) => value[c] === undefined);
  return (
    <div className="per-channel">
      <Field label="Mặc định (mọi kênh)" hint={hint}>
        <textarea rows={3} value={value.default} onChange={(e) => onChange({ ...value, default: e.target.value })} />
      </Field>
      {overrides.map((c) => (
        <div key={c} className="per-channel-row">
          <Field
            label={
              <span className="inline-flex">
                <ChannelIcon channel={c} size={14} /> Riêng cho {label(CHANNEL_LABELS, c)}
              </span>
            }
          >
            <textarea rows={c === 'email' ? 6 : 3} value={value[c] ?? ''} onChange={(e) => onChange({ ...value, [c]: e.target.value })} />
          </Field>
          <IconButton
            label={`Bỏ mẫu riêng ${label(CHANNEL_LABELS, c)}`}
            className="xs danger"
            onClick={() => {
              const next = { ...value };
              delete next[c];
              onChange(next);
            }}
          >
            <Icon.trash size={14} />
          </IconButton>
        </div>
      ))}
      {missing.length > 0 && (
        <div className="suggest-row">
          <span className="muted small">Thêm mẫu riêng cho:</span>
          {missing.map((c) => (
            <button key={c} type="button" className="suggest-chip" onClick={() => onChange({ ...value, [c]: value.default })}>
              <ChannelIcon channel={c} size={13} /> {label(CHANNEL_LABELS, c)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

export default function SettingsPage() {
  const toast = useToast();
  const { data, error, reload } = useLoad(() => api.get<Settings>('/api/settings'), []);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [holiday, setHoliday] = useState('');
  const [busy, run] = useAction();
  const [changedBy, setChangedBy] = useState<string | null>(null);
  const { user } = useSession();
  useEffect(() => {
    if (data) setDraft(structuredClone(data));
  }, [data]);
  const dirty = useMemo(() => !!data && !!draft && JSON.stringify(data) !== JSON.stringify(draft), [data, draft]);
  // Another admin saved: reload at once, unless that would throw away edits in progress.
  useReferenceReload(
    ['settings'],
    () => undefined,
    (e) => {
      if (e.by.userId === user.id) return false;
      if (dirty) setChangedBy(e.by.name);
      else reload();
      return false;
    },
  );
  if (error && !data)
    return (
      <div className="page">
        <ErrorBlock error={error} onRetry={reload} />
      </div>
    );
  if (!draft)
    return (
      <div className="page narrow">
        <Skeleton lines={12} />
      </div>
    );
  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const oh = draft.officeHours;
  const save = () =>
    run(async () => {
      const saved = await api.put<Settings>('/api/settings', draft);
      toast.ok('Đã lưu cài đặt — áp dụng ngay');
      setChangedBy(null);
      if (saved && (saved as Settings).receipt) setDraft(structuredClone(saved));
      reload();
    });
  return (
    <div className="page narrow settings-page">
      <PageHeader
        title="Cài đặt"
        subtitle="Ghi đè giá trị trong bot.yml; có hiệu lực ngay, không cần khởi động lại."
        actions={
          <>
            <Button variant="ghost" disabled={!dirty} onClick={() => setDraft(structuredClone(data!))}>
              Huỷ thay đổi
            </Button>
            <Button variant="primary" busy={busy} disabled={!dirty} onClick={() => void save()} icon={<Icon.check size={15} />}>
              Lưu cài đặt
            </Button>
          </>
        }
      />
      {changedBy && (
        <div className="banner banner-danger" role="alert">
          <Icon.alert size={16} />
          <span className="grow">
            <b>{changedBy} vừa lưu cài đặt.</b> Tải bản mới nhất để xem thay đổi của họ (bỏ thay đổi của bạn), hoặc lưu đè bằng nội dung của
            bạn.
          </span>
          <Button size="sm" onClick={() => (setChangedBy(null), reload())}>
            Tải bản mới nhất
          </Button>
        </div>
      )}
      <Card title="Tin xác nhận tự động">
        <PerChannel value={draft.receipt} onChange={(v) => set('receipt', v)} hint="Gửi một lần khi người dân bắt đầu hội thoại mới." />
      </Card>
      <Card title="Xác nhận phiếu">
        <PerChannel value={draft.ticketReceipt} onChange={(v) => set('ticketReceipt', v)} hint="Gửi khi tạo phiếu. {code} là mã phiếu." />
      </Card>
      <Card title="Lời chào">
        <Field label="Khi người dân chào hỏi" hint="Lưu như một phiên bản của câu trả lời “Chào hỏi”.">
          <textarea rows={3} value={draft.greeting} onChange={(e) => set('greeting', e.target.value)} />
        </Field>
      </Card>
      <Card title="Giờ làm việc của tổng đài viên">
        <p className="muted small">Trợ lý ảo trả lời 24/7. Ngoài giờ, người dân được báo khi nào tổng đài viên phản hồi.</p>
        <div className="field">
          <span className="field-label">Ngày làm việc</span>
          <div className="day-picker">
            {DAYS.map((d) => (
              <label key={d.n} className={`day ${oh.days.includes(d.n) ? 'on' : ''}`}>
                <input
                  type="checkbox"
                  checked={oh.days.includes(d.n)}
                  onChange={(e) =>
                    set('officeHours', { ...oh, days: e.target.checked ? [...oh.days, d.n].sort() : oh.days.filter((x) => x !== d.n) })
                  }
                />
                {d.label}
              </label>
            ))}
          </div>
        </div>
        <div className="form-grid two">
          <Field label="Giờ bắt đầu">
            <input type="time" value={oh.open} onChange={(e) => set('officeHours', { ...oh, open: e.target.value })} />
          </Field>
          <Field label="Giờ kết thúc">
            <input type="time" value={oh.close} onChange={(e) => set('officeHours', { ...oh, close: e.target.value })} />
          </Field>
        </div>
        <div className="field">
          <span className="field-label">Ngày nghỉ lễ</span>
          <div className="chips-row">
            {oh.holidays.map((h) => (
              <span key={h} className="file-chip">
                {h.split('-').reverse().join('/')}
                <button
                  type="button"
                  aria-label={`Bỏ ${h}`}
                  onClick={() => set('officeHours', { ...oh, holidays: oh.holidays.filter((x) => x !== h) })}
                >
                  <Icon.x size={12} />
                </button>
              </span>
            ))}
            <DateInput label="Ngày nghỉ" placeholder="Chọn ngày" value={holiday} onChange={setHoliday} />
            <Button
              size="sm"
              disabled={!holiday || oh.holidays.includes(holiday)}
              onClick={() => (set('officeHours', { ...oh, holidays: [...oh.holidays, holiday].sort() }), setHoliday(''))}
            >
              Thêm ngày
            </Button>
          </div>
        </div>
      </Card>
      <Card title="Dòng ghi công ở trang đăng nhập">
        <Field label="Nội dung" hint="Để trống nếu không muốn hiển thị.">
          <input
            value={draft.footerCredit}
            maxLength={200}
            aria-label="Dòng ghi công"
            onChange={(e) => set('footerCredit', e.target.value)}
          />
        </Field>
      </Card>
      <Card title="Trả lời của cơ quan">
        <ChoiceCards
          className="two"
          name="mode"
          value={draft.agencyReplyMode}
          onChange={(v) => set('agencyReplyMode', v)}
          options={REPLY_MODES}
        />
      </Card>
      <PrechatCard value={draft.livechatPrechat} onChange={(v) => set('livechatPrechat', v)} />
    </div>
  );
}

/** Service answers (greeting, emergency guidance, formal routes…): text, field, quick replies; versioned like procedures. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Icon } from '../../components/icons';
import { AnswerPreview } from '../../components/preview';
import { VersionsDialog } from '../../components/versions-dialog';
import { Button, Chip, Empty, ErrorBlock, Field, IconButton, ListSkeleton, Skeleton, useToast } from '../../components/ui';
import { api, ApiError, qs } from '../../lib/api';
import { fmtWhen } from '../../lib/format';
import { useDebounced, useLoad } from '../../lib/hooks';
import { useFields } from '../../lib/refdata';
import { navigate } from '../../lib/router';
import type { ServiceAnswer, ServiceSummary } from '../../lib/types';
import { usePreview } from './kb';
import { useReferenceReload } from '../../lib/live';
import { useSession } from '../../lib/session';

/** What each service intent is for, so editors find the right answer. */
const INTENT_LABELS: Record<string, string> = {
  tra_cuu_ho_so: 'Tra cứu hồ sơ',
  tra_cuu_phan_anh: 'Tra cứu phản ánh',
  phan_anh_kien_nghi: 'Phản ánh, kiến nghị',
  su_co_ha_tang: 'Sự cố hạ tầng',
  vi_pham: 'Báo vi phạm',
  khan_cap_113: 'Khẩn cấp — 113',
  khan_cap_114: 'Khẩn cấp — 114',
  khan_cap_115: 'Khẩn cấp — 115',
  khieu_nai_to_cao: 'Khiếu nại, tố cáo',
  gap_tong_dai_vien: 'Gặp tổng đài viên',
  chao_hoi: 'Chào hỏi',
  cam_on_tam_biet: 'Cảm ơn, tạm biệt',
  thong_tin_tong_dai: 'Thông tin tổng đài',
  nlu_fallback: 'Không hiểu câu hỏi',
};
const LABELS = { text: 'Nội dung', field: 'Lĩnh vực', quick_replies: 'Nút trả lời nhanh', intent: 'Ý định' };

const keyOf = (s: { id?: string; intent: string }) => s.id ?? s.intent;

function Editor({ id, onSaved }: { id: string; onSaved: () => void }) {
  const toast = useToast();
  const fields = useFields();
  const { data, error, reload } = useLoad(async () => {
    const r = await api.get<{ service?: ServiceAnswer; answer?: ServiceAnswer; version: number }>(`/api/kb/services/${encodeURIComponent(id)}`);
    return { service: (r.service ?? r.answer ?? (r as unknown as ServiceAnswer)) as ServiceAnswer, version: r.version };
  }, [id]);
  const [draft, setDraft] = useState<ServiceAnswer | null>(null);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const [history, setHistory] = useState(false);
  const seen = useRef('');
  useEffect(() => {
    if (data && seen.current !== `${id}@${data.version}`) {
      seen.current = `${id}@${data.version}`;
      setDraft(structuredClone(data.service));
      setConflict(null);
    }
  }, [data, id]);
  const dirty = useMemo(() => !!data && !!draft && JSON.stringify(draft) !== JSON.stringify(data.service), [data, draft]);
  const preview = usePreview(draft ? { service: draft } : null, !!draft);
  const { user } = useSession();
  useReferenceReload(['services'], () => undefined, (e) => {
    if (e.id !== id || e.by.userId === user.id || !e.version || !data || e.version <= data.version) return false;
    if (dirty) setConflict(`${e.by.name} vừa lưu phiên bản ${e.version}.`);
    else {
      seen.current = '';
      reload();
      toast.info(`${e.by.name} vừa lưu phiên bản ${e.version} của câu trả lời này — đã tải bản mới.`);
    }
    return false;
  });
  if (error && !data) return <ErrorBlock error={error} onRetry={reload} />;
  if (!draft || !data) return <Skeleton lines={8} />;
  const set = <K extends keyof ServiceAnswer>(k: K, v: ServiceAnswer[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const save = async () => {
    setSaving(true);
    try {
      await api.put(`/api/kb/services/${encodeURIComponent(id)}`, { service: draft, baseVersion: data.version });
      toast.ok('Đã lưu — trợ lý ảo dùng nội dung mới sau vài giây');
      seen.current = '';
      reload();
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConflict(e.message);
      else toast.error(e);
    } finally {
      setSaving(false);
    }
  };
  const qr = draft.quick_replies ?? [];
  return (
    <div className="kb-editor">
      <div className="kb-form">
        <div className="kb-form-head">
          <div className="grow">
            <div className="muted small mono">
              {draft.intent} · {draft.id}
            </div>
            <h2>{INTENT_LABELS[draft.intent] ?? draft.intent}</h2>
            <div className="muted small">
              Phiên bản {data.version}
              {dirty && <Chip tone="amber" className="xs ml">Chưa lưu</Chip>}
            </div>
          </div>
          <Button icon={<Icon.history size={15} />} onClick={() => setHistory(true)}>
            Lịch sử
          </Button>
          <Button variant="primary" icon={<Icon.check size={15} />} busy={saving} disabled={!dirty} onClick={() => void save()}>
            Lưu và áp dụng
          </Button>
        </div>
        {conflict && (
          <div className="banner banner-danger" role="alert">
            <Icon.alert size={16} />
            <span className="grow">
              <b>Có người vừa lưu câu trả lời này.</b> {conflict}
            </span>
            <Button size="sm" onClick={() => (seen.current = '', reload())}>
              Tải bản mới nhất
            </Button>
          </div>
        )}
        <div className="kb-fields">
          <Field label="Nội dung trả lời" hint="Có thể dùng {next_open} (giờ tổng đài viên làm việc trở lại), {province}, {code}.">
            <textarea rows={8} value={draft.text} onChange={(e) => set('text', e.target.value)} />
          </Field>
          <Field label="Lĩnh vực của phiếu (khi ý định này tạo phiếu)">
            <select value={draft.field ?? ''} onChange={(e) => set('field', e.target.value || null)}>
              <option value="">Không</option>
              {fields.map((f) => (
                <option key={f.code} value={f.code}>
                  {f.name}
                </option>
              ))}
            </select>
          </Field>
          <div className="field">
            <span className="field-label">Nút trả lời nhanh</span>
            <div className="qr-editor">
              {qr.map((q, i) => (
                <div key={i} className="qr-editor-row">
                  <input
                    value={q.title}
                    maxLength={20}
                    placeholder="Tiêu đề (≤ 20 ký tự)"
                    aria-label={`Tiêu đề nút ${i + 1}`}
                    onChange={(e) => set('quick_replies', qr.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)))}
                  />
                  <input
                    value={q.payload}
                    className="mono"
                    placeholder="payload"
                    aria-label={`Payload nút ${i + 1}`}
                    onChange={(e) => set('quick_replies', qr.map((x, j) => (j === i ? { ...x, payload: e.target.value } : x)))}
                  />
                  <span className={`muted small ${q.title.length > 20 ? 'text-danger' : ''}`}>{q.title.length}/20</span>
                  <IconButton label="Xoá nút" className="xs danger" onClick={() => set('quick_replies', qr.filter((_, j) => j !== i))}>
                    <Icon.trash size={13} />
                  </IconButton>
                </div>
              ))}
              <button type="button" className="list-editor-add" onClick={() => set('quick_replies', [...qr, { title: '', payload: '' }])}>
                <Icon.plus size={14} /> Thêm nút
              </button>
            </div>
          </div>
        </div>
      </div>
      <aside className="kb-preview">
        <AnswerPreview {...preview} />
      </aside>
      {history && <VersionsDialog kind="services" id={id} current={data.version} labels={LABELS} onClose={() => setHistory(false)} onRestored={() => (setHistory(false), (seen.current = ''), reload(), onSaved())} />}
    </div>
  );
}

export default function ServicesPage({ id }: { id: string | null }) {
  const [q, setQ] = useState('');
  const dq = useDebounced(q, 250);
  const list = useLoad(() => api.get<ServiceSummary[]>(`/api/kb/services${qs({ q: dq })}`), [dq]);
  useReferenceReload(['services'], list.reload);
  const items = list.data;
  useEffect(() => {
    if (!id && items?.length) navigate(`/services/${encodeURIComponent(keyOf(items[0]))}`, true);
  }, [id, items]);
  return (
    <div className="split-page">
      <aside className="split-list">
        <div className="split-list-head">
          <div className="search-box">
            <Icon.search size={16} />
            <input type="search" placeholder="Tìm câu trả lời…" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Tìm câu trả lời dịch vụ" />
          </div>
        </div>
        <div className="split-list-body">
          {list.error && !items ? (
            <div className="pad">
              <ErrorBlock error={list.error} onRetry={list.reload} />
            </div>
          ) : !items ? (
            <ListSkeleton rows={8} />
          ) : items.length === 0 ? (
            <Empty title="Không có câu trả lời" />
          ) : (
            items.map((s) => (
              <a
                key={keyOf(s)}
                href={`/services/${encodeURIComponent(keyOf(s))}`}
                className={`split-item ${keyOf(s) === id ? 'active' : ''}`}
                onClick={(e) => (e.preventDefault(), navigate(`/services/${encodeURIComponent(keyOf(s))}`))}
              >
                <span className="split-item-title">{INTENT_LABELS[s.intent] ?? s.intent}</span>
                <span className="split-item-sub">
                  <span className="mono">{s.id ?? s.intent}</span> · v{s.version}
                  {s.updatedAt && ` · ${fmtWhen(s.updatedAt)}`}
                </span>
              </a>
            ))
          )}
        </div>
      </aside>
      <div className="split-main">{id ? <Editor key={id} id={id} onSaved={list.reload} /> : <Empty title="Chọn một câu trả lời để sửa" />}</div>
    </div>
  );
}

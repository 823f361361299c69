/**
 * Knowledge base editor: procedures by field, every field editable, a live preview of the bot's
 * answer per channel, versioned saves (409 on a stale base), history with diffs and one-click restore.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { DateInput } from '../../components/date-input';
import { CodeSet, ListEditor } from '../../components/form-bits';
import { Icon } from '../../components/icons';
import { AnswerPreview, type Previews } from '../../components/preview';
import { VersionsDialog } from '../../components/versions-dialog';
import { Button, Chip, Empty, ErrorBlock, Field, IconButton, ListSkeleton, Skeleton, useToast } from '../../components/ui';
import { api, ApiError, qs } from '../../lib/api';
import { fmtDateTime, fmtWhen } from '../../lib/format';
import { useDebounced, useLoad } from '../../lib/hooks';
import { levelLabel } from '../../lib/labels';
import { fieldName, useAgencies, useFields } from '../../lib/refdata';
import { navigate } from '../../lib/router';
import type { Procedure, ProcedureSummary } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';
import { useSession } from '../../lib/session';

/** Vietnamese names of the procedure's fields (form labels and the diff view). */
export const PROCEDURE_LABELS: Record<string, string> = {
  title: 'Tên thủ tục',
  field: 'Lĩnh vực',
  summary: 'Tóm tắt',
  agency: 'Cơ quan giải quyết',
  level: 'Cấp giải quyết',
  agency_codes: 'Mã cơ quan tiếp nhận',
  documents: 'Thành phần hồ sơ',
  processing_time: 'Thời hạn giải quyết',
  fee: 'Lệ phí',
  where: 'Nơi nộp / cách nộp',
  online_url: 'Đường dẫn nộp trực tuyến',
  legal_basis: 'Căn cứ pháp lý',
  recent_changes: 'Thay đổi gần đây',
  notes: 'Lưu ý cho người dân',
  review_notes: 'Ghi chú biên tập (không hiển thị)',
  sources: 'Nguồn tham khảo',
  last_reviewed: 'Ngày rà soát',
};

/** Live preview of an item through `POST /api/kb/preview`, debounced. */
export function usePreview(body: unknown, enabled = true): { previews: Previews | null; loading: boolean; error: string | null } {
  const debounced = useDebounced(JSON.stringify(body ?? null), 450);
  const [state, setState] = useState<{ previews: Previews | null; loading: boolean; error: string | null }>({ previews: null, loading: false, error: null });
  useEffect(() => {
    if (!enabled || debounced === 'null') return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api
      .post<Previews>('/api/kb/preview', JSON.parse(debounced))
      .then((p) => live && setState({ previews: p, loading: false, error: null }))
      .catch((e: Error) => live && setState((s) => ({ previews: s.previews, loading: false, error: e instanceof ApiError && e.status === 400 ? `Chưa xem trước được: ${e.message}` : e.message })));
    return () => {
      live = false;
    };
  }, [debounced, enabled]);
  return state;
}

function Editor({ intent, onSaved }: { intent: string; onSaved: () => void }) {
  const toast = useToast();
  const fields = useFields();
  const agencies = useAgencies();
  const { data, error, reload } = useLoad(() => api.get<{ procedure: Procedure; version: number }>(`/api/kb/procedures/${encodeURIComponent(intent)}`), [intent]);
  const [draft, setDraft] = useState<Procedure | null>(null);
  const [base, setBase] = useState(0);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const [history, setHistory] = useState(false);
  const loadedFor = useRef<string | null>(null);

  useEffect(() => {
    if (data && (loadedFor.current !== `${intent}@${data.version}` || !draft)) {
      setDraft(structuredClone(data.procedure));
      setBase(data.version);
      loadedFor.current = `${intent}@${data.version}`;
      setConflict(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, intent]);

  const dirty = useMemo(() => !!data && !!draft && JSON.stringify(draft) !== JSON.stringify(data.procedure), [draft, data]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const preview = usePreview(draft ? { procedure: draft } : null, !!draft);
  // Another admin saved this procedure: load it at once, or warn if that would lose edits in progress.
  const { user } = useSession();
  useReferenceReload(['procedures'], () => undefined, (e) => {
    if (e.id !== intent || e.by.userId === user.id || !e.version || e.version <= base) return false;
    if (dirty) setConflict(`${e.by.name} vừa lưu phiên bản ${e.version}.`);
    else {
      loadedFor.current = null;
      reload();
      toast.info(`${e.by.name} vừa lưu phiên bản ${e.version} của thủ tục này — đã tải bản mới.`);
    }
    return false;
  });

  if (error && !data) return <ErrorBlock error={error} onRetry={reload} />;
  if (!draft || !data) {
    return (
      <div className="kb-editor">
        <div className="kb-form">
          <Skeleton lines={10} />
        </div>
      </div>
    );
  }
  const set = <K extends keyof Procedure>(k: K, v: Procedure[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));

  const clean = (p: Procedure): Procedure => {
    const lists: (keyof Procedure)[] = ['documents', 'where', 'legal_basis', 'recent_changes', 'notes', 'review_notes', 'sources'];
    const out = { ...p } as Record<string, unknown>;
    for (const k of lists) out[k] = ((p[k] as string[]) ?? []).map((s) => s.trim()).filter(Boolean);
    out.online_url = p.online_url?.trim() ? p.online_url.trim() : null;
    return out as unknown as Procedure;
  };

  const save = async (baseVersion = base) => {
    setSaving(true);
    try {
      const r = await api.put<{ version?: number; procedure?: Procedure }>(`/api/kb/procedures/${encodeURIComponent(intent)}`, { procedure: clean(draft), baseVersion });
      toast.ok(`Đã lưu phiên bản ${r.version ?? baseVersion + 1} — trợ lý ảo dùng nội dung mới sau vài giây`);
      setConflict(null);
      loadedFor.current = null;
      reload();
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const d = e.details as { currentVersion?: number; updatedBy?: string | null; updatedAt?: string } | undefined;
        setConflict(d?.currentVersion ? `Phiên bản ${d.currentVersion}${d.updatedBy ? ` do ${d.updatedBy}` : ''} lưu lúc ${fmtDateTime(d.updatedAt)}.` : e.message);
      }
      else toast.error(e);
    } finally {
      setSaving(false);
    }
  };
  const overwrite = async () => {
    const latest = await api.get<{ version: number }>(`/api/kb/procedures/${encodeURIComponent(intent)}`).catch(() => null);
    if (latest) await save(latest.version);
  };

  return (
    <div className="kb-editor">
      <div className="kb-form">
        <div className="kb-form-head">
          <div className="grow">
            <div className="muted small mono">{intent}</div>
            <h2>{draft.title || 'Thủ tục'}</h2>
            <div className="muted small">
              Phiên bản {base} · {fieldName(fields, draft.field)}
              {dirty && <Chip tone="amber" className="xs ml">Chưa lưu</Chip>}
            </div>
          </div>
          <Button icon={<Icon.history size={15} />} onClick={() => setHistory(true)}>
            Lịch sử
          </Button>
          <IconButton label="Huỷ thay đổi" disabled={!dirty} onClick={() => setDraft(structuredClone(data.procedure))}>
            <Icon.undo size={17} />
          </IconButton>
          <Button variant="primary" icon={<Icon.check size={15} />} busy={saving} disabled={!dirty} onClick={() => void save()}>
            Lưu và áp dụng
          </Button>
        </div>
        {conflict && (
          <div className="banner banner-danger" role="alert">
            <Icon.alert size={16} />
            <span className="grow">
              <b>Có người vừa lưu thủ tục này.</b> {conflict} Tải bản mới nhất để xem thay đổi của họ, hoặc lưu đè bằng nội dung của bạn.
            </span>
            <Button size="sm" onClick={() => (loadedFor.current = null, setDraft(null), reload())}>
              Tải bản mới nhất
            </Button>
            <Button size="sm" variant="danger" onClick={() => void overwrite()}>
              Lưu đè
            </Button>
          </div>
        )}
        <div className="kb-fields">
          <Field label={PROCEDURE_LABELS.title}>
            <input value={draft.title} onChange={(e) => set('title', e.target.value)} />
          </Field>
          <div className="form-grid two">
            <Field label={PROCEDURE_LABELS.field}>
              <select value={draft.field} onChange={(e) => set('field', e.target.value)}>
                {!fields.some((f) => f.code === draft.field) && <option value={draft.field}>{draft.field}</option>}
                {fields.map((f) => (
                  <option key={f.code} value={f.code}>
                    {f.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={PROCEDURE_LABELS.level}>
              <select value={draft.level} onChange={(e) => set('level', e.target.value as Procedure['level'])}>
                {Object.entries(levelLabel).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <Field label={PROCEDURE_LABELS.summary} hint="Câu mở đầu của câu trả lời.">
            <textarea rows={3} value={draft.summary} onChange={(e) => set('summary', e.target.value)} />
          </Field>
          <Field label={PROCEDURE_LABELS.agency}>
            <input value={draft.agency} onChange={(e) => set('agency', e.target.value)} />
          </Field>
          <Field label={PROCEDURE_LABELS.agency_codes} hint="Dùng để gợi ý cơ quan khi chuyển phiếu.">
            <CodeSet value={draft.agency_codes ?? []} onChange={(v) => set('agency_codes', v)} options={agencies} placeholder="Thêm cơ quan…" />
          </Field>
          <Field label={PROCEDURE_LABELS.documents}>
            <ListEditor name="Giấy tờ" value={draft.documents} onChange={(v) => set('documents', v)} placeholder="Tờ khai…" multiline addLabel="Thêm giấy tờ" />
          </Field>
          <div className="form-grid two">
            <Field label={PROCEDURE_LABELS.processing_time}>
              <input value={draft.processing_time} onChange={(e) => set('processing_time', e.target.value)} />
            </Field>
            <Field label={PROCEDURE_LABELS.fee}>
              <input value={draft.fee} onChange={(e) => set('fee', e.target.value)} />
            </Field>
          </div>
          <Field label={PROCEDURE_LABELS.where}>
            <ListEditor name="Nơi nộp" value={draft.where} onChange={(v) => set('where', v)} multiline addLabel="Thêm nơi nộp" />
          </Field>
          <Field label={PROCEDURE_LABELS.online_url} hint="Để trống nếu không nộp trực tuyến được.">
            <input type="url" value={draft.online_url ?? ''} onChange={(e) => set('online_url', e.target.value || null)} placeholder="https://dichvucong.gov.vn/…" />
          </Field>
          <Field label={PROCEDURE_LABELS.legal_basis}>
            <ListEditor name="Căn cứ" value={draft.legal_basis} onChange={(v) => set('legal_basis', v)} multiline addLabel="Thêm căn cứ" />
          </Field>
          <Field label={PROCEDURE_LABELS.recent_changes}>
            <ListEditor name="Thay đổi" value={draft.recent_changes ?? []} onChange={(v) => set('recent_changes', v)} multiline addLabel="Thêm thay đổi" />
          </Field>
          <Field label={PROCEDURE_LABELS.notes}>
            <ListEditor name="Lưu ý" value={draft.notes ?? []} onChange={(v) => set('notes', v)} multiline addLabel="Thêm lưu ý" />
          </Field>
          <Field label={PROCEDURE_LABELS.review_notes}>
            <ListEditor name="Ghi chú biên tập" value={draft.review_notes ?? []} onChange={(v) => set('review_notes', v)} multiline addLabel="Thêm ghi chú" />
          </Field>
          <Field label={PROCEDURE_LABELS.sources}>
            <ListEditor name="Nguồn" value={draft.sources} onChange={(v) => set('sources', v)} addLabel="Thêm nguồn" />
          </Field>
          <Field label={PROCEDURE_LABELS.last_reviewed}>
            <DateInput label={PROCEDURE_LABELS.last_reviewed} value={draft.last_reviewed} onChange={(v) => set('last_reviewed', v)} />
          </Field>
        </div>
      </div>
      <aside className="kb-preview">
        <AnswerPreview {...preview} />
      </aside>
      {history && (
        <VersionsDialog
          kind="procedures"
          id={intent}
          current={base}
          labels={PROCEDURE_LABELS}
          onClose={() => setHistory(false)}
          onRestored={() => {
            setHistory(false);
            loadedFor.current = null;
            reload();
            onSaved();
          }}
        />
      )}
    </div>
  );
}

export default function KbPage({ intent }: { intent: string | null }) {
  const fields = useFields();
  const [q, setQ] = useState('');
  const [field, setField] = useState('');
  const dq = useDebounced(q, 250);
  const list = useLoad(() => api.get<ProcedureSummary[]>(`/api/kb/procedures${qs({ q: dq, field })}`), [dq, field]);
  useReferenceReload(['procedures'], list.reload);
  const items = list.data;
  useEffect(() => {
    if (!intent && items?.length) navigate(`/kb/${encodeURIComponent(items[0].intent)}`, true);
  }, [intent, items]);
  const grouped = useMemo(() => {
    const g = new Map<string, ProcedureSummary[]>();
    for (const p of items ?? []) g.set(p.field, [...(g.get(p.field) ?? []), p]);
    return [...g.entries()].sort((a, b) => fieldName(fields, a[0]).localeCompare(fieldName(fields, b[0]), 'vi'));
  }, [items, fields]);

  return (
    <div className="split-page">
      <aside className="split-list">
        <div className="split-list-head">
          <div className="search-box">
            <Icon.search size={16} />
            <input type="search" placeholder="Tìm thủ tục…" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Tìm thủ tục" />
          </div>
          <select value={field} onChange={(e) => setField(e.target.value)} aria-label="Lĩnh vực">
            <option value="">Mọi lĩnh vực</option>
            {fields.map((f) => (
              <option key={f.code} value={f.code}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
        <div className="split-list-body">
          {list.error && !items ? (
            <div className="pad">
              <ErrorBlock error={list.error} onRetry={list.reload} />
            </div>
          ) : !items ? (
            <ListSkeleton rows={8} />
          ) : items.length === 0 ? (
            <Empty icon={<Icon.book size={26} />} title="Không có thủ tục" />
          ) : (
            grouped.map(([f, ps]) => (
              <div key={f} className="split-group">
                <div className="split-group-title">
                  {fieldName(fields, f)} <span className="muted">{ps.length}</span>
                </div>
                {ps.map((p) => (
                  <a
                    key={p.intent}
                    href={`/kb/${encodeURIComponent(p.intent)}`}
                    className={`split-item ${p.intent === intent ? 'active' : ''}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`/kb/${encodeURIComponent(p.intent)}`);
                    }}
                  >
                    <span className="split-item-title">{p.title}</span>
                    <span className="split-item-sub">
                      v{p.version}
                      {p.updatedAt && ` · ${fmtWhen(p.updatedAt)}`}
                      {p.updatedBy && ` · ${p.updatedBy}`}
                    </span>
                  </a>
                ))}
              </div>
            ))
          )}
        </div>
      </aside>
      <div className="split-main">{intent ? <Editor key={intent} intent={intent} onSaved={list.reload} /> : <Empty icon={<Icon.book size={28} />} title="Chọn một thủ tục để sửa" />}</div>
    </div>
  );
}

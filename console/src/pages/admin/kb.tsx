/**
 * Knowledge base editor: procedures by field, every field editable, a live preview of the bot's
 * answer per channel, versioned saves (409 on a stale base), history with diffs and one-click restore.
 */
import { useEffect, useMemo, useState } from 'react';
import { DateInput } from '../../components/date-input';
import { CodeSet, ListEditor } from '../../components/form-bits';
import { Icon } from '../../components/icons';
import { KbEditor, useKbDraft, usePreview } from '../../components/kb-editor';
import { CodeSelect, FieldSelect } from '../../components/selects';
import { SplitItem, SplitPage } from '../../components/split-page';
import { Empty, Field } from '../../components/ui';
import { api, qs } from '../../lib/api';
import { fmtWhen } from '../../lib/format';
import { useDebounced, useLoad } from '../../lib/hooks';
import { AGENCY_LEVEL_LABELS } from '@wire/labels';
import { fieldName, useAgencies, useFields } from '../../lib/refdata';
import { navigate } from '../../lib/router';
import type { Procedure, ProcedureSummary } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';

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

/** The procedure's lists of texts, and how their editors name a line and the "add" button. */
const LIST_FIELDS = {
  documents: { name: 'Giấy tờ', addLabel: 'Thêm giấy tờ', placeholder: 'Tờ khai…', multiline: true },
  where: { name: 'Nơi nộp', addLabel: 'Thêm nơi nộp', multiline: true },
  legal_basis: { name: 'Căn cứ', addLabel: 'Thêm căn cứ', multiline: true },
  recent_changes: { name: 'Thay đổi', addLabel: 'Thêm thay đổi', multiline: true },
  notes: { name: 'Lưu ý', addLabel: 'Thêm lưu ý', multiline: true },
  review_notes: { name: 'Ghi chú biên tập', addLabel: 'Thêm ghi chú', multiline: true },
  sources: { name: 'Nguồn', addLabel: 'Thêm nguồn' },
} satisfies Record<string, { name: string; addLabel: string; placeholder?: string; multiline?: boolean }>;
type ListKey = keyof typeof LIST_FIELDS;

/** Trimmed list entries, and no empty online address. */
function clean(p: Procedure): Procedure {
  const out = { ...p } as Record<string, unknown>;
  for (const k of Object.keys(LIST_FIELDS) as ListKey[]) out[k] = ((p[k] as string[]) ?? []).map((s) => s.trim()).filter(Boolean);
  out.online_url = p.online_url?.trim() ? p.online_url.trim() : null;
  return out as unknown as Procedure;
}

function Editor({ intent, onSaved }: { intent: string; onSaved: () => void }) {
  const fields = useFields();
  const agencies = useAgencies();
  const state = useKbDraft<Procedure>('procedures', intent, 'thủ tục này', onSaved);
  const { set } = state;
  const preview = usePreview(state.draft ? { procedure: state.draft } : null, !!state.draft);
  const listField = (draft: Procedure, key: ListKey) => (
    <Field key={key} label={PROCEDURE_LABELS[key]}>
      <ListEditor {...LIST_FIELDS[key]} value={draft[key] ?? []} onChange={(v) => set(key, v)} />
    </Field>
  );
  return (
    <KbEditor
      state={state}
      code={() => intent}
      title={(d) => d.title || 'Thủ tục'}
      sub={(d) => fieldName(fields, d.field)}
      labels={PROCEDURE_LABELS}
      preview={preview}
      prepare={clean}
    >
      {(draft) => (
        <>
          <Field label={PROCEDURE_LABELS.title}>
            <input value={draft.title} onChange={(e) => set('title', e.target.value)} />
          </Field>
          <div className="form-grid two">
            <Field label={PROCEDURE_LABELS.field}>
              <FieldSelect value={draft.field} onChange={(v) => set('field', v)} empty={null} />
            </Field>
            <Field label={PROCEDURE_LABELS.level}>
              <CodeSelect labels={AGENCY_LEVEL_LABELS} value={draft.level} onChange={(v) => set('level', v as Procedure['level'])} />
            </Field>
          </div>
          <Field label={PROCEDURE_LABELS.summary} hint="Câu mở đầu của câu trả lời.">
            <textarea rows={3} value={draft.summary} onChange={(e) => set('summary', e.target.value)} />
          </Field>
          <Field label={PROCEDURE_LABELS.agency}>
            <input value={draft.agency} onChange={(e) => set('agency', e.target.value)} />
          </Field>
          <Field label={PROCEDURE_LABELS.agency_codes} hint="Dùng để gợi ý cơ quan khi chuyển phiếu.">
            <CodeSet
              value={draft.agency_codes ?? []}
              onChange={(v) => set('agency_codes', v)}
              options={agencies}
              placeholder="Thêm cơ quan…"
            />
          </Field>
          {listField(draft, 'documents')}
          <div className="form-grid two">
            <Field label={PROCEDURE_LABELS.processing_time}>
              <input value={draft.processing_time} onChange={(e) => set('processing_time', e.target.value)} />
            </Field>
            <Field label={PROCEDURE_LABELS.fee}>
              <input value={draft.fee} onChange={(e) => set('fee', e.target.value)} />
            </Field>
          </div>
          {listField(draft, 'where')}
          <Field label={PROCEDURE_LABELS.online_url} hint="Để trống nếu không nộp trực tuyến được.">
            <input
              type="url"
              value={draft.online_url ?? ''}
              onChange={(e) => set('online_url', e.target.value || null)}
              placeholder="https://dichvucong.gov.vn/…"
            />
          </Field>
          {(['legal_basis', 'recent_changes', 'notes', 'review_notes', 'sources'] as const).map((key) => listField(draft, key))}
          <Field label={PROCEDURE_LABELS.last_reviewed}>
            <DateInput label={PROCEDURE_LABELS.last_reviewed} value={draft.last_reviewed} onChange={(v) => set('last_reviewed', v)} />
          </Field>
        </>
      )}
    </KbEditor>
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
    for (const p of items ?? []) g.set(p.field ?? '', [...(g.get(p.field ?? '') ?? []), p]);
    return [...g.entries()].sort((a, b) => fieldName(fields, a[0]).localeCompare(fieldName(fields, b[0]), 'vi'));
  }, [items, fields]);

  return (
    <SplitPage
      search={{ value: q, onChange: setQ, placeholder: 'Tìm thủ tục…', label: 'Tìm thủ tục' }}
      filters={<FieldSelect label="Lĩnh vực" empty="Mọi lĩnh vực" value={field} onChange={setField} />}
      list={{
        data: items,
        error: list.error,
        onRetry: list.reload,
        rows: 8,
        empty: <Empty icon={<Icon.book size={26} />} title="Không có thủ tục" />,
        children: () =>
          grouped.map(([f, ps]) => (
            <div key={f} className="split-group">
              <div className="split-group-title">
                {fieldName(fields, f)} <span className="muted">{ps.length}</span>
              </div>
              {ps.map((p) => (
                <SplitItem
                  key={p.intent}
                  to={`/kb/${encodeURIComponent(p.intent)}`}
                  active={p.intent === intent}
                  title={p.title}
                  sub={[`v${p.version}`, p.updatedAt && fmtWhen(p.updatedAt), p.updatedBy].filter(Boolean).join(' · ')}
                />
              ))}
            </div>
          )),
      }}
      main={
        intent ? (
          <Editor key={intent} intent={intent} onSaved={list.reload} />
        ) : (
          <Empty icon={<Icon.book size={28} />} title="Chọn một thủ tục để sửa" />
        )
      }
    />
  );
}

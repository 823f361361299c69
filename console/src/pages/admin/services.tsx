/** Service answers (greeting, emergency guidance, formal routes…): text, field, quick replies; versioned like procedures. */
import { useEffect, useState } from 'react';
import { Icon } from '../../components/icons';
import { KbEditor, useKbDraft, usePreview } from '../../components/kb-editor';
import { FieldSelect } from '../../components/selects';
import { SplitItem, SplitPage } from '../../components/split-page';
import { Empty, Field, IconButton } from '../../components/ui';
import { api, qs } from '../../lib/api';
import { fmtWhen } from '../../lib/format';
import { useDebounced, useLoad } from '../../lib/hooks';
import { navigate } from '../../lib/router';
import type { ServiceAnswer, ServiceSummary } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';
import { INTENT_LABELS } from '@wire/labels';

const LABELS = { text: 'Nội dung', field: 'Lĩnh vực', quick_replies: 'Nút trả lời nhanh', intent: 'Ý định' };

const keyOf = (s: { id?: string; intent: string }) => s.id ?? s.intent;

function Editor({ id, onSaved }: { id: string; onSaved: () => void }) {
  const state = useKbDraft<ServiceAnswer>('services', id, 'câu trả lời này', onSaved);
  const { set } = state;
  const preview = usePreview(state.draft ? { service: state.draft } : null, !!state.draft);
  const qr = state.draft?.quick_replies ?? [];
  return (
    <KbEditor
      state={state}
      code={(d) => `${d.intent} · ${d.id}`}
      title={(d) => INTENT_LABELS[d.intent] ?? d.intent}
      labels={LABELS}
      preview={preview}
    >
      {(draft) => (
        <>
          <Field label="Nội dung trả lời" hint="Có thể dùng {next_open} (giờ tổng đài viên làm việc trở lại), {province}, {code}.">
            <textarea rows={8} value={draft.text} onChange={(e) => set('text', e.target.value)} />
          </Field>
          <Field label="Lĩnh vực của phiếu (khi ý định này tạo phiếu)">
            <FieldSelect value={draft.field ?? ''} onChange={(v) => set('field', v || null)} empty="Không" />
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
                    onChange={(e) =>
                      set(
                        'quick_replies',
                        qr.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)),
                      )
                    }
                  />
                  <input
                    value={q.payload}
                    className="mono"
                    placeholder="payload"
                    aria-label={`Payload nút ${i + 1}`}
                    onChange={(e) =>
                      set(
                        'quick_replies',
                        qr.map((x, j) => (j === i ? { ...x, payload: e.target.value } : x)),
                      )
                    }
                  />
                  <span className={`muted small ${q.title.length > 20 ? 'text-danger' : ''}`}>{q.title.length}/20</span>
                  <IconButton
                    label="Xoá nút"
                    className="xs danger"
                    onClick={() =>
                      set(
                        'quick_replies',
                        qr.filter((_, j) => j !== i),
                      )
                    }
                  >
                    <Icon.trash size={13} />
                  </IconButton>
                </div>
              ))}
              <button type="button" className="list-editor-add" onClick={() => set('quick_replies', [...qr, { title: '', payload: '' }])}>
                <Icon.plus size={14} /> Thêm nút
              </button>
            </div>
          </div>
        </>
      )}
    </KbEditor>
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
    <SplitPage
      search={{ value: q, onChange: setQ, placeholder: 'Tìm câu trả lời…', label: 'Tìm câu trả lời dịch vụ' }}
      list={{
        data: items,
        error: list.error,
        onRetry: list.reload,
        rows: 8,
        empty: <Empty title="Không có câu trả lời" />,
        children: (services) =>
          services.map((s) => (
            <SplitItem
              key={keyOf(s)}
              to={`/services/${encodeURIComponent(keyOf(s))}`}
              active={keyOf(s) === id}
              title={INTENT_LABELS[s.intent] ?? s.intent}
              sub={
                <>
                  <span className="mono">{s.id ?? s.intent}</span> · v{s.version}
                  {s.updatedAt && ` · ${fmtWhen(s.updatedAt)}`}
                </>
              }
            />
          )),
      }}
      main={id ? <Editor key={id} id={id} onSaved={list.reload} /> : <Empty title="Chọn một câu trả lời để sửa" />}
    />
  );
}

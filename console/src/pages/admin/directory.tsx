/** Agencies (cơ quan) and fields (lĩnh vực): tables, add/edit, CSV import with per-line errors. */
import { useRef, useState, type FormEvent } from 'react';
import { CodeSet } from '../../components/form-bits';
import { Icon } from '../../components/icons';
import { ListState, SearchBox, Table } from '../../components/list-state';
import { Button, Card, Chip, Empty, Field, FormModal, IconButton, Modal, PageHeader, Tabs, useAction, useToast } from '../../components/ui';
import { api, qs } from '../../lib/api';
import { useDebounced, useLoad } from '../../lib/hooks';
import { AGENCY_KIND_LABELS, label } from '@wire/labels';
import { invalidate, useFields } from '../../lib/refdata';
import { setQuery, useRoute } from '../../lib/router';
import type { Agency, AgencyInput, Field as FieldT, ImportResult } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';

function ImportButton({ path, label, onDone, columns }: { path: string; label: string; onDone: () => void; columns: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, run] = useAction();
  const upload = async (file: File | undefined) => {
    if (!file) return;
    await run(async () => {
      const r = await api.raw<ImportResult>(path, await file.text(), 'text/csv; charset=utf-8');
      setResult(r);
      onDone();
    });
    if (input.current) input.current.value = '';
  };
  return (
    <>
      <input ref={input} type="file" accept=".csv,text/csv" hidden onChange={(e) => void upload(e.target.files?.[0])} />
      <Button icon={<Icon.upload size={15} />} busy={busy} onClick={() => input.current?.click()} title={`Cột: ${columns}`}>
        {label}
      </Button>
      {result && (
        <Modal
          title="Kết quả nhập CSV"
          icon={<Icon.upload size={18} />}
          onClose={() => setResult(null)}
          footer={
            <Button variant="primary" onClick={() => setResult(null)}>
              Đóng
            </Button>
          }
        >
          <div className="import-summary">
            <div>
              <b>{result.created}</b> mới
            </div>
            <div>
              <b>{result.updated}</b> cập nhật
            </div>
            <div className={result.errors.length ? 'text-danger' : ''}>
              <b>{result.errors.length}</b> lỗi
            </div>
          </div>
          {result.errors.length > 0 && (
            <ul className="import-errors">
              {result.errors.map((e, i) => (
                <li key={i}>
                  <span className="mono">Dòng {e.line}</span> {e.message}
                </li>
              ))}
            </ul>
          )}
        </Modal>
      )}
    </>
  );
}

/** An agency being edited: a new one has no id yet. */
type AgencyDraft = AgencyInput & { id?: string; active?: boolean };

const emptyAgency: AgencyDraft = {
  code: '',
  name: '',
  kind: 'department',
  parent: null,
  phone: null,
  email: null,
  fields: [],
  aliases: [],
  notes: null,
};

function AgencyDialog({ agency, onClose, onSaved }: { agency: Agency | null; onClose: () => void; onSaved: () => void }) {
  const toast = useToast();
  const fields = useFields();
  const [f, setF] = useState<AgencyDraft>(agency ?? emptyAgency);
  const [aliases, setAliases] = useState((agency?.aliases ?? []).join('; '));
  const [busy, run] = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const body = {
        ...f,
        phone: f.phone?.trim() || null,
        email: f.email?.trim() || null,
        notes: f.notes?.trim() || null,
        parent: f.parent?.trim() || null,
        aliases: aliases
          .split(/[;\n]/)
          .map((s) => s.trim())
          .filter(Boolean),
      };
      if (agency) {
        const { code: _code, id: _id, ...rest } = body;
        void _code;
        void _id;
        await api.patch(`/api/agencies/${encodeURIComponent(agency.code)}`, rest);
      } else await api.post('/api/agencies', body);
      invalidate('agencies');
      toast.ok('Đã lưu cơ quan');
      onSaved();
    });
  };
  return (
    <FormModal
      title={agency ? agency.name : 'Thêm cơ quan'}
      icon={<Icon.building size={18} />}
      onClose={onClose}
      width={640}
      submit="Lưu"
      busy={busy}
      disabled={!f.code || !f.name.trim()}
      onSubmit={submit}
      className="form-grid two"
    >
      <Field label="Mã" hint="Chữ thường, số, gạch dưới.">
        <input
          value={f.code}
          disabled={!!agency}
          className="mono"
          onChange={(e) => setF({ ...f, code: e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, '_') })}
        />
      </Field>
      <Field label="Loại">
        <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as Agency['kind'] })}>
          {Object.entries(AGENCY_KIND_LABELS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Tên cơ quan" className="span-2">
        <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
      </Field>
      <Field label="Điện thoại">
        <input value={f.phone ?? ''} onChange={(e) => setF({ ...f, phone: e.target.value })} />
      </Field>
      <Field label="Email">
        <input type="email" value={f.email ?? ''} onChange={(e) => setF({ ...f, email: e.target.value })} />
      </Field>
      <Field label="Lĩnh vực phụ trách" className="span-2">
        <CodeSet value={f.fields} onChange={(v) => setF({ ...f, fields: v })} options={fields} placeholder="Thêm lĩnh vực…" />
      </Field>
      <Field label="Tên gọi khác" className="span-2" hint="Cách người dân hay gọi, ngăn cách bằng dấu chấm phẩy.">
        <input value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder="Sở GTVT; giao thông" />
      </Field>
      <Field label="Ghi chú" className="span-2">
        <textarea rows={2} value={f.notes ?? ''} onChange={(e) => setF({ ...f, notes: e.target.value })} />
      </Field>
    </FormModal>
  );
}

function Agencies() {
  const fields = useFields();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const dq = useDebounced(q, 250);
  const { data, error, reload } = useLoad(() => api.get<Agency[]>(`/api/agencies${qs({ q: dq, kind })}`), [dq, kind]);
  useReferenceReload(['agencies'], reload);
  const [editing, setEditing] = useState<Agency | null | 'new'>(null);
  return (
    <Card pad={false}>
      <div className="card-head wrap">
        <SearchBox value={q} onChange={setQ} placeholder="Tìm cơ quan…" label="Tìm cơ quan" />
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Loại cơ quan">
          <option value="">Mọi loại</option>
          {Object.entries(AGENCY_KIND_LABELS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <span className="grow" />
        <ImportButton
          path="/api/agencies/import"
          label="Nhập CSV"
          columns="code,name,kind,parent,phone,email,fields,aliases,notes"
          onDone={() => (invalidate('agencies'), reload())}
        />
        <Button variant="primary" icon={<Icon.plus size={15} />} onClick={() => setEditing('new')}>
          Thêm cơ quan
        </Button>
      </div>
      <ListState
        data={data}
        error={error}
        onRetry={reload}
        rows={8}
        empty={<Empty icon={<Icon.building size={26} />} title="Không có cơ quan" />}
      >
        {(agencies) => (
          <Table
            columns={
              <>
                <th>Cơ quan</th>
                <th>Loại</th>
                <th>Liên hệ</th>
                <th>Lĩnh vực</th>
                <th />
              </>
            }
            items={agencies}
            row={(a) => (
              <tr key={a.code} className={a.active === false ? 'row-muted' : ''}>
                <td>
                  <div className="strong">{a.name}</div>
                  <div className="muted small mono">{a.code}</div>
                </td>
                <td className="small">{label(AGENCY_KIND_LABELS, a.kind)}</td>
                <td className="small">
                  {a.phone && <div>{a.phone}</div>}
                  {a.email && <div className="muted">{a.email}</div>}
                  {!a.phone && !a.email && <span className="muted">—</span>}
                </td>
                <td>
                  <div className="chips-row">
                    {(a.fields ?? []).slice(0, 3).map((c) => (
                      <Chip key={c}>{fields.find((f) => f.code === c)?.name ?? c}</Chip>
                    ))}
                    {(a.fields ?? []).length > 3 && <span className="muted small">+{a.fields.length - 3}</span>}
                  </div>
                </td>
                <td className="row-actions">
                  <IconButton label="Sửa" onClick={() => setEditing(a)}>
                    <Icon.edit size={15} />
                  </IconButton>
                </td>
              </tr>
            )}
          />
        )}
      </ListState>
      {editing && (
        <AgencyDialog
          agency={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => (setEditing(null), reload())}
        />
      )}
    </Card>
  );
}

function FieldDialog({ field, onClose, onSaved }: { field: FieldT | null; onClose: () => void; onSaved: () => void }) {
  const toast = useToast();
  const [f, setF] = useState({ code: field?.code ?? '', name: field?.name ?? '', sortOrder: field?.sortOrder ?? 100 });
  const [busy, run] = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      if (field) await api.patch(`/api/fields/${encodeURIComponent(field.code)}`, { name: f.name, sortOrder: Number(f.sortOrder) });
      else await api.post('/api/fields', { code: f.code, name: f.name, sortOrder: Number(f.sortOrder) });
      invalidate('fields');
      toast.ok('Đã lưu lĩnh vực');
      onSaved();
    });
  };
  return (
    <FormModal
      title={field ? field.name : 'Thêm lĩnh vực'}
      onClose={onClose}
      submit="Lưu"
      busy={busy}
      disabled={!f.code || !f.name.trim()}
      onSubmit={submit}
      className="form-grid two"
    >
      <Field label="Mã">
        <input
          value={f.code}
          disabled={!!field}
          className="mono"
          onChange={(e) => setF({ ...f, code: e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, '_') })}
        />
      </Field>
      <Field label="Thứ tự">
        <input type="number" value={f.sortOrder} onChange={(e) => setF({ ...f, sortOrder: Number(e.target.value) })} />
      </Field>
      <Field label="Tên lĩnh vực" className="span-2">
        <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
      </Field>
    </FormModal>
  );
}

function Fields() {
  const { data, error, reload } = useLoad(() => api.get<FieldT[]>('/api/fields'), []);
  useReferenceReload(['fields'], reload);
  const [editing, setEditing] = useState<FieldT | null | 'new'>(null);
  return (
    <Card pad={false}>
      <div className="card-head">
        <span className="muted small">{data ? `${data.length} lĩnh vực` : ''}</span>
        <span className="grow" />
        <ImportButton
          path="/api/fields/import"
          label="Nhập CSV"
          columns="code,name,sort_order"
          onDone={() => (invalidate('fields'), reload())}
        />
        <Button variant="primary" icon={<Icon.plus size={15} />} onClick={() => setEditing('new')}>
          Thêm lĩnh vực
        </Button>
      </div>
      <ListState data={data} error={error} onRetry={reload} rows={8}>
        {(list) => (
          <Table
            columns={
              <>
                <th className="num w-10">Thứ tự</th>
                <th>Lĩnh vực</th>
                <th>Mã</th>
                <th />
              </>
            }
            items={list}
            row={(f) => (
              <tr key={f.code}>
                <td className="num muted">{f.sortOrder}</td>
                <td className="strong">{f.name}</td>
                <td className="mono small">{f.code}</td>
                <td className="row-actions">
                  <IconButton label="Sửa" onClick={() => setEditing(f)}>
                    <Icon.edit size={15} />
                  </IconButton>
                </td>
              </tr>
            )}
          />
        )}
      </ListState>
      {editing && (
        <FieldDialog
          field={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => (setEditing(null), reload())}
        />
      )}
    </Card>
  );
}

export default function DirectoryPage() {
  const route = useRoute();
  const tab = route.query.get('tab') === 'fields' ? 'fields' : 'agencies';
  return (
    <div className="page">
      <PageHeader title="Cơ quan và lĩnh vực" subtitle="Danh bạ cơ quan nhận phiếu chuyển và danh mục lĩnh vực phân loại phiếu." />
      <Tabs
        className="page-tabs"
        value={tab}
        onChange={(v) => setQuery({ tab: v === 'fields' ? 'fields' : null })}
        items={[
          { value: 'agencies', label: 'Cơ quan' },
          { value: 'fields', label: 'Lĩnh vực' },
        ]}
      />
      {tab === 'agencies' ? <Agencies /> : <Fields />}
    </div>
  );
}

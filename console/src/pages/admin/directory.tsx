/** Agencies (cơ quan) and fields (lĩnh vực): tables, add/edit, CSV import with per-line errors. */
import { useRef, useState, type ReactNode } from 'react';
import { AddButton, EditButton, useEditing, type EditorDialogProps } from '../../components/editing';
import { CodeSet } from '../../components/form-bits';
import { Icon } from '../../components/icons';
import { ListState, SearchBox, Table } from '../../components/list-state';
import { CodeSelect } from '../../components/selects';
import { Button, Card, Chip, Empty, Field, FormModal, Modal, PageHeader, Tabs, useAction, useToast } from '../../components/ui';
import { api, qs } from '../../lib/api';
import { useDebounced, useLoad, type Loaded } from '../../lib/hooks';
import { AGENCY_KIND_LABELS, label } from '@wire/labels';
import { invalidate, useFields } from '../../lib/refdata';
import { setQuery, useRoute } from '../../lib/router';
import type { Agency, AgencyInput, Field as FieldT, ImportResult } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';

/** "Nhập CSV": uploads a CSV file to `path`, then shows what was created, updated and refused. */
function ImportButton({ path, onDone, columns }: { path: string; onDone: () => void; columns: string }) {
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
        Nhập CSV
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

/** The code (mã) of an agency or a field: lower-case letters, digits and underscores, fixed once created. */
function CodeInput({ value, locked, onChange }: { value: string; locked: boolean; onChange: (code: string) => void }) {
  return (
    <input
      value={value}
      disabled={locked}
      className="mono"
      onChange={(e) => onChange(e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, '_'))}
    />
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

function AgencyDialog({ agency, onClose, onSaved }: { agency: Agency | null } & EditorDialogProps) {
  const toast = useToast();
  const fields = useFields();
  const [f, setF] = useState<AgencyDraft>(agency ?? emptyAgency);
  const [aliases, setAliases] = useState((agency?.aliases ?? []).join('; '));
  const submit = async () => {
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
  };
  return (
    <FormModal
      title={agency ? agency.name : 'Thêm cơ quan'}
      icon={<Icon.building size={18} />}
      onClose={onClose}
      width={640}
      submit="Lưu"
      disabled={!f.code || !f.name.trim()}
      onSubmit={submit}
      className="form-grid two"
    >
      <Field label="Mã" hint="Chữ thường, số, gạch dưới.">
        <CodeInput value={f.code} locked={!!agency} onChange={(code) => setF({ ...f, code })} />
      </Field>
      <Field label="Loại">
        <CodeSelect labels={AGENCY_KIND_LABELS} value={f.kind} onChange={(v) => setF({ ...f, kind: v as Agency['kind'] })} />
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

/** One tab: a kind of reference data in a table, with CSV import, "Thêm" and an edit dialog per row. */
function ReferenceTable<T>({
  list,
  load,
  tools,
  csvColumns,
  addLabel,
  empty,
  columns,
  row,
  dialog,
}: {
  list: 'agencies' | 'fields';
  load: Loaded<T[]>;
  /** What the card's head shows before the buttons. */
  tools: ReactNode;
  csvColumns: string;
  addLabel: string;
  empty?: ReactNode;
  columns: ReactNode;
  /** A row; `edit` opens the dialog on its item. */
  row: (item: T, edit: () => void) => ReactNode;
  dialog: (item: T | null, props: EditorDialogProps) => ReactNode;
}) {
  useReferenceReload([list], load.reload);
  const editing = useEditing<T>(load.reload);
  return (
    <Card pad={false}>
      <div className="card-head wrap">
        {tools}
        <span className="grow" />
        <ImportButton path={`/api/${list}/import`} columns={csvColumns} onDone={() => (invalidate(list), load.reload())} />
        <AddButton onClick={() => editing.edit('new')}>{addLabel}</AddButton>
      </div>
      <ListState data={load.data} error={load.error} onRetry={load.reload} rows={8} empty={empty}>
        {(items) => <Table columns={columns} items={items} row={(item) => row(item, () => editing.edit(item))} />}
      </ListState>
      {editing.open && dialog(editing.item, editing.props)}
    </Card>
  );
}

function Agencies() {
  const fields = useFields();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const dq = useDebounced(q, 250);
  const load = useLoad(() => api.get<Agency[]>(`/api/agencies${qs({ q: dq, kind })}`), [dq, kind]);
  return (
    <ReferenceTable
      list="agencies"
      load={load}
      tools={
        <>
          <SearchBox value={q} onChange={setQ} placeholder="Tìm cơ quan…" label="Tìm cơ quan" />
          <CodeSelect labels={AGENCY_KIND_LABELS} label="Loại cơ quan" empty="Mọi loại" value={kind} onChange={setKind} />
        </>
      }
      csvColumns="code,name,kind,parent,phone,email,fields,aliases,notes"
      addLabel="Thêm cơ quan"
      empty={<Empty icon={<Icon.building size={26} />} title="Không có cơ quan" />}
      columns={
        <>
          <th>Cơ quan</th>
          <th>Loại</th>
          <th>Liên hệ</th>
          <th>Lĩnh vực</th>
          <th />
        </>
      }
      row={(a, edit) => (
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
            <EditButton onClick={edit} />
          </td>
        </tr>
      )}
      dialog={(agency, props) => <AgencyDialog agency={agency} {...props} />}
    />
  );
}

function FieldDialog({ field, onClose, onSaved }: { field: FieldT | null } & EditorDialogProps) {
  const toast = useToast();
  const [f, setF] = useState({ code: field?.code ?? '', name: field?.name ?? '', sortOrder: field?.sortOrder ?? 100 });
  const submit = async () => {
    if (field) await api.patch(`/api/fields/${encodeURIComponent(field.code)}`, { name: f.name, sortOrder: Number(f.sortOrder) });
    else await api.post('/api/fields', { code: f.code, name: f.name, sortOrder: Number(f.sortOrder) });
    invalidate('fields');
    toast.ok('Đã lưu lĩnh vực');
    onSaved();
  };
  return (
    <FormModal
      title={field ? field.name : 'Thêm lĩnh vực'}
      onClose={onClose}
      submit="Lưu"
      disabled={!f.code || !f.name.trim()}
      onSubmit={submit}
      className="form-grid two"
    >
      <Field label="Mã">
        <CodeInput value={f.code} locked={!!field} onChange={(code) => setF({ ...f, code })} />
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
  const load = useLoad(() => api.get<FieldT[]>('/api/fields'), []);
  return (
    <ReferenceTable
      list="fields"
      load={load}
      tools={<span className="muted small">{load.data ? `${load.data.length} lĩnh vực` : ''}</span>}
      csvColumns="code,name,sort_order"
      addLabel="Thêm lĩnh vực"
      columns={
        <>
          <th className="num w-10">Thứ tự</th>
          <th>Lĩnh vực</th>
          <th>Mã</th>
          <th />
        </>
      }
      row={(f, edit) => (
        <tr key={f.code}>
          <td className="num muted">{f.sortOrder}</td>
          <td className="strong">{f.name}</td>
          <td className="mono small">{f.code}</td>
          <td className="row-actions">
            <EditButton onClick={edit} />
          </td>
        </tr>
      )}
      dialog={(field, props) => <FieldDialog field={field} {...props} />}
    />
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

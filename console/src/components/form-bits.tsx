/** Form pieces: a list of texts, a set of codes, radio choices as cards, a diff view. */
import { useState, type ReactNode } from 'react';
import { Icon } from './icons';
import { IconButton } from './ui';

/** An ordered list of short texts (documents, ways to submit, legal bases…). */
export function ListEditor({
  value,
  onChange,
  placeholder,
  multiline,
  addLabel = 'Thêm dòng',
  name,
}: {
  value: string[];
  onChange: (v: string[]) => void;
  placeholder?: string;
  multiline?: boolean;
  addLabel?: string;
  name: string;
}) {
  const set = (i: number, v: string) => onChange(value.map((x, j) => (j === i ? v : x)));
  const move = (i: number, d: number) => {
    const j = i + d;
    if (j < 0 || j >= value.length) return;
    const next = [...value];
    [next[i], next[j]] = [next[j], next[i]];
    onChange(next);
  };
  return (
    <div className="list-editor">
      {value.map((v, i) => (
        <div key={i} className="list-editor-row">
          <span className="list-editor-num">{i + 1}</span>
          {multiline ? (
            <textarea
              rows={Math.min(4, Math.max(1, Math.ceil(v.length / 70)))}
              value={v}
              onChange={(e) => set(i, e.target.value)}
              placeholder={placeholder}
              aria-label={`${name} ${i + 1}`}
            />
          ) : (
            <input value={v} onChange={(e) => set(i, e.target.value)} placeholder={placeholder} aria-label={`${name} ${i + 1}`} />
          )}
          <span className="list-editor-tools">
            <IconButton label="Lên" className="xs" disabled={i === 0} onClick={() => move(i, -1)}>
              <Icon.chevronDown size={13} style={{ transform: 'rotate(180deg)' }} />
            </IconButton>
            <IconButton label="Xuống" className="xs" disabled={i === value.length - 1} onClick={() => move(i, 1)}>
              <Icon.chevronDown size={13} />
            </IconButton>
            <IconButton label="Xoá dòng" className="xs danger" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              <Icon.trash size={13} />
            </IconButton>
          </span>
        </div>
      ))}
      <button type="button" className="list-editor-add" onClick={() => onChange([...value, ''])}>
        <Icon.plus size={14} /> {addLabel}
      </button>
    </div>
  );
}

/** A set of codes picked from options, shown as removable chips. */
export function CodeSet({
  value,
  onChange,
  options,
  placeholder,
}: {
  value: string[];
  onChange: (v: string[]) => void;
  options: { code: string; name: string }[];
  placeholder: string;
}) {
  const [q, setQ] = useState('');
  const name = (c: string) => options.find((o) => o.code === c)?.name ?? c;
  const hits = q.trim()
    ? options
        .filter((o) => !value.includes(o.code) && (o.name.toLowerCase().includes(q.toLowerCase()) || o.code.includes(q.toLowerCase())))
        .slice(0, 8)
    : [];
  return (
    <div className="code-set">
      <div className="code-set-chips">
        {value.map((c) => (
          <span key={c} className="file-chip">
            {name(c)}
            <button type="button" aria-label={`Bỏ ${name(c)}`} onClick={() => onChange(value.filter((x) => x !== c))}>
              <Icon.x size={12} />
            </button>
          </span>
        ))}
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={placeholder} aria-label={placeholder} />
      </div>
      {hits.length > 0 && (
        <ul className="code-set-pop">
          {hits.map((o) => (
            <li key={o.code}>
              <button
                type="button"
                onClick={() => {
                  onChange([...value, o.code]);
                  setQ('');
                }}
              >
                {o.name} <span className="muted mono small">{o.code}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Radio choices shown as cards, each with a title and a hint under it. */
export function ChoiceCards<T extends string>({
  name,
  value,
  onChange,
  options,
  className = '',
}: {
  name: string;
  value: T;
  onChange: (value: T) => void;
  options: { value: T; title: ReactNode; hint: ReactNode }[];
  className?: string;
}) {
  return (
    <div className={`role-grid ${className}`}>
      {options.map((o) => (
        <label key={o.value} className={`role-option ${value === o.value ? 'on' : ''}`}>
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span className="strong">{o.title}</span>
          <span className="muted small">{o.hint}</span>
        </label>
      ))}
    </div>
  );
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '(trống)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 1);
}

/** A version's changes: path, before (red), after (green). */
export function DiffView({ diff, labels }: { diff: { path: string; before: unknown; after: unknown }[]; labels?: Record<string, string> }) {
  if (!diff.length) return <div className="muted small">Không có thay đổi nội dung.</div>;
  return (
    <div className="diff">
      {diff.map((d, i) => {
        const root = d.path.split(/[.[]/)[0];
        return (
          <div key={i} className="diff-item">
            <div className="diff-path">
              {labels?.[root] ?? root}
              {d.path !== root && <span className="muted mono small"> {d.path.slice(root.length)}</span>}
            </div>
            {d.before !== undefined && d.before !== null && <div className="diff-before">− {show(d.before)}</div>}
            {d.after !== undefined && d.after !== null && <div className="diff-after">+ {show(d.after)}</div>}
          </div>
        );
      })}
    </div>
  );
}

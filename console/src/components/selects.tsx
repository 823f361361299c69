/** Selects of the values tickets and filters use: agencies, fields, and coded values named by a label map. */
import { useMemo, useState } from 'react';
import { AGENCY_KIND_LABELS, codesOf, label } from '@wire/labels';
import { useAgencies, useFields } from '../lib/refdata';
import type { Agency } from '../lib/types';

/** Lower case without Vietnamese diacritics ("Phường Mỹ Phú" → "phuong my phu"), for searching names. */
export function folded(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/**
 * Agencies grouped by kind in a native select (fast and accessible with ~150 entries), with a search
 * box that narrows the list by name or code, diacritics optional; the chosen agency always stays listed.
 */
export function AgencySelect({
  value,
  onChange,
  empty = 'Chưa chuyển cơ quan',
  id,
  required,
  label: name,
}: {
  value: string;
  onChange: (code: string) => void;
  empty?: string;
  id?: string;
  required?: boolean;
  label?: string;
}) {
  const agencies = useAgencies();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const words = folded(query).split(/\s+/).filter(Boolean);
    const g = new Map<string, Agency[]>();
    for (const a of agencies) {
      if (a.active === false) continue;
      const text = folded(`${a.name} ${a.code}`);
      if (a.code !== value && !words.every((w) => text.includes(w))) continue;
      const k = a.kind ?? 'other';
      g.set(k, [...(g.get(k) ?? []), a]);
    }
    return [...g.entries()];
  }, [agencies, query, value]);
  return (
    <span className="agency-select">
      <input
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Tìm cơ quan…"
        aria-label={`Tìm ${name ? name.toLowerCase() : 'cơ quan'}`}
      />
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} required={required} aria-label={name}>
        <option value="">{empty}</option>
        {groups.map(([kind, list]) => (
          <optgroup key={kind} label={label(AGENCY_KIND_LABELS, kind)}>
            {list.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </span>
  );
}

/** Field (lĩnh vực) select; `empty: null` offers no empty choice. A code not in the list stays shown as it is. */
export function FieldSelect({
  value,
  onChange,
  empty = 'Chưa phân loại',
  label: name,
}: {
  value: string;
  onChange: (code: string) => void;
  empty?: string | null;
  label?: string;
}) {
  const fields = useFields();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={name}>
      {empty !== null && <option value="">{empty}</option>}
      {value && !fields.some((f) => f.code === value) && <option value={value}>{value}</option>}
      {fields.map((f) => (
        <option key={f.code} value={f.code}>
          {f.name}
        </option>
      ))}
    </select>
  );
}

/** A select of coded values (channels, statuses, priorities) named by `labels`, in their order. */
export function CodeSelect<K extends string>({
  labels,
  value,
  onChange,
  label: name,
  empty,
  only,
  disabled,
}: {
  labels: Readonly<Record<K, string>>;
  value: string;
  onChange: (code: string) => void;
  /** The accessible name. */
  label?: string;
  /** A first choice with no value (a filter's "all"). */
  empty?: string;
  /** Keeps only the codes it accepts. */
  only?: (code: K) => boolean;
  disabled?: boolean;
}) {
  return (
    <select aria-label={name} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {empty !== undefined && <option value="">{empty}</option>}
      {codesOf(labels)
        .filter((c) => !only || only(c))
        .map((c) => (
          <option key={c} value={c}>
            {labels[c]}
          </option>
        ))}
    </select>
  );
}

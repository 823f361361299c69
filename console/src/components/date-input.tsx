/**
 * Date and date-time fields shown the Vietnamese way (dd/mm/yyyy, 14:05 dd/mm/yyyy) whatever the
 * browser's own language, with the native picker behind them.
 */
import { useRef } from 'react';
import { Icon } from './icons';

const pad = (n: string) => n.padStart(2, '0');

/** "2026-11-24" → "24/11/2026"; "2026-11-24T17:21" → "17:21 24/11/2026". */
export function displayLocal(v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(v);
  if (!m) return v;
  const date = `${pad(m[3])}/${pad(m[2])}/${m[1]}`;
  return m[4] ? `${m[4]}:${m[5]} ${date}` : date;
}

/** A date (`YYYY-MM-DD`) or date-time (`YYYY-MM-DDTHH:mm`) field; empty string when unset. */
export function DateInput({
  value,
  onChange,
  withTime,
  placeholder = withTime ? 'Chọn ngày giờ' : 'dd/mm/yyyy',
  label,
  min,
  max,
  clearable,
  disabled,
}: {
  value: string;
  onChange: (v: string) => void;
  withTime?: boolean;
  placeholder?: string;
  label: string;
  min?: string;
  max?: string;
  clearable?: boolean;
  disabled?: boolean;
}) {
  const native = useRef<HTMLInputElement>(null);
  const open = () => {
    const el = native.current;
    if (!el) return;
    try {
      el.showPicker();
    } catch {
      el.focus();
    }
  };
  return (
    <span className={`date-input ${disabled ? 'disabled' : ''}`}>
      <button
        type="button"
        className="date-input-btn"
        onClick={open}
        aria-label={`${label}: ${value ? displayLocal(value) : 'chưa chọn'}`}
        disabled={disabled}
      >
        <Icon.calendar size={15} />
        <span className={value ? '' : 'date-input-placeholder'}>{value ? displayLocal(value) : placeholder}</span>
      </button>
      {clearable && value && !disabled && (
        <button type="button" className="date-input-clear" aria-label={`Xoá ${label}`} onClick={() => onChange('')}>
          <Icon.x size={12} />
        </button>
      )}
      <input
        ref={native}
        className="date-input-native"
        type={withTime ? 'datetime-local' : 'date'}
        value={value}
        min={min}
        max={max}
        tabIndex={-1}
        aria-label={label}
        onChange={(e) => onChange(e.target.value)}
      />
    </span>
  );
}

/**
 * "Từ ngày – Đến ngày": two dates, each bounded by the other. `clearable` lets either be emptied
 * (and names each by its label while empty).
 */
export function DateRange({
  from,
  to,
  onFrom,
  onTo,
  clearable,
}: {
  from: string;
  to: string;
  onFrom: (v: string) => void;
  onTo: (v: string) => void;
  clearable?: boolean;
}) {
  const end = (label: string, value: string, onChange: (v: string) => void, bound: { min?: string; max?: string }) => (
    <DateInput
      label={label}
      placeholder={clearable ? label : undefined}
      clearable={clearable}
      value={value}
      onChange={onChange}
      {...bound}
    />
  );
  return (
    <span className="date-range">
      {end('Từ ngày', from, onFrom, { max: to })}
      <span className="muted">–</span>
      {end('Đến ngày', to, onTo, { min: from })}
    </span>
  );
}

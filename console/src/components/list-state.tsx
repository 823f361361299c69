/** The states every loaded list goes through: failed (with a retry), loading, empty, or shown. */
import type { KeyboardEventHandler, ReactNode, Ref } from 'react';
import { Icon } from './icons';
import { Card, ErrorBlock, ListSkeleton } from './ui';

/**
 * Shows `error` (only while nothing was loaded yet), then `loading` until `data` arrives, then `empty`
 * for an empty list, then `children(data)`. Data loaded earlier stays on screen while a reload runs.
 */
export function ListState<T>({ data, error, onRetry, rows = 6, loading, empty, pad = true, children }: ListStateProps<T>) {
  if (data === undefined) {
    if (error) {
      const block = <ErrorBlock error={error} onRetry={onRetry} />;
      return pad ? <div className="pad">{block}</div> : block;
    }
    return <>{loading ?? <ListSkeleton rows={rows} />}</>;
  }
  if (empty !== undefined && Array.isArray(data) && data.length === 0) return <>{empty}</>;
  return <>{children(data)}</>;
}

/** What ListState shows in each state. */
export interface ListStateProps<T> {
  /** The loaded data; `undefined` until the first load ends. */
  data: T | undefined;
  /** The last load's error. */
  error?: { message: string; status?: number } | null;
  onRetry?: () => void;
  /** Skeleton rows while loading (default: 6). */
  rows?: number;
  /** A placeholder other than skeleton rows. */
  loading?: ReactNode;
  /** What an empty list shows (when absent, an empty list is handed to `children`). */
  empty?: ReactNode;
  /** Pads the error block, for lists inside cards (default: true). */
  pad?: boolean;
  /** The loaded data, shown. */
  children: (data: T) => ReactNode;
}

/** The search field above a list. */
export function SearchBox({
  value,
  onChange,
  placeholder,
  label,
  small,
  inputRef,
  onKeyDown,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** The accessible name. */
  label: string;
  small?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  onKeyDown?: KeyboardEventHandler<HTMLInputElement>;
}) {
  return (
    <div className={small ? 'search-box small' : 'search-box'}>
      <Icon.search size={small ? 14 : 16} />
      <input
        ref={inputRef}
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        aria-label={label}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}

/** A table: the header cells (`columns`), then `row(item)` for each item. */
export function Table<T>({
  columns,
  items,
  row,
  className = '',
}: {
  columns: ReactNode;
  items: readonly T[];
  row: (item: T) => ReactNode;
  className?: string;
}) {
  return (
    <div className="table-wrap">
      <table className={`table ${className}`}>
        <thead>
          <tr>{columns}</tr>
        </thead>
        <tbody>{items.map(row)}</tbody>
      </table>
    </div>
  );
}

/** A card holding one loaded list as a table (`headers`, then `row(item)`), through ListState's error, loading and empty states. */
export function TableCard<T>({
  title,
  data,
  error,
  onRetry,
  empty,
  headers,
  row,
}: {
  title: ReactNode;
  data: readonly T[] | undefined;
  error?: ListStateProps<T>['error'];
  onRetry?: () => void;
  empty: ReactNode;
  headers: string[];
  row: (item: T) => ReactNode;
}) {
  return (
    <Card pad={false} title={title}>
      <ListState data={data} error={error} onRetry={onRetry} empty={empty}>
        {(items) => (
          <Table
            columns={headers.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
            items={items}
            row={row}
          />
        )}
      </ListState>
    </Card>
  );
}

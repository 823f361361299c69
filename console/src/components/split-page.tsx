/** A list/editor page: a searchable list on the left, the selected item on the right. */
import type { ReactNode } from 'react';
import { navigate } from '../lib/router';
import { ListState, SearchBox, type ListStateProps } from './list-state';

/** The list column (search, more filters, the list in its states) beside `main`. */
export function SplitPage<T>({
  search,
  filters,
  list,
  main,
  scroll,
}: {
  search: { value: string; onChange: (v: string) => void; placeholder: string; label: string };
  /** More filters under the search field. */
  filters?: ReactNode;
  list: ListStateProps<T>;
  /** The selected item's editor, or a hint to select one. */
  main: ReactNode;
  /** Scrolls the main column itself. */
  scroll?: boolean;
}) {
  return (
    <div className="split-page">
      <aside className="split-list">
        <div className="split-list-head">
          <SearchBox {...search} />
          {filters}
        </div>
        <div className="split-list-body">
          <ListState {...list} />
        </div>
      </aside>
      <div className={scroll ? 'split-main scroll' : 'split-main'}>{main}</div>
    </div>
  );
}

/** One entry of the list column: a link to `to`, with a title and a line under it (`sub`) or a badge (`children`). */
export function SplitItem({
  to,
  active,
  title,
  mono,
  sub,
  children,
}: {
  to: string;
  active: boolean;
  title: ReactNode;
  mono?: boolean;
  sub?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <a
      href={to}
      className={`split-item ${sub === undefined ? 'row' : ''} ${active ? 'active' : ''}`}
      onClick={(e) => (e.preventDefault(), navigate(to))}
    >
      <span className={mono ? 'split-item-title mono' : 'split-item-title'}>{title}</span>
      {sub !== undefined && <span className="split-item-sub">{sub}</span>}
      {children}
    </a>
  );
}

/**
 * A tiny history router: `/inbox/<id>`, `/tickets?status=…`. The gateway serves `index.html` for
 * every unknown GET outside `/api` and `/webhooks`, so deep links and reloads work.
 */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** Path segments, e.g. ['tickets', '1022-2026-000123']. */
  parts: string[];
  query: URLSearchParams;
  path: string;
}

function read(): Route {
  const path = window.location.pathname || '/';
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(window.location.search), path };
}

let current = read();
const listeners = new Set<() => void>();
function changed(): void {
  current = read();
  listeners.forEach((l) => l());
}
window.addEventListener('popstate', changed);

/** The current route; re-renders on every navigation. */
export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** Goes to a path such as `/tickets/1022-2026-000001`; `replace` keeps the history clean for filter changes. */
export function navigate(to: string, replace = false): void {
  const target = to.startsWith('/') ? to : `/${to}`;
  if (window.location.pathname + window.location.search === target) return;
  if (replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  changed();
}

/** Replaces some query parameters of the current path (empty values are removed). */
export function setQuery(patch: Record<string, string | null | undefined>, replace = true): void {
  const q = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(`${window.location.pathname}${s ? `?${s}` : ''}`, replace);
}

/** The href of a path (for real links: middle-click opens a new tab). */
export function href(to: string): string {
  return to;
}

/** Click handler for `<a href>` that navigates in-app unless a modifier key asks for a new tab. */
export function onLinkClick(e: React.MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.currentTarget;
  if (a.target === '_blank' || a.origin !== window.location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}

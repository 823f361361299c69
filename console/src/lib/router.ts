/** A tiny hash router: `#/inbox/<id>`, `#/tickets?status=…`. Works behind any static server. */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** Path segments, e.g. ['tickets', 'PA-2025-000123']. */
  parts: string[];
  query: URLSearchParams;
  path: string;
}

function read(): Route {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search), path };
}

let current = read();
const listeners = new Set<() => void>();
window.addEventListener('hashchange', () => {
  current = read();
  listeners.forEach((l) => l());
});

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** Goes to a path such as `/tickets/PA-1`; `replace` keeps the history clean for filter changes. */
export function navigate(to: string, replace = false): void {
  const hash = `#${to.startsWith('/') ? to : `/${to}`}`;
  if (window.location.hash === hash) return;
  if (replace) {
    history.replaceState(null, '', hash);
    current = read();
    listeners.forEach((l) => l());
  } else window.location.hash = hash;
}

export function href(to: string): string {
  return `#${to}`;
}

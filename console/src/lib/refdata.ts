/**
 * Reference lists used everywhere (fields, agencies, users, canned replies), loaded once per session and
 * cached; when an admin changes one (live `reference` event), every mounted user of it reloads.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from './api';
import { onLiveReconnect, subscribeLive } from './live';
import type { Agency, CannedReply, Field, StaffUser } from './types';

type ListKey = 'fields' | 'agencies' | 'users' | 'canned';
const cache = new Map<string, Promise<unknown>>();
/** Bumped on every invalidation: hooks reload when it changes. */
let generation = 0;
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

subscribeLive('reference', (e) => {
  if (e.list === 'fields' || e.list === 'agencies' || e.list === 'users' || e.list === 'canned') invalidate(e.list);
});
// Changes made while the connection was down were not announced: reload every list.
onLiveReconnect(() => invalidate());

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** Forgets a cached list (after an edit) or all of them (logout). */
export function invalidate(key?: ListKey): void {
  if (key) {
    for (const k of [...cache.keys()]) if (k.split(':')[0] === key) cache.delete(k);
  } else cache.clear();
  generation++;
  listeners.forEach((l) => l());
}

function useCached<T>(key: string, load: () => Promise<T>, fallback: T): T {
  const [v, setV] = useState<T>(fallback);
  const gen = useSyncExternalStore(subscribe, () => generation);
  useEffect(() => {
    let live = true;
    cached(key, load)
      .then((x) => live && setV(x))
      .catch(() => undefined);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, gen]);
  return v;
}

const EMPTY: never[] = [];

/** Ticket fields (lĩnh vực), in display order. */
export function useFields(): Field[] {
  return useCached('fields', () => api.get<Field[]>('/api/fields'), EMPTY);
}
/** Agencies (cơ quan). */
export function useAgencies(): Agency[] {
  return useCached('agencies', () => api.get<Agency[]>('/api/agencies'), EMPTY);
}
/** Console users (only admins may list them; others get an empty list). */
export function useUsers(enabled = true): StaffUser[] {
  return useCached(enabled ? 'users' : 'users:none', async () => (enabled ? api.get<StaffUser[]>('/api/users') : []), EMPTY);
}
/** Canned replies for the composer. */
export function useCanned(): CannedReply[] {
  return useCached('canned', () => api.get<CannedReply[]>('/api/canned-replies'), EMPTY);
}

/** The Vietnamese name of a field code. */
export function fieldName(fields: Field[], code: string | null | undefined): string {
  if (!code) return 'Chưa phân loại';
  return fields.find((f) => f.code === code)?.name ?? code;
}

/** The signed-in user, shared by every screen. */
import { createContext, useContext } from 'react';
import type { User } from './types';

export interface Session {
  user: User;
  /** Reloads `/api/me` (after a password change). */
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

/** The session; screens are only rendered once signed in. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside of a session');
  return s;
}

/** Operators, supervisors and admins (not agency focal points). */
export const isStaff = (u: User) => u.role !== 'agency';
/** Supervisors and admins. */
export const canSupervise = (u: User) => u.role === 'admin' || u.role === 'supervisor';

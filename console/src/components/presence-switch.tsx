/**
 * The operator's presence in the top bar: Sẵn sàng (receives conversations automatically), Tạm vắng,
 * Ngoại tuyến (the default). The choice is remembered in this browser and re-sent whenever the live connection opens
 * (the server sets an operator offline when their last console closes); activity in the console is
 * reported (at most twice a minute) so the server can set idle operators away and bring them back.
 */
import { useEffect, useState } from 'react';
import { PRESENCE_LABELS } from '@wire/labels';
import type { PresenceStatus } from '@wire/floor';
import { api } from '../lib/api';
import { emitLive, useLive, useLiveStatus } from '../lib/live';
import { useSession } from '../lib/session';

const CHOICE_KEY = 'cong1022.presence.';
const ACTIVITY_EVERY_MS = 30_000;

/** Presence selector for operators and supervisors. */
export function PresenceSwitch() {
  const { user } = useSession();
  const live = useLiveStatus();
  const [status, setStatus] = useState<PresenceStatus>('offline');

  // Each time the live connection opens, re-assert the last choice made in this browser (none yet: offline).
  useEffect(() => {
    if (live !== 'online') return;
    const stored = localStorage.getItem(CHOICE_KEY + user.id) as PresenceStatus | null;
    const request = stored
      ? api.put<{ status: PresenceStatus }>('/api/floor/presence', { status: stored })
      : api.get<{ status: PresenceStatus }>('/api/floor/presence');
    request.then((r) => setStatus(r.status)).catch(() => undefined);
  }, [live, user.id]);

  useLive('presence', (e) => {
    if (e.userId === user.id) setStatus(e.status);
  });

  useEffect(() => {
    let last = 0;
    const onActivity = () => {
      if (Date.now() - last < ACTIVITY_EVERY_MS) return;
      last = Date.now();
      emitLive('activity');
    };
    const events = ['mousemove', 'keydown', 'click', 'focus', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, onActivity, { passive: true });
    return () => {
      for (const e of events) window.removeEventListener(e, onActivity);
    };
  }, []);

  const choose = (next: PresenceStatus) => {
    localStorage.setItem(CHOICE_KEY + user.id, next);
    setStatus(next);
    api
      .put<{ status: PresenceStatus }>('/api/floor/presence', { status: next })
      .then((r) => setStatus(r.status))
      .catch(() => undefined);
  };

  return (
    <label className={`presence-switch presence-${status}`} title="Trạng thái nhận hội thoại">
      <span className="presence-dot" />
      <select aria-label="Trạng thái của tôi" value={status} onChange={(e) => choose(e.target.value as PresenceStatus)}>
        {(['online', 'away', 'offline'] as const).map((s) => (
          <option key={s} value={s}>
            {PRESENCE_LABELS[s]}
          </option>
        ))}
      </select>
    </label>
  );
}

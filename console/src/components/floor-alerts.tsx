/**
 * Floor alerts for operators and supervisors: every `alert` live event (an emergency, a citizen waiting
 * too long, a ticket past its deadline) shows a banner at the top of the console and plays a beep.
 */
import { useState } from 'react';
import { ALERT_KIND_LABELS } from '@wire/labels';
import { useLive } from '../lib/live';
import { navigate } from '../lib/router';
import { alarm } from '../lib/sound';
import type { ConsoleEvents } from '../lib/types';
import { Icon } from './icons';
import { IconButton } from './ui';
import '../styles/floor.css';

type Alert = ConsoleEvents['alert'] & { key: number };

/** At most this many banners at once (the oldest go first). */
const MAX_BANNERS = 4;

let seq = 0;

/** The banners of the alerts received since the console opened, until each is dismissed. */
export function FloorAlerts({ sound }: { sound: boolean }) {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  useLive('alert', (e) => {
    setAlerts((list) => [...list, { ...e, key: ++seq }].slice(-MAX_BANNERS));
    // Emergencies always sound; the bell button silences the others.
    if (sound || e.kind === 'emergency') alarm();
  });
  if (!alerts.length) return null;
  const dismiss = (key: number) => setAlerts((list) => list.filter((a) => a.key !== key));
  return (
    <div className="floor-alerts" aria-live="assertive">
      {alerts.map((a) => (
        <div key={a.key} role="alert" className={`floor-alert floor-alert-${a.kind}`}>
          <Icon.alert size={18} />
          <div className="grow">
            <strong>{ALERT_KIND_LABELS[a.kind]}</strong> <span>{a.message}</span>
          </div>
          {a.conversationId && (
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => {
                dismiss(a.key);
                navigate(`/inbox/${a.conversationId}`);
              }}
            >
              Mở hội thoại
            </button>
          )}
          <IconButton label="Đóng cảnh báo" onClick={() => dismiss(a.key)}>
            <Icon.x size={16} />
          </IconButton>
        </div>
      ))}
    </div>
  );
}

/** Alerts for the hotline floor: one place that raises them, so every kind reaches consoles the same way. */
import type { AppContext } from '../context';
import type { AlertKind } from '../wire/events';

/** Raises an alert to every online operator and supervisor (the console shows a banner and plays a sound). */
export function raiseAlert(
  ctx: Pick<AppContext, 'bus'>,
  kind: AlertKind,
  message: string,
  about: { conversationId?: string; ticketId?: string } = {},
): void {
  ctx.bus.emit('alert', { kind, message, ...about, at: new Date().toISOString() });
}

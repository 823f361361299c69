/** Small building blocks shared by every screen: buttons, chips, dialogs, skeletons, empty states, toasts. */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type FormEvent,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import { download } from '../lib/api';
import { initials } from '../lib/format';
import { CONVERSATION_STATE_LABELS, label, PRIORITY_LABELS, TICKET_STATUS_LABELS } from '@wire/labels';
import { onLinkClick } from '../lib/router';
import type { ConversationState, Priority, TicketStatus } from '../lib/types';
import { Icon } from './icons';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger' | 'subtle';
  size?: 'sm' | 'md';
  icon?: ReactNode;
  busy?: boolean;
};

/** A button; `busy` shows a spinner and disables it. */
export function Button({
  variant = 'secondary',
  size = 'md',
  icon,
  busy,
  children,
  className = '',
  disabled,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={`btn btn-${variant} btn-${size} ${className}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <Spinner size={14} /> : icon}
      {children !== undefined && children !== null && children !== false && <span>{children}</span>}
    </button>
  );
}

/** A button that downloads an authenticated file (an export) under `name`, busy meanwhile. */
export function DownloadButton({ path, name, size = 'md', ...rest }: ButtonProps & { path: string; name: string }) {
  const [busy, run] = useAction();
  return (
    <Button
      size={size}
      icon={<Icon.download size={size === 'sm' ? 15 : 16} />}
      busy={busy}
      onClick={() => void run(() => download(path, name))}
      {...rest}
    />
  );
}

/** A square icon-only button with an accessible label and a tooltip. */
export function IconButton({
  label: text,
  children,
  className = '',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { label: string }) {
  return (
    <button type="button" className={`icon-btn ${className}`} aria-label={text} title={text} {...rest}>
      {children}
    </button>
  );
}

/** An in-app link (client-side navigation, new tab on modifier click). */
export function Link({ to, children, className, title }: { to: string; children: ReactNode; className?: string; title?: string }) {
  return (
    <a href={to} onClick={onLinkClick} className={className} title={title}>
      {children}
    </a>
  );
}

export type Tone = 'gray' | 'blue' | 'green' | 'amber' | 'red' | 'violet' | 'teal';

/** A small rounded status label. */
export function Chip({
  tone = 'gray',
  children,
  dot,
  title,
  className = '',
}: {
  tone?: Tone;
  children: ReactNode;
  dot?: boolean;
  title?: string;
  className?: string;
}) {
  return (
    <span className={`chip chip-${tone} ${className}`} title={title}>
      {dot && <span className="chip-dot" />}
      {children}
    </span>
  );
}

const STATUS_TONE: Record<TicketStatus, Tone> = {
  new: 'blue',
  assigned: 'violet',
  in_progress: 'amber',
  forwarded: 'teal',
  answered: 'green',
  closed: 'gray',
};
/** A ticket status chip. */
export function StatusChip({ status }: { status: TicketStatus }) {
  return (
    <Chip tone={STATUS_TONE[status] ?? 'gray'} dot>
      {label(TICKET_STATUS_LABELS, status)}
    </Chip>
  );
}

const STATE_TONE: Record<ConversationState, Tone> = { bot: 'gray', waiting: 'amber', operator: 'blue', closed: 'gray' };
const STATE_SHORT: Record<ConversationState, string> = { bot: 'Bot', waiting: 'Chờ tiếp nhận', operator: 'Đang xử lý', closed: 'Đã đóng' };
/** A conversation state chip (short label, full label as tooltip). */
export function StateChip({ state }: { state: ConversationState }) {
  return (
    <Chip tone={STATE_TONE[state] ?? 'gray'} title={CONVERSATION_STATE_LABELS[state]}>
      {state === 'bot' && <Icon.bot size={12} />}
      {STATE_SHORT[state] ?? state}
    </Chip>
  );
}

/** A priority chip; "normal" is not worth a chip unless `always`. */
export function PriorityChip({ priority, always }: { priority: Priority; always?: boolean }) {
  if (priority === 'normal' && !always) return null;
  const tone: Tone = priority === 'urgent' ? 'red' : priority === 'high' ? 'amber' : 'gray';
  return (
    <Chip tone={tone} className={priority === 'urgent' ? 'chip-strong' : ''}>
      {priority === 'urgent' && <Icon.zap size={11} />}
      {PRIORITY_LABELS[priority]}
    </Chip>
  );
}

/** A round avatar with initials, its colour derived from the name. */
export function Avatar({ name, size = 32 }: { name: string | null | undefined; size?: number }) {
  const n = name ?? '?';
  let h = 0;
  for (const ch of n) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, fontSize: size * 0.38, background: `hsl(${h} 45% 88%)`, color: `hsl(${h} 45% 28%)` }}
      aria-hidden="true"
    >
      {initials(n)}
    </span>
  );
}

export function Spinner({ size = 18 }: { size?: number }) {
  return <span className="spinner" style={{ width: size, height: size }} role="status" aria-label="Đang tải" />;
}

/** Grey placeholder bars while content loads. */
export function Skeleton({ lines = 3, className = '' }: { lines?: number; className?: string }) {
  return (
    <div className={`skeleton ${className}`} aria-busy="true" aria-label="Đang tải">
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton-line" style={{ width: `${92 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

/** A card of placeholder bars, standing for a card that loads. */
export function CardSkeleton({ lines, className }: { lines: number; className?: string }) {
  return (
    <Card className={className}>
      <Skeleton lines={lines} />
    </Card>
  );
}

/** Skeleton rows for a list. */
export function ListSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <div className="list-skeleton" aria-busy="true" aria-label="Đang tải">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="list-skeleton-row">
          <span className="skeleton-circle" />
          <div className="grow">
            <span className="skeleton-line" style={{ width: `${55 + ((i * 13) % 30)}%` }} />
            <span className="skeleton-line thin" style={{ width: `${75 - ((i * 11) % 25)}%` }} />
          </div>
        </div>
      ))}
    </div>
  );
}

/** A friendly empty state. */
export function Empty({ icon, title, children, action }: { icon?: ReactNode; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon">{icon ?? <Icon.inboxCheck size={28} />}</div>
      <div className="empty-title">{title}</div>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

/** An error block with a retry button. */
export function ErrorBlock({ error, onRetry }: { error: { message: string; status?: number }; onRetry?: () => void }) {
  return (
    <div className="error-block" role="alert">
      <Icon.alert size={20} />
      <div className="grow">
        <div className="error-title">{error.status === 404 ? 'Chưa có dữ liệu' : 'Không tải được dữ liệu'}</div>
        <div className="muted">{error.message}</div>
      </div>
      {onRetry && (
        <Button size="sm" onClick={onRetry} icon={<Icon.refresh size={14} />}>
          Thử lại
        </Button>
      )}
    </div>
  );
}

/** A labelled form control. */
export function Field({
  label: text,
  hint,
  children,
  error,
  className = '',
}: {
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  error?: string | null;
  className?: string;
}) {
  return (
    <div className={`field ${error ? 'has-error' : ''} ${className}`}>
      {/* The hint stays outside the <label> so the control's accessible name is just its label. */}
      <label className="field-control">
        <span className="field-label">{text}</span>
        {children}
      </label>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </div>
  );
}

/** A dialog's title (after an optional icon), body, buttons below (`footer`) and width in pixels (default: 520). */
interface ModalProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  width?: number;
  icon?: ReactNode;
}

/** A modal dialog: Esc and the backdrop close it; focus moves into it. */
export function Modal({ title, onClose, children, footer, width = 520, icon }: ModalProps) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input:not([type=hidden]), textarea, select, button.btn-primary');
    (first ?? ref.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      prev?.focus?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return createPortal(
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={id} style={{ maxWidth: width }} ref={ref} tabIndex={-1}>
        <div className="modal-head">
          {icon && <span className="modal-icon">{icon}</span>}
          <h2 id={id}>{title}</h2>
          <IconButton label="Đóng" onClick={onClose}>
            <Icon.x size={18} />
          </IconButton>
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-foot">{footer}</div>}
      </div>
    </div>,
    document.body,
  );
}

/**
 * A dialog around a form, with "Huỷ" and the form's submit button (`submit`, disabled by `disabled`) below it.
 * Submitting runs `onSubmit` as an action: the button is busy meanwhile and a failure shows as a toast.
 */
export function FormModal({
  submit,
  submitIcon,
  disabled,
  onSubmit,
  className = 'form-grid',
  children,
  ...modal
}: Omit<ModalProps, 'footer'> & {
  submit: ReactNode;
  submitIcon?: ReactNode;
  disabled?: boolean;
  onSubmit: () => Promise<unknown>;
  /** The form's class (default: a one-column grid). */
  className?: string;
}) {
  const id = useId();
  const [busy, run] = useAction();
  const submitForm = (e: FormEvent) => {
    e.preventDefault();
    void run(onSubmit);
  };
  return (
    <Modal
      {...modal}
      footer={
        <>
          <Button onClick={modal.onClose}>Huỷ</Button>
          <Button variant="primary" type="submit" form={id} busy={busy} disabled={disabled} icon={submitIcon}>
            {submit}
          </Button>
        </>
      }
    >
      <form id={id} className={className} onSubmit={submitForm}>
        {children}
      </form>
    </Modal>
  );
}

/** One button of a tab bar; the selected one has the class `active`. */
export function TabButton({
  selected,
  onClick,
  className = '',
  children,
}: {
  selected: boolean;
  onClick: () => void;
  className?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      className={selected ? `${className} active`.trim() : className}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/** Segmented tabs. */
export function Tabs<T extends string>({
  value,
  onChange,
  items,
  className = '',
}: {
  value: T;
  onChange: (v: T) => void;
  items: { value: T; label: ReactNode; count?: number | null }[];
  className?: string;
}) {
  return (
    <div className={`tabs ${className}`} role="tablist">
      {items.map((it) => (
        <TabButton key={it.value} className="tab" selected={value === it.value} onClick={() => onChange(it.value)}>
          {it.label}
          {it.count !== undefined && it.count !== null && <span className="tab-count">{it.count}</span>}
        </TabButton>
      ))}
    </div>
  );
}

/** Previous / next page with "1–50 / 1.234". */
export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total ? (page - 1) * pageSize + 1 : 0;
  const to = Math.min(total, page * pageSize);
  return (
    <div className="pager">
      <span className="muted">
        {from.toLocaleString('vi-VN')}–{to.toLocaleString('vi-VN')} / {total.toLocaleString('vi-VN')}
      </span>
      <IconButton label="Trang trước" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        <Icon.chevronLeft size={16} />
      </IconButton>
      <span className="pager-page">
        {page} / {pages}
      </span>
      <IconButton label="Trang sau" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        <Icon.chevronRight size={16} />
      </IconButton>
    </div>
  );
}

/** A page header: title, subtitle and actions on the right. */
export function PageHeader({
  title,
  subtitle,
  actions,
  children,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div className="grow">
        <h1>{title}</h1>
        {subtitle && <div className="page-subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
      {children}
    </div>
  );
}

/** A white card with an optional header. */
export function Card({
  title,
  actions,
  children,
  className = '',
  pad = true,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  pad?: boolean;
}) {
  return (
    <section className={`card ${className}`}>
      {(title || actions) && (
        <div className="card-head">
          <h3>{title}</h3>
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className={pad ? 'card-body' : ''}>{children}</div>
    </section>
  );
}

/** A keyboard key. */
export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="kbd">{children}</kbd>;
}

// ---------- Toasts ----------

interface ToastItem {
  id: number;
  tone: 'error' | 'ok' | 'info';
  text: string;
}
interface ToastApi {
  error: (e: unknown) => void;
  ok: (text: string) => void;
  info: (text: string) => void;
}
const ToastContext = createContext<ToastApi>({ error: () => undefined, ok: () => undefined, info: () => undefined });

/** Toasts at the bottom right; errors stay longer. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const seq = useRef(0);
  const push = useCallback((tone: ToastItem['tone'], text: string) => {
    const id = ++seq.current;
    setItems((xs) => [...xs.slice(-3), { id, tone, text }]);
    setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== id)), tone === 'error' ? 7000 : 3500);
  }, []);
  const api = useRef<ToastApi>({
    error: (e) => push('error', e instanceof Error ? e.message : String(e)),
    ok: (t) => push('ok', t),
    info: (t) => push('info', t),
  });
  return (
    <ToastContext.Provider value={api.current}>
      {children}
      <div className="toasts" aria-live="polite">
        {items.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
            {t.tone === 'error' ? <Icon.alert size={18} /> : t.tone === 'ok' ? <Icon.check size={18} /> : <Icon.info size={18} />}
            <span>{t.text}</span>
            <button
              type="button"
              className="toast-close"
              aria-label="Đóng"
              onClick={() => setItems((xs) => xs.filter((x) => x.id !== t.id))}
            >
              <Icon.x size={14} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** `toast.error(err)`, `toast.ok('Đã lưu')`. */
export function useToast(): ToastApi {
  return useContext(ToastContext);
}

/** Runs async actions with an error toast (and `ok` as a success toast), remembering which one (`key`) is running. */
export function useKeyedAction<K>(): [K | null, <T>(key: K, fn: () => Promise<T>, ok?: string) => Promise<T | undefined>] {
  const [busy, setBusy] = useState<K | null>(null);
  const toast = useToast();
  const run = useCallback(
    async <T,>(key: K, fn: () => Promise<T>, ok?: string): Promise<T | undefined> => {
      setBusy(() => key);
      try {
        const r = await fn();
        if (ok) toast.ok(ok);
        return r;
      } catch (e) {
        toast.error(e);
        return undefined;
      } finally {
        setBusy(null);
      }
    },
    [toast],
  );
  return [busy, run];
}

/** Runs an async action with a busy flag and an error toast. */
export function useAction(): [boolean, <T>(fn: () => Promise<T>, ok?: string) => Promise<T | undefined>] {
  const [busy, run] = useKeyedAction<true>();
  const runOne = useCallback(<T,>(fn: () => Promise<T>, ok?: string) => run(true, fn, ok), [run]);
  return [busy === true, runOne];
}

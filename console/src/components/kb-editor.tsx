/**
 * What the procedure and service-answer editors share: the item loaded with its version, a draft,
 * a warning when another admin saves the same item, saving with optimistic locking (409 on a stale
 * version), the editor's frame (head, conflict banner, live preview, history) and the preview.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useDebounced, useLoad } from '../lib/hooks';
import { useReferenceReload } from '../lib/live';
import { useSession } from '../lib/session';
import { Icon } from './icons';
import { AnswerPreview, type Previews } from './preview';
import { Button, Chip, ErrorBlock, IconButton, Skeleton, useToast } from './ui';
import { VersionsDialog } from './versions-dialog';

/** The two kinds of versioned knowledge-base items, as their API paths name them. */
export type KbKind = 'procedures' | 'services';
const KEY = { procedures: 'procedure', services: 'service' } as const;

/** Live preview of an item through `POST /api/kb/preview`, debounced. */
export function usePreview(body: unknown, enabled = true): { previews: Previews | null; loading: boolean; error: string | null } {
  const debounced = useDebounced(JSON.stringify(body ?? null), 450);
  const [state, setState] = useState<{ previews: Previews | null; loading: boolean; error: string | null }>({
    previews: null,
    loading: false,
    error: null,
  });
  useEffect(() => {
    if (!enabled || debounced === 'null') return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api
      .post<Previews>('/api/kb/preview', JSON.parse(debounced))
      .then((p) => live && setState({ previews: p, loading: false, error: null }))
      .catch(
        (e: Error) =>
          live &&
          setState((s) => ({
            previews: s.previews,
            loading: false,
            error: e instanceof ApiError && e.status === 400 ? `Chưa xem trước được: ${e.message}` : e.message,
          })),
      );
    return () => {
      live = false;
    };
  }, [debounced, enabled]);
  return state;
}

/** An item being edited; `what` names it in messages ("thủ tục này"). */
export function useKbDraft<T>(kind: KbKind, id: string, what: string, onSaved: () => void) {
  const toast = useToast();
  const { user } = useSession();
  const path = `/api/kb/${kind}/${encodeURIComponent(id)}`;
  const { data, error, reload } = useLoad(() => api.get<{ version: number } & Partial<Record<'procedure' | 'service', T>>>(path), [path]);
  const saved = data?.[KEY[kind]];
  const [draft, setDraft] = useState<T | null>(null);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const [history, setHistory] = useState(false);
  const loadedFor = useRef<string | null>(null);

  useEffect(() => {
    if (data && saved && (loadedFor.current !== `${id}@${data.version}` || !draft)) {
      setDraft(structuredClone(saved));
      loadedFor.current = `${id}@${data.version}`;
      setConflict(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, id]);

  const dirty = useMemo(() => !!saved && !!draft && JSON.stringify(draft) !== JSON.stringify(saved), [draft, saved]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  /** Forgets the draft and loads the latest version. */
  const reloadLatest = () => {
    loadedFor.current = null;
    setDraft(null);
    reload();
  };
  // Another admin saved this item: load it at once, or warn if that would lose edits in progress.
  useReferenceReload(
    [kind],
    () => undefined,
    (e) => {
      if (e.id !== id || e.by.userId === user.id || !e.version || !data || e.version <= data.version) return false;
      if (dirty) setConflict(`${e.by.name} vừa lưu phiên bản ${e.version}.`);
      else {
        reloadLatest();
        toast.info(`${e.by.name} vừa lưu phiên bản ${e.version} của ${what} — đã tải bản mới.`);
      }
      return false;
    },
  );

  /** Saves `item` over `baseVersion` (default: the loaded one); a stale base becomes the conflict banner. */
  const save = async (item: T, baseVersion = data?.version ?? 0) => {
    setSaving(true);
    try {
      const r = await api.put<{ version?: number }>(path, { [KEY[kind]]: item, baseVersion });
      toast.ok(`Đã lưu phiên bản ${r.version ?? baseVersion + 1} — trợ lý ảo dùng nội dung mới sau vài giây`);
      setConflict(null);
      loadedFor.current = null;
      reload();
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const d = e.details as { currentVersion?: number; updatedBy?: string | null; updatedAt?: string } | undefined;
        setConflict(
          d?.currentVersion
            ? `Phiên bản ${d.currentVersion}${d.updatedBy ? ` do ${d.updatedBy}` : ''} lưu lúc ${fmtDateTime(d.updatedAt)}.`
            : e.message,
        );
      } else toast.error(e);
    } finally {
      setSaving(false);
    }
  };
  /** Saves `item` over whatever version is the latest now. */
  const overwrite = async (item: T) => {
    const latest = await api.get<{ version: number }>(path).catch(() => null);
    if (latest) await save(item, latest.version);
  };
  const set = <K extends keyof T>(k: K, v: T[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));

  return {
    kind,
    id,
    what,
    data,
    error,
    reload,
    saved,
    draft,
    setDraft,
    set,
    dirty,
    saving,
    save,
    overwrite,
    conflict,
    reloadLatest,
    history,
    setHistory,
    onSaved,
  };
}

/** The state `useKbDraft` returns. */
export type KbDraft<T> = ReturnType<typeof useKbDraft<T>>;

/**
 * The editor around an item's fields: its code, title and version, history, undo, save, the conflict
 * banner, the live preview and the history dialog. `prepare` tidies the draft before it is saved.
 */
export function KbEditor<T>({
  state: s,
  code,
  title,
  sub,
  labels,
  preview,
  prepare = (x) => x,
  children,
}: {
  state: KbDraft<T>;
  code: (draft: T) => ReactNode;
  title: (draft: T) => ReactNode;
  /** More about the item after its version (its field). */
  sub?: (draft: T) => ReactNode;
  /** Names of the item's fields, for the history's diffs. */
  labels: Record<string, string>;
  preview: ReturnType<typeof usePreview>;
  prepare?: (draft: T) => T;
  children: (draft: T) => ReactNode;
}) {
  if (s.error && !s.data) return <ErrorBlock error={s.error} onRetry={s.reload} />;
  const { draft, data, saved } = s;
  if (!draft || !data || !saved) {
    return (
      <div className="kb-editor">
        <div className="kb-form">
          <Skeleton lines={10} />
        </div>
      </div>
    );
  }
  return (
    <div className="kb-editor">
      <div className="kb-form">
        <div className="kb-form-head">
          <div className="grow">
            <div className="muted small mono">{code(draft)}</div>
            <h2>{title(draft)}</h2>
            <div className="muted small">
              Phiên bản {data.version}
              {sub && <> · {sub(draft)}</>}
              {s.dirty && (
                <Chip tone="amber" className="xs ml">
                  Chưa lưu
                </Chip>
              )}
            </div>
          </div>
          <Button icon={<Icon.history size={15} />} onClick={() => s.setHistory(true)}>
            Lịch sử
          </Button>
          <IconButton label="Huỷ thay đổi" disabled={!s.dirty} onClick={() => s.setDraft(structuredClone(saved))}>
            <Icon.undo size={17} />
          </IconButton>
          <Button
            variant="primary"
            icon={<Icon.check size={15} />}
            busy={s.saving}
            disabled={!s.dirty}
            onClick={() => void s.save(prepare(draft))}
          >
            Lưu và áp dụng
          </Button>
        </div>
        {s.conflict && (
          <div className="banner banner-danger" role="alert">
            <Icon.alert size={16} />
            <span className="grow">
              <b>Có người vừa lưu {s.what}.</b> {s.conflict} Tải bản mới nhất để xem thay đổi của họ, hoặc lưu đè bằng nội dung của bạn.
            </span>
            <Button size="sm" onClick={s.reloadLatest}>
              Tải bản mới nhất
            </Button>
            <Button size="sm" variant="danger" onClick={() => void s.overwrite(prepare(draft))}>
              Lưu đè
            </Button>
          </div>
        )}
        <div className="kb-fields">{children(draft)}</div>
      </div>
      <aside className="kb-preview">
        <AnswerPreview {...preview} />
      </aside>
      {s.history && (
        <VersionsDialog
          kind={s.kind}
          id={s.id}
          current={data.version}
          labels={labels}
          onClose={() => s.setHistory(false)}
          onRestored={() => {
            s.setHistory(false);
            s.reloadLatest();
            s.onSaved();
          }}
        />
      )}
    </div>
  );
}

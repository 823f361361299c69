/**
 * The reply box: Enter sends, Shift+Enter breaks the line, `/shortcut` inserts a canned reply,
 * files attach, "Ghi chú nội bộ" mode writes a note the citizen never sees; typing is signalled.
 */
import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../components/icons';
import { ReplyModeTabs, type ReplyMode } from '../../components/reply-mode-tabs';
import { Button, Kbd, useToast } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtBytes } from '../../lib/format';
import { useCanned } from '../../lib/refdata';
import type { CannedReply } from '../../lib/types';

export interface ComposerHandle {
  focus: (mode?: ReplyMode) => void;
}

interface Uploaded {
  id: string;
  name: string;
  mimeType: string;
  size: number;
}

/** Max upload size we try before the server says no (the server enforces its own limit). */
const MAX_FILE = 20 * 1024 * 1024;

export const Composer = forwardRef<
  ComposerHandle,
  {
    conversationId: string;
    contactName: string;
    disabledReason?: string | null;
    onSent: () => void;
    onTyping?: (on: boolean) => void;
    sendReply: (text: string, attachmentIds: string[]) => Promise<void>;
    sendNote: (text: string) => Promise<void>;
    allowAttachments?: boolean;
    placeholder?: string;
  }
>(function Composer(
  { conversationId, contactName, disabledReason, onSent, onTyping, sendReply, sendNote, allowAttachments = true, placeholder },
  ref,
) {
  const toast = useToast();
  const canned = useCanned();
  const [mode, setMode] = useState<ReplyMode>('reply');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<Uploaded[]>([]);
  const [uploading, setUploading] = useState(false);
  const [sending, setSending] = useState(false);
  const [pick, setPick] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const typingState = useRef<{ on: boolean; last: number; timer: ReturnType<typeof setTimeout> | null }>({
    on: false,
    last: 0,
    timer: null,
  });

  // Drafts survive switching conversations.
  const draftKey = `cong1022.draft.${conversationId}`;
  useEffect(() => {
    setText(sessionStorage.getItem(draftKey) ?? '');
    setFiles([]);
    setMode('reply');
    return () => stopTyping();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conversationId]);
  useEffect(() => {
    if (text) sessionStorage.setItem(draftKey, text);
    else sessionStorage.removeItem(draftKey);
  }, [text, draftKey]);

  useImperativeHandle(ref, () => ({
    focus(m) {
      if (m) setMode(m);
      setTimeout(() => area.current?.focus(), 0);
    },
  }));

  // Auto-grow up to 8 lines.
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 180)}px`;
  }, [text]);

  const slash = /^\/(\S*)$/.exec(text);
  const matches = useMemo<CannedReply[]>(() => {
    if (!slash) return [];
    const q = slash[1].toLowerCase();
    return canned.filter((c) => c.shortcut.toLowerCase().replace(/^\//, '').startsWith(q) || c.title.toLowerCase().includes(q)).slice(0, 8);
  }, [slash?.[1], canned]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => setPick(0), [matches.length]);

  function stopTyping() {
    const t = typingState.current;
    if (t.timer) clearTimeout(t.timer);
    t.timer = null;
    if (t.on) {
      t.on = false;
      onTyping?.(false);
    }
  }
  function signalTyping() {
    if (mode !== 'reply' || !onTyping) return;
    const t = typingState.current;
    const now = Date.now();
    if (!t.on || now - t.last > 4000) {
      t.on = true;
      t.last = now;
      onTyping(true);
    }
    if (t.timer) clearTimeout(t.timer);
    t.timer = setTimeout(stopTyping, 5000);
  }

  const insertCanned = (c: CannedReply) => {
    const filled = c.text.replace(/\{(ten|name|ho_ten)\}/gi, contactName);
    setText(filled);
    setTimeout(() => {
      const el = area.current;
      if (el) {
        el.focus();
        el.setSelectionRange(filled.length, filled.length);
      }
    }, 0);
  };

  const submit = async () => {
    const body = text.trim();
    if ((!body && !files.length) || sending || uploading) return;
    setSending(true);
    try {
      if (mode === 'note') await sendNote(body);
      else
        await sendReply(
          body,
          files.map((f) => f.id),
        );
      setText('');
      setFiles([]);
      sessionStorage.removeItem(draftKey);
      stopTyping();
      onSent();
    } catch (e) {
      toast.error(e);
    } finally {
      setSending(false);
      area.current?.focus();
    }
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Vietnamese input methods compose with Enter too: never send mid-composition.
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    if (matches.length) {
      if (e.key === 'ArrowDown') return (e.preventDefault(), setPick((p) => (p + 1) % matches.length));
      if (e.key === 'ArrowUp') return (e.preventDefault(), setPick((p) => (p - 1 + matches.length) % matches.length));
      if (e.key === 'Enter' || e.key === 'Tab') return (e.preventDefault(), insertCanned(matches[pick]));
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape') {
      e.currentTarget.blur();
    }
  };

  const upload = async (list: FileList | null) => {
    if (!list?.length) return;
    setUploading(true);
    try {
      for (const f of Array.from(list)) {
        if (f.size > MAX_FILE) {
          toast.error(`Tệp ${f.name} quá lớn (tối đa ${fmtBytes(MAX_FILE)}).`);
          continue;
        }
        const r = await api.raw<Uploaded>('/api/attachments', f, f.type || 'application/octet-stream', {
          'X-Filename': encodeURIComponent(f.name),
        });
        setFiles((xs) => [...xs, { id: r.id, name: r.name ?? f.name, mimeType: r.mimeType ?? f.type, size: r.size ?? f.size }]);
      }
    } catch (e) {
      toast.error(e);
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const switchMode = (m: ReplyMode) => {
    setMode(m);
    if (m === 'note') stopTyping();
    area.current?.focus();
  };

  return (
    <div className={`composer mode-${mode}`}>
      <ReplyModeTabs mode={mode} onChange={switchMode}>
        <span className="grow" />
        <span className="composer-hint">
          <Kbd>Enter</Kbd> gửi · <Kbd>Shift</Kbd>+<Kbd>Enter</Kbd> xuống dòng · <Kbd>/</Kbd> câu mẫu
        </span>
      </ReplyModeTabs>
      {matches.length > 0 && (
        <ul className="canned-pop" role="listbox" aria-label="Câu trả lời mẫu">
          {matches.map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === pick}>
              <button
                type="button"
                className={i === pick ? 'active' : ''}
                onMouseEnter={() => setPick(i)}
                onMouseDown={(e) => (e.preventDefault(), insertCanned(c))}
              >
                <span className="canned-shortcut">/{c.shortcut.replace(/^\//, '')}</span>
                <span className="canned-title">{c.title}</span>
                <span className="canned-text">{c.text}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {slash && !matches.length && canned.length > 0 && <div className="canned-none">Không có câu mẫu “/{slash[1]}”</div>}
      {files.length > 0 && (
        <div className="composer-files">
          {files.map((f) => (
            <span key={f.id} className="file-chip">
              <Icon.paperclip size={13} /> {f.name} <span className="muted">{fmtBytes(f.size)}</span>
              <button type="button" aria-label={`Bỏ ${f.name}`} onClick={() => setFiles((xs) => xs.filter((x) => x.id !== f.id))}>
                <Icon.x size={12} />
              </button>
            </span>
          ))}
        </div>
      )}
      <div className="composer-box">
        <textarea
          ref={area}
          rows={2}
          value={text}
          disabled={!!disabledReason}
          placeholder={
            disabledReason ??
            (mode === 'note'
              ? 'Ghi chú cho đồng nghiệp — người dân không nhìn thấy'
              : (placeholder ?? `Trả lời ${contactName}… (gõ / để chọn câu mẫu)`))
          }
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) signalTyping();
          }}
          onKeyDown={onKey}
          onBlur={() => setTimeout(stopTyping, 1500)}
          aria-label={mode === 'note' ? 'Ghi chú nội bộ' : 'Nội dung trả lời'}
        />
        <div className="composer-actions">
          {allowAttachments && mode === 'reply' && (
            <>
              <input
                ref={fileInput}
                type="file"
                hidden
                multiple
                accept="image/*,application/pdf,.doc,.docx,.xls,.xlsx"
                onChange={(e) => void upload(e.target.files)}
              />
              <button
                type="button"
                className="icon-btn"
                aria-label="Đính kèm tệp"
                title="Đính kèm tệp (ảnh, PDF)"
                disabled={uploading || !!disabledReason}
                onClick={() => fileInput.current?.click()}
              >
                {uploading ? <span className="spinner" style={{ width: 16, height: 16 }} /> : <Icon.paperclip size={18} />}
              </button>
            </>
          )}
          <Button
            variant={mode === 'note' ? 'subtle' : 'primary'}
            onClick={() => void submit()}
            busy={sending}
            disabled={(!text.trim() && !files.length) || !!disabledReason}
            icon={mode === 'note' ? <Icon.note size={16} /> : <Icon.send size={16} />}
          >
            {mode === 'note' ? 'Lưu ghi chú' : 'Gửi'}
          </Button>
        </div>
      </div>
    </div>
  );
});

/** Ticket dialogs: forward to an agency, close with a resolution, a phone-call ticket, merge two contacts. */
import { useEffect, useState } from 'react';
import { api, qs } from '../lib/api';
import { fmtBytes, fromLocalInput, toLocalInput } from '../lib/format';
import { CHANNEL_LABELS, PRIORITY_LABELS, label } from '@wire/labels';
import { useLoad } from '../lib/hooks';
import { useAgencies } from '../lib/refdata';
import type { AgencySuggestion, Contact, ConversationList, Priority, Ticket } from '../lib/types';
import { DateInput } from './date-input';
import { AgencySelect, CodeSelect, FieldSelect } from './selects';
import { ChannelIcon, Icon } from './icons';
import { Avatar, Button, Field, FormModal, Modal, useAction, useToast } from './ui';

const plusHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const DUE_HOURS: Record<Priority, number> = { urgent: 4, high: 24, normal: 72, low: 120 };

/** Forward a ticket to an agency with a deadline and a note. */
export function ForwardDialog({ ticket, onClose, onDone }: { ticket: Ticket; onClose: () => void; onDone: (t: Ticket) => void }) {
  const toast = useToast();
  const agencies = useAgencies();
  // The commune or ward the citizen named first, then the agencies of the ticket's field (server-side).
  const suggested = useLoad(
    () => api.get<AgencySuggestion[]>(`/api/tickets/${encodeURIComponent(ticket.code)}/agency-suggestions`),
    [ticket.code],
  );
  const suggestions = suggested.data ?? [];
  const [agency, setAgency] = useState(ticket.agency?.code ?? '');
  const [due, setDue] = useState(
    toLocalInput(
      ticket.dueAt && new Date(ticket.dueAt).getTime() > Date.now() ? ticket.dueAt : plusHours(DUE_HOURS[ticket.priority] ?? 72),
    ),
  );
  const [note, setNote] = useState('');
  const submit = async () => {
    if (!agency) return;
    const r = await api.post<Ticket>(`/api/tickets/${encodeURIComponent(ticket.code)}/forward`, {
      agency,
      dueAt: fromLocalInput(due),
      note: note.trim() || undefined,
    });
    toast.ok(`Đã chuyển phiếu ${ticket.code} đến ${agencies.find((a) => a.code === agency)?.name ?? agency}`);
    onDone(r);
  };
  return (
    <FormModal
      title={`Chuyển phiếu ${ticket.code}`}
      icon={<Icon.forward size={18} />}
      onClose={onClose}
      submit="Chuyển cơ quan"
      disabled={!agency}
      submitIcon={<Icon.forward size={16} />}
      onSubmit={submit}
    >
      <Field label="Cơ quan xử lý">
        <AgencySelect value={agency} onChange={setAgency} empty="— Chọn cơ quan —" label="Cơ quan xử lý" required />
      </Field>
      {suggestions.length > 0 && (
        <div className="suggest-row">
          <span className="muted small">Gợi ý:</span>
          {suggestions.slice(0, 4).map((a) => (
            <button
              key={a.code}
              type="button"
              className={`suggest-chip ${agency === a.code ? 'on' : ''}`}
              title={a.reason === 'place' ? 'Địa bàn người dân nêu trong phản ánh' : 'Cơ quan phụ trách lĩnh vực của phiếu'}
              onClick={() => setAgency(a.code)}
            >
              {a.reason === 'place' && <Icon.flag size={12} />} {a.name}
            </button>
          ))}
        </div>
      )}
      <Field label="Hạn trả lời" hint={`Mặc định theo mức độ “${PRIORITY_LABELS[ticket.priority]}”.`}>
        <DateInput withTime label="Hạn trả lời" value={due} onChange={setDue} />
      </Field>
      <Field label="Ghi chú cho cơ quan">
        <textarea rows={4} value={note} onChange={(e) => setNote(e.target.value)} placeholder="Nội dung cần cơ quan xác minh, trả lời…" />
      </Field>
    </FormModal>
  );
}

/** Close a ticket with its resolution. */
export function CloseDialog({ ticket, onClose, onDone }: { ticket: Ticket; onClose: () => void; onDone: () => void }) {
  const toast = useToast();
  const [resolution, setResolution] = useState(ticket.resolution ?? '');
  const submit = async () => {
    await api.patch(`/api/tickets/${encodeURIComponent(ticket.code)}`, { status: 'closed', resolution: resolution.trim() || null });
    toast.ok(`Đã đóng phiếu ${ticket.code}`);
    onDone();
  };
  return (
    <FormModal
      title={`Đóng phiếu ${ticket.code}`}
      icon={<Icon.check size={18} />}
      onClose={onClose}
      submit="Đóng phiếu"
      disabled={!resolution.trim()}
      onSubmit={submit}
    >
      <Field label="Kết quả xử lý" hint="Lưu vào phiếu và nhật ký xử lý. Sau khi đóng, người dân được mời đánh giá mức độ hài lòng.">
        <textarea
          rows={5}
          value={resolution}
          onChange={(e) => setResolution(e.target.value)}
          placeholder="Đã hướng dẫn người dân…"
          required
        />
      </Field>
    </FormModal>
  );
}

/** A ticket from a phone call to 1022, optionally with the call recording. */
export function CallTicketDialog({ onClose, onDone }: { onClose: () => void; onDone: (t: Ticket) => void }) {
  const toast = useToast();
  const [f, setF] = useState({
    callerName: '',
    callerPhone: '',
    title: '',
    content: '',
    field: '',
    agency: '',
    priority: 'normal' as Priority,
  });
  const [file, setFile] = useState<File | null>(null);
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const phoneOk = !f.callerPhone || /^(\+?84|0)\d{8,10}$/.test(f.callerPhone.replace(/[\s.-]/g, ''));
  const submit = async () => {
    let recordingAttachmentId: string | undefined;
    if (file) {
      const up = await api.raw<{ id: string }>('/api/attachments', file, file.type || 'audio/mpeg', {
        'X-Filename': encodeURIComponent(file.name),
      });
      recordingAttachmentId = up.id;
    }
    const t = await api.post<Ticket>('/api/tickets', {
      channel: 'phone',
      title: f.title.trim() || f.content.trim().slice(0, 80),
      content: f.content.trim(),
      callerName: f.callerName.trim() || null,
      callerPhone: f.callerPhone.replace(/[\s.-]/g, '') || null,
      field: f.field || null,
      agency: f.agency || null,
      priority: f.priority,
      ...(recordingAttachmentId ? { recordingAttachmentId } : {}),
    });
    toast.ok(`Đã tạo phiếu ${t.code}`);
    onDone(t);
  };
  return (
    <FormModal
      title="Tạo phiếu cuộc gọi"
      icon={<Icon.phoneCall size={18} />}
      onClose={onClose}
      width={640}
      submit="Tạo phiếu"
      disabled={!f.content.trim() || !phoneOk}
      submitIcon={<Icon.plus size={16} />}
      onSubmit={submit}
      className="form-grid two"
    >
      <Field label="Họ tên người gọi">
        <input value={f.callerName} onChange={(e) => set({ callerName: e.target.value })} placeholder="Nguyễn Văn A" autoFocus />
      </Field>
      <Field label="Số điện thoại" error={phoneOk ? null : 'Số điện thoại chưa đúng'}>
        <input value={f.callerPhone} inputMode="tel" onChange={(e) => set({ callerPhone: e.target.value })} placeholder="0909 123 456" />
      </Field>
      <Field label="Tiêu đề" className="span-2" hint="Để trống: lấy từ đầu nội dung.">
        <input value={f.title} onChange={(e) => set({ title: e.target.value })} placeholder="Hỏi thủ tục cấp đổi giấy phép lái xe" />
      </Field>
      <Field label="Nội dung cuộc gọi" className="span-2">
        <textarea
          rows={5}
          value={f.content}
          onChange={(e) => set({ content: e.target.value })}
          placeholder="Người dân hỏi / phản ánh…"
          required
        />
      </Field>
      <Field label="Lĩnh vực">
        <FieldSelect value={f.field} onChange={(v) => set({ field: v })} />
      </Field>
      <Field label="Mức độ">
        <CodeSelect labels={PRIORITY_LABELS} value={f.priority} onChange={(v) => set({ priority: v as Priority })} />
      </Field>
      <Field label="Chuyển cơ quan (không bắt buộc)" className="span-2">
        <AgencySelect value={f.agency} onChange={(v) => set({ agency: v })} empty="Tổng đài tự xử lý" />
      </Field>
      <Field label="File ghi âm" className="span-2" hint="MP3, WAV, M4A…">
        <div className="file-drop">
          <input type="file" accept="audio/*" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-label="File ghi âm" />
          {file ? (
            <span>
              <Icon.paperclip size={14} /> {file.name} <span className="muted">{fmtBytes(file.size)}</span>
            </span>
          ) : (
            <span className="muted">
              <Icon.upload size={14} /> Chọn tệp ghi âm cuộc gọi
            </span>
          )}
        </div>
      </Field>
    </FormModal>
  );
}

interface ContactHit {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  channel: string;
}

/** Merge the current contact with another who is the same person on a different channel. */
export function MergeDialog({ contact, onClose, onDone }: { contact: Contact; onClose: () => void; onDone: (c: Contact) => void }) {
  const toast = useToast();
  const [q, setQ] = useState(contact.phone ?? '');
  const [hits, setHits] = useState<ContactHit[] | null>(null);
  const [other, setOther] = useState<ContactHit | null>(null);
  const [keepCurrent, setKeepCurrent] = useState(true);
  const [busy, run] = useAction();

  useEffect(() => {
    const term = q.trim();
    if (term.length < 2) return setHits(null);
    const t = setTimeout(() => {
      api
        .get<ConversationList>(`/api/conversations${qs({ q: term, pageSize: 20 })}`)
        .then((r) => {
          const seen = new Map<string, ContactHit>();
          for (const c of r.items) {
            if (!c.contact || c.contact.id === contact.id || seen.has(c.contact.id)) continue;
            seen.set(c.contact.id, {
              id: c.contact.id,
              name: c.contact.displayName || c.externalUserId,
              phone: c.contact.phone,
              email: c.contact.email,
              channel: c.channel,
            });
          }
          setHits([...seen.values()]);
        })
        .catch((e) => toast.error(e));
    }, 300);
    return () => clearTimeout(t);
  }, [q, contact.id, toast]);

  const submit = async () => {
    if (!other) return;
    await run(async () => {
      const body = keepCurrent ? { keepId: contact.id, mergeId: other.id } : { keepId: other.id, mergeId: contact.id };
      const merged = await api.post<Contact>('/api/contacts/merge', body);
      toast.ok('Đã gộp hồ sơ người dân');
      onDone(merged);
    });
  };

  const current = { name: contact.displayName ?? 'Người dân', phone: contact.phone, email: contact.email };
  return (
    <Modal
      title="Gộp hồ sơ người dân"
      icon={<Icon.merge size={18} />}
      onClose={onClose}
      width={620}
      footer={
        <>
          <Button onClick={onClose}>Huỷ</Button>
          <Button variant="primary" onClick={() => void submit()} busy={busy} disabled={!other} icon={<Icon.merge size={16} />}>
            Gộp hồ sơ
          </Button>
        </>
      }
    >
      <p className="muted">
        Khi một người liên hệ qua nhiều kênh (Zalo, email…), gộp để thấy mọi hội thoại và phiếu của họ ở một nơi. Các kênh, hội thoại và
        phiếu của hồ sơ bị gộp chuyển sang hồ sơ được giữ.
      </p>
      <Field label="Tìm hồ sơ trùng">
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Số điện thoại, email, tên hoặc mã phiếu" />
      </Field>
      <div className="merge-hits">
        {hits === null ? (
          <div className="muted small">Nhập ít nhất 2 ký tự để tìm.</div>
        ) : hits.length === 0 ? (
          <div className="muted small">Không tìm thấy hồ sơ khác.</div>
        ) : (
          hits.map((h) => (
            <button key={h.id} type="button" className={`merge-hit ${other?.id === h.id ? 'on' : ''}`} onClick={() => setOther(h)}>
              <ChannelIcon channel={h.channel} size={20} />
              <span className="grow">
                <span className="strong">{h.name}</span>
                <span className="muted small"> · {[h.phone, h.email, label(CHANNEL_LABELS, h.channel)].filter(Boolean).join(' · ')}</span>
              </span>
              {other?.id === h.id && <Icon.check size={16} />}
            </button>
          ))
        )}
      </div>
      {other && (
        <div className="merge-preview">
          <div className={`merge-side ${keepCurrent ? 'keep' : 'drop'}`}>
            <Avatar name={current.name} size={28} />
            <div>
              <div className="strong">{current.name}</div>
              <div className="muted small">{[current.phone, current.email].filter(Boolean).join(' · ') || 'Hồ sơ đang xem'}</div>
            </div>
            <span className="merge-tag">{keepCurrent ? 'Giữ' : 'Gộp vào'}</span>
          </div>
          <button
            type="button"
            className="icon-btn"
            aria-label="Đổi hồ sơ giữ lại"
            title="Đổi hồ sơ giữ lại"
            onClick={() => setKeepCurrent((k) => !k)}
          >
            <Icon.refresh size={16} />
          </button>
          <div className={`merge-side ${keepCurrent ? 'drop' : 'keep'}`}>
            <Avatar name={other.name} size={28} />
            <div>
              <div className="strong">{other.name}</div>
              <div className="muted small">{[other.phone, other.email].filter(Boolean).join(' · ')}</div>
            </div>
            <span className="merge-tag">{keepCurrent ? 'Gộp vào' : 'Giữ'}</span>
          </div>
        </div>
      )}
    </Modal>
  );
}

/**
 * A conversation's history: citizen and outbound messages (bot with intent and confidence,
 * operators, receipts) with delivery status, attachments, internal notes and processing events.
 */
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { attachmentUrl } from '../lib/api';
import { fmtBytes, fmtDate, fmtDateTime, fmtTime } from '../lib/format';
import { safeAttachmentUrl } from '@wire/safe-url';
import {
  CHANNEL_LABELS,
  confidenceLabel,
  EVENT_LABELS,
  HANDOVER_REASON_LABELS,
  intentLabel,
  label,
  MESSAGE_STATUS_LABELS,
  PURPOSE_LABELS,
} from '@wire/labels';
import type { Attachment, EventRow, Message } from '../lib/types';
import { ChannelIcon, Icon } from './icons';

const URL_RE = /(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

/** Text with line breaks kept and links clickable (no HTML is ever injected). */
export function RichText({ text }: { text: string }) {
  const parts = text.split(URL_RE);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <a key={i} href={p} target="_blank" rel="noopener noreferrer">
            {p}
          </a>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </>
  );
}

function AuthedImage({ id, alt }: { id: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    attachmentUrl(id)
      .then((u) => live && setSrc(u))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [id]);
  if (failed) return <span className="att-missing">Không tải được ảnh</span>;
  if (!src) return <span className="att-img-skeleton" />;
  return (
    <a href={src} target="_blank" rel="noopener noreferrer">
      <img className="att-img" src={src} alt={alt} loading="lazy" />
    </a>
  );
}

function openAttachment(id: string) {
  const w = window.open('', '_blank');
  attachmentUrl(id)
    .then((u) => {
      if (w) w.location.href = u;
    })
    .catch(() => w?.close());
}

/** One attachment: images inline, PDFs and other files as a labelled link. */
export function AttachmentView({ a }: { a: Attachment }) {
  const name = a.name || (a.kind === 'image' ? 'Hình ảnh' : 'Tệp đính kèm');
  const isImage = a.kind === 'image' || a.mimeType?.startsWith('image/');
  // A citizen's message may carry any URL: only ours and public https ones are loaded or linked.
  const url = safeAttachmentUrl(a.url, window.location.origin);
  if (isImage && a.attachmentId) return <AuthedImage id={a.attachmentId} alt={name} />;
  // A file we refused to keep (too large, not what it claims to be) is not shown inline.
  if (isImage && url && !a.fetchError)
    return (
      <a href={url} target="_blank" rel="noopener noreferrer">
        <img className="att-img" src={url} alt={name} loading="lazy" referrerPolicy="no-referrer" />
      </a>
    );
  const isPdf = a.mimeType === 'application/pdf' || /\.pdf$/i.test(name);
  const body = (
    <>
      <span className={`att-file-icon ${isPdf ? 'pdf' : ''}`}>{isPdf ? 'PDF' : <Icon.file size={16} />}</span>
      <span className="att-file-text">
        <span className="att-file-name">{name}</span>
        <span className="att-file-meta">
          {[a.mimeType, fmtBytes(a.size), a.fetchError && `chưa lưu được bản sao: ${a.fetchError}`].filter(Boolean).join(' · ')}
        </span>
      </span>
    </>
  );
  if (a.attachmentId)
    return (
      <button type="button" className="att-file" onClick={() => openAttachment(a.attachmentId!)}>
        {body}
      </button>
    );
  if (url)
    return (
      <a className="att-file" href={url} target="_blank" rel="noopener noreferrer">
        {body}
      </a>
    );
  return <span className="att-file">{body}</span>;
}

/** Delivery status of an outbound message: clock, one tick, two ticks, blue ticks, or the error. */
export function DeliveryStatus({ m }: { m: Message }) {
  const title = [
    MESSAGE_STATUS_LABELS[m.status],
    m.sentAt && `Gửi ${fmtDateTime(m.sentAt)}`,
    m.deliveredAt && `Đến máy ${fmtDateTime(m.deliveredAt)}`,
    m.readAt && `Đã xem ${fmtDateTime(m.readAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const icon =
    m.status === 'queued' || m.status === 'sending' ? (
      <Icon.clock size={13} />
    ) : m.status === 'sent' ? (
      <Icon.check size={13} />
    ) : m.status === 'delivered' || m.status === 'read' ? (
      <Icon.checks size={14} />
    ) : m.status === 'failed' ? (
      <Icon.alert size={13} />
    ) : null;
  return (
    <span className={`delivery delivery-${m.status}`} title={title} data-status={m.status}>
      {icon}
      <span>{MESSAGE_STATUS_LABELS[m.status]}</span>
    </span>
  );
}

function confidenceTone(c: number): string {
  return c >= 0.8 ? 'high' : c >= 0.5 ? 'mid' : 'low';
}

/** The bot's intent as a small pill: its Vietnamese name, how sure the bot was in words and by colour. */
export function IntentPill({ intent }: { intent: { name: string; confidence: number; label?: string } }) {
  const name = intent.label ?? intentLabel(intent.name);
  return (
    <span
      className={`intent-pill conf-${confidenceTone(intent.confidence)}`}
      title={`Trợ lý ảo hiểu: ${name} (${confidenceLabel(intent.confidence)})`}
      data-intent={intent.name}
    >
      <Icon.sparkles size={11} />
      {name}
    </span>
  );
}

function MessageBubble({ m, channel }: { m: Message; channel?: string }) {
  const inbound = m.direction === 'in';
  const who = inbound
    ? m.authorName || 'Người dân'
    : m.author === 'bot'
      ? 'Trợ lý ảo'
      : m.author === 'system'
        ? 'Hệ thống'
        : m.authorName || 'Tổng đài viên';
  const isReceipt = m.purpose === 'receipt' || m.purpose === 'ticket_receipt';
  const kind = inbound ? 'in' : m.author === 'operator' ? 'op' : isReceipt || m.author === 'system' ? 'sys' : 'bot';
  return (
    <div className={`msg msg-${kind} ${m.status === 'failed' ? 'msg-failed' : ''}`} data-message-id={m.id}>
      <div className="msg-head">
        {inbound && channel && <ChannelIcon channel={channel} size={14} />}
        {!inbound && m.author === 'bot' && <Icon.bot size={13} />}
        <span className="msg-author">{who}</span>
        {m.purpose && !inbound && m.purpose !== 'reply' && m.purpose !== 'answer' && (
          <span className="msg-purpose">{label(PURPOSE_LABELS, m.purpose)}</span>
        )}
        {m.intent && <IntentPill intent={m.intent} />}
      </div>
      <div className="msg-bubble">
        {m.text && (
          <div className="msg-text">
            <RichText text={m.text} />
          </div>
        )}
        {m.attachments?.length > 0 && (
          <div className="msg-atts">
            {m.attachments.map((a, i) => (
              <AttachmentView key={i} a={a} />
            ))}
          </div>
        )}
        {m.quickReplies?.length > 0 && (
          <div className="msg-qr" aria-label="Nút trả lời nhanh">
            {m.quickReplies.map((q) => (
              <span key={q.payload + q.title} className="qr-pill">
                {q.title}
              </span>
            ))}
          </div>
        )}
      </div>
      <div className="msg-meta">
        <span title={fmtDateTime(m.createdAt)}>{fmtTime(m.createdAt)}</span>
        {!inbound && <DeliveryStatus m={m} />}
      </div>
      {m.status === 'failed' && m.error && (
        <div className="msg-error" role="note">
          <Icon.alert size={13} /> Không gửi được: {m.error}
        </div>
      )}
    </div>
  );
}

/** Events worth a line in the conversation (the rest is in the processing log). */
const INLINE_EVENTS = new Set([
  'conversation_opened',
  'escalated',
  'ticket_created',
  'ticket_flagged_urgent',
  'taken_over',
  'released_to_bot',
  'forwarded',
  'assigned',
  'agency_answer_proposed',
  'agency_answer_approved',
  'agency_answer_rejected',
  'csat_recorded',
  'closed',
  'contacts_merged',
  'report_details_added',
]);

/** What to show under an event line: where it went, by when, why. */
function eventDetail(e: EventRow): { chips: string[]; quote: string | null } {
  const d = e.data ?? {};
  const chips: string[] = [];
  const agency =
    typeof d.agencyName === 'string'
      ? d.agencyName
      : typeof (d.agency as { name?: string })?.name === 'string'
        ? (d.agency as { name: string }).name
        : null;
  if (agency) chips.push(agency);
  if (typeof d.dueAt === 'string') chips.push(`hạn ${fmtDateTime(d.dueAt)}`);
  const rating = typeof d.rating === 'number' ? d.rating : typeof d.csat === 'number' ? d.csat : null;
  if (rating !== null) chips.push(`${rating}/5 sao`);
  const reason = typeof d.reason === 'string' ? (HANDOVER_REASON_LABELS[d.reason] ?? (e.type === 'escalated' ? null : d.reason)) : null;
  if (reason) chips.push(reason);
  const quote =
    typeof d.note === 'string' && d.note ? d.note : typeof d.resolution === 'string' && d.resolution ? `Kết quả: ${d.resolution}` : null;
  return { chips, quote };
}

function EventLine({ e }: { e: EventRow }) {
  const { chips, quote } = eventDetail(e);
  return (
    <div className={`evt evt-${e.type}`}>
      <div className="evt-row">
        <span className="evt-line" />
        <span className="evt-text">
          <b>{label(EVENT_LABELS, e.type)}</b>
          {e.actorName && <span>· {e.actorName}</span>}
          {chips.map((c) => (
            <span key={c}>· {c}</span>
          ))}
          <span className="evt-time">· {fmtTime(e.createdAt)}</span>
        </span>
        <span className="evt-line" />
      </div>
      {quote && <div className="evt-quote">“{quote}”</div>}
    </div>
  );
}

function NoteCard({ e }: { e: EventRow }) {
  const text = typeof e.data?.text === 'string' ? e.data.text : typeof e.data?.note === 'string' ? e.data.note : '';
  return (
    <div className="note-card" role="note">
      <div className="note-head">
        <Icon.lock size={12} />
        <span>Ghi chú nội bộ · {e.actorName ?? 'Hệ thống'}</span>
        <span className="muted"> · {fmtTime(e.createdAt)}</span>
        <span className="note-tag">Người dân không thấy</span>
      </div>
      <div className="note-text">
        <RichText text={text} />
      </div>
    </div>
  );
}

type Item = { at: string; key: string; node: ReactNode };

/** Messages and selected events, in time order, with day dividers. */
export function Timeline({
  messages,
  events = [],
  channel,
  typing,
}: {
  messages: Message[];
  events?: EventRow[];
  channel?: string;
  typing?: ReactNode;
}) {
  const items: Item[] = [
    ...messages.map((m) => ({ at: m.createdAt, key: `m${m.id}`, node: <MessageBubble m={m} channel={channel} /> })),
    ...events
      .filter((e) => e.type === 'note' || INLINE_EVENTS.has(e.type))
      .map((e) => ({
        at: e.createdAt,
        key: `e${e.id}`,
        node:
          e.type === 'note' ? (
            <NoteCard e={e} />
          ) : e.type === 'conversation_opened' ? (
            <div className="evt evt-open">
              <div className="evt-row">
                <span className="evt-line" />
                <span className="evt-text">
                  {channel && <ChannelIcon channel={channel} size={14} />} Bắt đầu hội thoại qua {label(CHANNEL_LABELS, channel)}
                  <span className="evt-time">· {fmtTime(e.createdAt)}</span>
                </span>
                <span className="evt-line" />
              </div>
            </div>
          ) : (
            <EventLine e={e} />
          ),
      })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.key.localeCompare(b.key)));

  let lastDay = '';
  return (
    <div className="timeline">
      {items.map((it) => {
        const day = fmtDate(it.at);
        const divider = day !== lastDay;
        lastDay = day;
        return (
          <Fragment key={it.key}>
            {divider && (
              <div className="day-divider">
                <span>{dayLabel(it.at)}</span>
              </div>
            )}
            {it.node}
          </Fragment>
        );
      })}
      {typing}
    </div>
  );
}

function dayLabel(iso: string): string {
  const d = fmtDate(iso);
  if (d === fmtDate(new Date().toISOString())) return 'Hôm nay';
  if (d === fmtDate(new Date(Date.now() - 86_400_000).toISOString())) return 'Hôm qua';
  return d;
}

/** One ticket: content, conversation, processing log, and the answer box (agency answers may await approval). */
import { useEffect, useState } from 'react';
import { ChannelIcon, Icon } from '../components/icons';
import { LogIntegrityBadge } from '../components/log-integrity';
import { ReplyModeTabs, type ReplyMode } from '../components/reply-mode-tabs';
import { TicketPanel } from '../components/ticket-panel';
import { RichText, Timeline } from '../components/timeline';
import {
  Button,
  Card,
  CardSkeleton,
  Chip,
  Empty,
  ErrorBlock,
  Link,
  PriorityChip,
  Skeleton,
  StatusChip,
  Tabs,
  useAction,
  useToast,
} from '../components/ui';
import { api, attachmentUrl } from '../lib/api';
import { fmtDateTime, fmtRemaining } from '../lib/format';
import { useLoad } from '../lib/hooks';
import { CHANNEL_LABELS, EVENT_LABELS, label } from '@wire/labels';
import { useLiveReload } from '../lib/live';
import { useSession } from '../lib/session';
import type { EventRow, TicketDetail } from '../lib/types';

/** Agency answers proposed and not yet approved or rejected. */
function pendingProposals(events: EventRow[]): EventRow[] {
  const decided = new Set(
    events
      .filter((e) => e.type === 'agency_answer_approved' || e.type === 'agency_answer_rejected')
      .map((e) => String(e.data?.proposalId ?? e.data?.id ?? '')),
  );
  return events.filter((e) => e.type === 'agency_answer_proposed' && !decided.has(String(e.data?.proposalId ?? e.data?.id ?? '')));
}

function AnswerBox({ ticket, onDone }: { ticket: TicketDetail; onDone: () => void }) {
  const { user } = useSession();
  const toast = useToast();
  const isAgency = user.role === 'agency';
  // A phone ticket has no conversation to answer in: the answer is recorded as the result instead.
  const canMessage = !!ticket.conversationId;
  const [mode, setMode] = useState<ReplyMode>('reply');
  const [text, setText] = useState('');
  // Never pre-ticked: closing the work on a ticket is a choice, not the default.
  const [final, setFinal] = useState(false);
  const [busy, run] = useAction();
  const submit = async () => {
    if (!text.trim()) return;
    await run(async () => {
      if (mode === 'note') {
        await api.post(`/api/tickets/${encodeURIComponent(ticket.code)}/notes`, { text: text.trim() });
        toast.ok('Đã lưu ghi chú nội bộ');
      } else if (!canMessage) {
        await api.patch(`/api/tickets/${encodeURIComponent(ticket.code)}`, { resolution: text.trim(), status: 'answered' });
        toast.ok('Đã ghi kết quả xử lý — tổng đài 1022 sẽ báo lại cho người dân');
      } else {
        const r = await api.post<{ pending?: boolean }>(`/api/tickets/${encodeURIComponent(ticket.code)}/reply`, {
          text: text.trim(),
          final,
        });
        toast.ok(r.pending ? 'Đã gửi câu trả lời — chờ tổng đài 1022 duyệt trước khi gửi người dân' : 'Đã gửi câu trả lời cho người dân');
      }
      setText('');
      onDone();
    });
  };
  return (
    <div className={`answer-box mode-${mode}`}>
      <ReplyModeTabs
        mode={mode}
        onChange={setMode}
        replyLabel={!canMessage ? 'Kết quả xử lý' : isAgency ? 'Trả lời người dân' : 'Trả lời'}
      />
      <textarea
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label={mode === 'note' ? 'Ghi chú nội bộ' : 'Nội dung trả lời'}
        placeholder={
          mode === 'note'
            ? 'Ghi chú cho tổng đài và cơ quan — người dân không nhìn thấy'
            : !canMessage
              ? `Phiếu từ cuộc gọi: ghi kết quả xử lý để tổng đài gọi lại cho người dân${ticket.callerPhone ? ` (${ticket.callerPhone})` : ''}…`
              : isAgency
                ? 'Nội dung trả lời của cơ quan cho người dân…'
                : 'Nội dung trả lời người dân…'
        }
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
      />
      <div className="answer-foot">
        {mode === 'reply' && canMessage && (
          <label className="check">
            <input type="checkbox" checked={final} onChange={(e) => setFinal(e.target.checked)} /> Câu trả lời cuối cùng (chuyển phiếu sang
            “Đã trả lời”)
          </label>
        )}
        <span className="grow" />
        <span className="muted small">Ctrl+Enter để gửi</span>
        <Button
          variant={mode === 'note' ? 'subtle' : 'primary'}
          busy={busy}
          disabled={!text.trim()}
          onClick={() => void submit()}
          icon={mode === 'note' ? <Icon.note size={16} /> : <Icon.send size={16} />}
        >
          {mode === 'note' ? 'Lưu ghi chú' : canMessage ? 'Gửi trả lời' : 'Lưu kết quả'}
        </Button>
      </div>
    </div>
  );
}

/** The phone call's recording (an authenticated file, played from a blob). */
function Recording({ id }: { id: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    attachmentUrl(id).then(setSrc, () => setFailed(true));
  }, [id]);
  return (
    <div className="recording">
      <div className="recording-head">
        <Icon.phoneCall size={15} /> <b>Ghi âm cuộc gọi</b>
      </div>
      {failed ? (
        <span className="muted small">Không tải được tệp ghi âm.</span>
      ) : src ? (
        <audio controls src={src} preload="metadata" />
      ) : (
        <span className="muted small">Đang tải…</span>
      )}
    </div>
  );
}

function LogList({ events }: { events: EventRow[] }) {
  if (!events.length) return <div className="muted small pad">Chưa có sự kiện.</div>;
  return (
    <ol className="log-list">
      {[...events].reverse().map((e) => (
        <li key={e.id}>
          <span className={`log-dot t-${e.type}`} />
          <div>
            <div>
              <b>{label(EVENT_LABELS, e.type)}</b>
              {e.actorName && <span className="muted"> · {e.actorName}</span>}
            </div>
            {typeof e.data?.note === 'string' && e.data.note && <div className="small">“{e.data.note}”</div>}
            {typeof e.data?.text === 'string' && e.type === 'note' && <div className="small">{e.data.text}</div>}
            <div className="muted small">{fmtDateTime(e.createdAt)}</div>
          </div>
        </li>
      ))}
    </ol>
  );
}

export function TicketPage({ code }: { code: string }) {
  const { user } = useSession();
  const isAgency = user.role === 'agency';
  const { data: t, error, reload, setData } = useLoad(() => api.get<TicketDetail>(`/api/tickets/${encodeURIComponent(code)}`), [code]);
  useLiveReload(['ticket', 'message'], reload, (name, e) => {
    const ev = e as { code?: string; ticketId?: string; conversationId?: string };
    return name === 'ticket' ? ev.code === code || ev.ticketId === t?.id : !!t?.conversationId && ev.conversationId === t.conversationId;
  });
  const [tab, setTab] = useState<'conversation' | 'log'>('conversation');

  if (error && !t) {
    return (
      <div className="page">
        <Link to="/tickets" className="back-link">
          <Icon.chevronLeft size={16} /> Danh sách phiếu
        </Link>
        {error.status === 404 || error.status === 403 ? (
          <Empty icon={<Icon.lock size={28} />} title="Không tìm thấy phiếu">
            Phiếu {code} không tồn tại hoặc không thuộc phạm vi bạn được xem.
          </Empty>
        ) : (
          <ErrorBlock error={error} onRetry={reload} />
        )}
      </div>
    );
  }
  if (!t) {
    return (
      <div className="page">
        <Skeleton lines={2} className="w-40" />
        <div className="two-col">
          <CardSkeleton lines={8} />
          <CardSkeleton lines={6} />
        </div>
      </div>
    );
  }
  const pending = pendingProposals(t.events);
  // The ticket does not carry its recording; the creation event does.
  const recordingId = t.events.map((e) => e.data?.recordingAttachmentId).find((x): x is string => typeof x === 'string') ?? null;
  const due = t.status !== 'closed' ? fmtRemaining(t.dueAt) : null;
  const answerBox = t.status !== 'closed' && <AnswerBox ticket={t} onDone={reload} />;
  return (
    <div className="page ticket-page">
      <Link to="/tickets" className="back-link">
        <Icon.chevronLeft size={16} /> {isAgency ? 'Phiếu được chuyển' : 'Danh sách phiếu'}
      </Link>
      <div className="page-header">
        <div className="grow">
          <div className="ticket-code-line">
            <span className="mono">{t.code}</span>
            <StatusChip status={t.status} />
            <PriorityChip priority={t.priority} />
            {due?.overdue && (
              <Chip tone="red" className="chip-strong">
                <Icon.clock size={11} /> Quá hạn {due.text.replace('quá ', '')}
              </Chip>
            )}
            {pending.length > 0 && (
              <Chip tone="amber" dot>
                Chờ duyệt
              </Chip>
            )}
            <LogIntegrityBadge code={t.code} events={t.events.length} />
          </div>
          <h1>{t.title}</h1>
          <div className="page-subtitle">
            <ChannelIcon channel={t.channel} size={14} /> {label(CHANNEL_LABELS, t.channel)} ·{' '}
            {t.contact?.displayName || t.callerName || 'Người dân'}
            {(t.contact?.phone || t.callerPhone) && ` · ${t.contact?.phone || t.callerPhone}`} · tạo {fmtDateTime(t.createdAt)}
          </div>
        </div>
        {!isAgency && t.conversationId && (
          <div className="page-actions">
            <Link to={`/inbox/${t.conversationId}`} className="btn btn-secondary btn-md">
              <Icon.inbox size={16} /> <span>Mở trong hộp thư</span>
            </Link>
          </div>
        )}
      </div>
      <div className="two-col">
        <div className="col-main">
          <Card title="Nội dung yêu cầu">
            <div className="ticket-content">
              <RichText text={t.content || t.title} />
            </div>
            {recordingId && <Recording id={recordingId} />}
            {t.resolution && (
              <div className="resolution">
                <div className="strong">Kết quả xử lý</div>
                <RichText text={t.resolution} />
              </div>
            )}
          </Card>
          {/* A focal point comes to answer: the box sits right under the request, above the long history. */}
          {isAgency && answerBox}
          {pending.map((p) => (
            <div key={p.id} className="pending-card">
              <div className="pending-head">
                <Icon.clock size={15} /> <b>Câu trả lời chờ duyệt</b>
                <span className="muted">
                  {' '}
                  · {p.actorName} · {fmtDateTime(p.createdAt)}
                </span>
              </div>
              <div className="pending-text">{String(p.data?.text ?? '')}</div>
              <div className="muted small">
                {isAgency ? 'Tổng đài 1022 sẽ duyệt rồi gửi cho người dân.' : <Link to="/proposals">Duyệt ở mục “Duyệt trả lời”</Link>}
              </div>
            </div>
          ))}
          <Card pad={false} className="conversation-card">
            <Tabs
              value={tab}
              onChange={setTab}
              items={[
                { value: 'conversation', label: 'Hội thoại', count: t.messages.length },
                { value: 'log', label: 'Nhật ký xử lý', count: t.events.length },
              ]}
            />
            {tab === 'conversation' ? (
              t.messages.length ? (
                <div className="ticket-timeline">
                  <Timeline messages={t.messages} events={t.events} channel={t.channel} />
                </div>
              ) : (
                <Empty icon={<Icon.phoneCall size={26} />} title="Không có tin nhắn">
                  Phiếu tạo từ cuộc gọi hoặc nhập tay.
                </Empty>
              )
            ) : (
              <LogList events={t.events} />
            )}
          </Card>
          {!isAgency && answerBox}
        </div>
        <div className="col-side">
          <Card title="Thông tin phiếu" pad={false}>
            <TicketPanel
              ticket={t}
              compact
              onChanged={(nt) => {
                if (nt) setData((d) => (d ? { ...d, ...nt } : d!));
                reload();
              }}
            />
          </Card>
        </div>
      </div>
    </div>
  );
}

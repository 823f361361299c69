/** The middle and right columns of the inbox: one conversation, its ticket and its citizen. */
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import { ChannelIcon, Icon } from '../../components/icons';
import { TicketPanel } from '../../components/ticket-panel';
import { Timeline } from '../../components/timeline';
import { Button, Empty, ErrorBlock, Skeleton, StateChip, Tabs, useAction, useToast } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtDuration } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { CHANNEL_LABELS, label } from '@wire/labels';
import { useLive, useLiveReload } from '../../lib/live';
import { useSession } from '../../lib/session';
import type { ConversationDetail } from '../../lib/types';
import { Composer, type ComposerHandle } from './composer';
import { ContactCard } from './contact-card';
import { useSeenMarker } from './use-seen-marker';

export interface ConversationViewHandle {
  takeOver: () => void;
  release: () => void;
  focusReply: () => void;
  focusNote: () => void;
}

function ReplyWindowBanner({ d }: { d: ConversationDetail }) {
  const w = d.conversation.replyWindow;
  const channel = label(CHANNEL_LABELS, d.conversation.channel);
  if (!w || d.conversation.state === 'closed') return null;
  if (w.closed) {
    return (
      <div className="banner banner-danger" role="alert">
        <Icon.alert size={16} />
        <span>
          <b>Đã hết thời hạn trả lời trên {channel}.</b> Kênh này chỉ cho phép trả lời trong một khoảng thời gian sau tin nhắn cuối của
          người dân; tin gửi bây giờ có thể bị từ chối.
          {d.contact.phone ? ` Hãy gọi lại số ${d.contact.phone}.` : ' Hãy chờ người dân nhắn lại hoặc liên hệ qua kênh khác.'}
        </span>
      </div>
    );
  }
  if (w.closesAt) {
    const left = (new Date(w.closesAt).getTime() - Date.now()) / 1000;
    if (left < 6 * 3600) {
      return (
        <div className="banner banner-warn" role="status">
          <Icon.clock size={16} />
          <span>
            Còn <b>{fmtDuration(left)}</b> để trả lời trên {channel}; sau đó kênh không cho phép nhắn tin cho người dân.
          </span>
        </div>
      );
    }
  }
  return null;
}

export const ConversationView = forwardRef<ConversationViewHandle, { id: string; onChanged: () => void }>(function ConversationView(
  { id, onChanged },
  ref,
) {
  const { user } = useSession();
  const toast = useToast();
  const { data, error, loading, reload, setData } = useLoad(
    () => api.get<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`),
    [id],
  );
  const [busy, run] = useAction();
  const [side, setSide] = useState<'ticket' | 'contact'>('ticket');
  const composer = useRef<ComposerHandle>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Live: anything about this conversation or its ticket reloads it (and so does a reconnection: events were missed).
  useLiveReload(['message', 'conversation', 'ticket'], reload, (name, e) =>
    name === 'ticket'
      ? !!data?.ticket && (e as { ticketId?: string }).ticketId === data.ticket.id
      : (e as { conversationId?: string }).conversationId === id,
  );
  // The citizen's "typing…" (live chat): shown under the history, cleared by their message or after 8 s.
  const [citizenTyping, setCitizenTyping] = useState(false);
  useLive('typing', (e) => e.conversationId === id && setCitizenTyping(e.on));
  useLive('message', (e) => e.conversationId === id && e.direction === 'in' && setCitizenTyping(false));
  useEffect(() => {
    if (!citizenTyping) return;
    const t = setTimeout(() => setCitizenTyping(false), 8000);
    return () => clearTimeout(t);
  }, [citizenTyping]);
  useEffect(() => setCitizenTyping(false), [id]);

  // Stay at the bottom when new messages arrive, unless the operator scrolled up to read.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [data?.messages.length, data?.events.length, id]);
  useEffect(() => {
    stick.current = true;
  }, [id]);

  // Showing the newest message to the operator moves the read marker (the citizen's live chat shows "Đã xem").
  const atEnd = useCallback(() => stick.current, []);
  const markSeen = useSeenMarker(id, data?.conversation.id === id ? data.messages[data.messages.length - 1]?.id : undefined, atEnd);

  const conv = data?.conversation;
  const mine = conv?.state === 'operator' && conv.assignee?.id === user.id;

  const takeOver = () =>
    void run(async () => {
      await api.post(`/api/conversations/${id}/takeover`);
      reload();
      onChanged();
      composer.current?.focus('reply');
    }, 'Đã tiếp nhận — trợ lý ảo tạm dừng trả lời');
  const release = () =>
    void run(async () => {
      await api.post(`/api/conversations/${id}/release`);
      reload();
      onChanged();
    }, 'Đã trả lại cho trợ lý ảo');
  const closeConversation = () =>
    void run(async () => {
      await api.post(`/api/conversations/${id}/close`, {});
      reload();
      onChanged();
    }, 'Đã đóng hội thoại');

  useImperativeHandle(ref, () => ({
    takeOver: () => conv && conv.state !== 'operator' && takeOver(),
    release: () => conv && conv.state === 'operator' && release(),
    focusReply: () => composer.current?.focus('reply'),
    focusNote: () => composer.current?.focus('note'),
  }));

  if (error && !data) {
    return (
      <div className="conv-empty">
        <ErrorBlock error={error} onRetry={reload} />
      </div>
    );
  }
  if (!data || !conv) {
    return (
      <div className="conv-view loading">
        <div className="cv-head">
          <Skeleton lines={2} className="w-40" />
        </div>
        <div className="cv-body pad">
          <Skeleton lines={4} />
          <Skeleton lines={3} className="right" />
          <Skeleton lines={2} />
        </div>
      </div>
    );
  }

  const name = data.contact.displayName || data.contact.phone || data.contact.email || 'Người dân';
  const stateBanner =
    conv.state === 'bot' || conv.state === 'waiting' ? (
      <div className={`banner ${conv.state === 'waiting' ? 'banner-warn' : 'banner-info'}`}>
        <Icon.bot size={16} />
        <span className="grow">
          {conv.state === 'waiting'
            ? 'Người dân đang chờ tổng đài viên. Tiếp nhận để trao đổi trực tiếp.'
            : 'Trợ lý ảo đang trả lời hội thoại này. Gửi trả lời sẽ tự động tiếp nhận.'}
        </span>
        <Button size="sm" variant="primary" onClick={takeOver} busy={busy} icon={<Icon.hand size={15} />}>
          Tiếp nhận
        </Button>
      </div>
    ) : conv.state === 'operator' && !mine ? (
      <div className="banner banner-info">
        <Icon.user size={16} />
        <span>{conv.assignee ? `${conv.assignee.name} đang xử lý hội thoại này.` : 'Một tổng đài viên đang xử lý hội thoại này.'}</span>
      </div>
    ) : conv.state === 'closed' ? (
      <div className="banner banner-muted">
        <Icon.check size={16} />
        <span>Hội thoại đã đóng. Nếu người dân nhắn tiếp, hội thoại sẽ mở lại.</span>
      </div>
    ) : null;

  return (
    <>
      <section className="conv-view" aria-label={`Hội thoại với ${name}`} aria-busy={loading}>
        <header className="cv-head">
          <ChannelIcon channel={conv.channel} size={34} />
          <div className="cv-title grow">
            <div className="cv-name">
              {name}
              <StateChip state={conv.state} />
            </div>
            <div className="cv-sub">
              {label(CHANNEL_LABELS, conv.channel)}
              {data.contact.phone && <> · {data.contact.phone}</>}
              {data.ticket && (
                <>
                  {' · '}
                  <span className="mono">{data.ticket.code}</span>
                </>
              )}
            </div>
          </div>
          <div className="cv-actions">
            {conv.state !== 'operator' && conv.state !== 'closed' && (
              <Button variant="primary" size="sm" onClick={takeOver} busy={busy} icon={<Icon.hand size={15} />} title="Tiếp nhận (t)">
                Tiếp nhận
              </Button>
            )}
            {conv.state === 'operator' && (
              <Button size="sm" onClick={release} busy={busy} icon={<Icon.bot size={15} />} title="Trả lại cho trợ lý ảo (b)">
                Trả lại bot
              </Button>
            )}
            {!data.ticket && conv.state !== 'closed' && (
              <Button size="sm" variant="ghost" onClick={closeConversation} icon={<Icon.check size={15} />}>
                Đóng
              </Button>
            )}
          </div>
        </header>
        <div
          className="cv-body"
          ref={scroller}
          onScroll={(e) => {
            const el = e.currentTarget;
            stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
            markSeen();
          }}
        >
          <Timeline
            messages={data.messages}
            events={data.events}
            channel={conv.channel}
            typing={
              citizenTyping ? (
                <div className="typing-note" role="status" aria-live="polite">
                  Người dân đang soạn tin…
                </div>
              ) : undefined
            }
          />
        </div>
        <div className="cv-foot">
          <ReplyWindowBanner d={data} />
          {stateBanner}
          <Composer
            ref={composer}
            conversationId={id}
            contactName={name}
            onSent={() => {
              stick.current = true;
              reload();
              onChanged();
            }}
            onTyping={(on) => void api.post(`/api/conversations/${id}/typing`, { on }).catch(() => undefined)}
            sendReply={async (text, attachmentIds) => {
              await api.post(`/api/conversations/${id}/reply`, { text, ...(attachmentIds.length ? { attachmentIds } : {}) });
            }}
            sendNote={async (text) => {
              await api.post(`/api/conversations/${id}/notes`, { text });
              toast.ok('Đã lưu ghi chú nội bộ');
            }}
          />
        </div>
      </section>
      <aside className="cv-side" aria-label="Phiếu và người dân">
        <Tabs
          className="cv-side-tabs"
          value={side}
          onChange={setSide}
          items={[
            { value: 'ticket', label: data.ticket ? `Phiếu ${data.ticket.code.slice(-6)}` : 'Phiếu' },
            { value: 'contact', label: 'Người dân' },
          ]}
        />
        <div className="cv-side-body">
          {side === 'ticket' ? (
            data.ticket ? (
              <TicketPanel
                ticket={data.ticket}
                onChanged={(t) => {
                  if (t) setData((d) => (d ? { ...d, ticket: t } : d!));
                  reload();
                  onChanged();
                }}
              />
            ) : (
              <Empty icon={<Icon.ticket size={26} />} title="Chưa có phiếu">
                Trợ lý ảo đã trả lời được. Phiếu được tạo tự động khi người dân cần tổng đài viên hoặc gửi phản ánh.
              </Empty>
            )
          ) : (
            <ContactCard
              contact={data.contact}
              currentTicket={data.ticket?.code}
              onMerged={() => {
                reload();
                onChanged();
              }}
            />
          )}
        </div>
      </aside>
    </>
  );
});

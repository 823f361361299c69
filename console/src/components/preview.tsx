/** How the bot's answer looks on Zalo, Messenger and email, as the channels would show it after scaling. */
import { useState } from 'react';
import type { ChannelPreview } from '../lib/types';
import { ChannelIcon, Icon } from './icons';
import { Skeleton, TabButton } from './ui';
import { RichText } from './timeline';

export type Previews = Partial<Record<'zalo' | 'facebook' | 'email', ChannelPreview>>;

const TABS: { key: 'zalo' | 'facebook' | 'email'; label: string }[] = [
  { key: 'zalo', label: 'Zalo' },
  { key: 'facebook', label: 'Messenger' },
  { key: 'email', label: 'Email' },
];

function Phone({ channel, p }: { channel: 'zalo' | 'facebook'; p: ChannelPreview }) {
  const parts = p.parts?.length ? p.parts : [p.text];
  return (
    <div className={`phone phone-${channel}`}>
      <div className="phone-bar">
        <ChannelIcon channel={channel} size={22} />
        <div>
          <div className="phone-name">Tổng đài 1022 Đồng Tháp</div>
          <div className="phone-sub">{channel === 'zalo' ? 'Official Account' : 'Thường trả lời ngay'}</div>
        </div>
      </div>
      <div className="phone-body">
        {parts.map((t, i) => (
          <div key={i} className="phone-bubble">
            <RichText text={t} />
          </div>
        ))}
        {p.quickReplies?.length > 0 && (
          <div className="phone-qr">
            {p.quickReplies.map((q, i) => (
              <span key={i}>{q.title}</span>
            ))}
          </div>
        )}
      </div>
      <div className="phone-meta">{p.text.length.toLocaleString('vi-VN')} ký tự</div>
    </div>
  );
}

function Mail({ p }: { p: ChannelPreview }) {
  return (
    <div className="mail">
      <div className="mail-head">
        <div>
          <span className="muted">Từ:</span> Tổng đài 1022 Đồng Tháp
        </div>
      </div>
      <div className="mail-body">
        <RichText text={p.text} />
      </div>
      {p.quickReplies?.length > 0 && (
        <div className="mail-qr">
          <div className="muted small">Gợi ý trả lời (thư không có nút bấm):</div>
          <ul>
            {p.quickReplies.map((q, i) => (
              <li key={i}>{q.title}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** Tabs Zalo / Messenger / Email with a device-like preview. */
export function AnswerPreview({ previews, loading, error }: { previews: Previews | null; loading: boolean; error: string | null }) {
  const [tab, setTab] = useState<'zalo' | 'facebook' | 'email'>('zalo');
  const p = previews?.[tab];
  return (
    <div className="preview">
      <div className="preview-head">
        <span className="strong">
          <Icon.eye size={15} /> Xem trước câu trả lời
        </span>
        {loading && <span className="spinner" style={{ width: 14, height: 14 }} />}
      </div>
      <div className="segmented full" role="tablist">
        {TABS.map((t) => (
          <TabButton key={t.key} selected={tab === t.key} onClick={() => setTab(t.key)}>
            <ChannelIcon channel={t.key} size={14} /> {t.label}
          </TabButton>
        ))}
      </div>
      <div className="preview-body" data-channel={tab}>
        {error ? (
          <div className="alert alert-warn">
            <Icon.alert size={15} /> {error}
          </div>
        ) : !p ? (
          <Skeleton lines={6} />
        ) : tab === 'email' ? (
          <Mail p={p} />
        ) : (
          <Phone channel={tab} p={p} />
        )}
      </div>
    </div>
  );
}

/**
 * Channels: enabled or not (and which settings are missing), recent activity (last message received,
 * last delivery sent or failed, the outbound queue, the IMAP reader), "Kiểm tra" (never throws on the
 * server), and the live-chat widget's embed snippet with a copy button.
 */
import { useState, type ReactNode } from 'react';
import { ChannelIcon, Icon } from '../../components/icons';
import { ListState } from '../../components/list-state';
import { Button, Card, CardSkeleton, Chip, Empty, PageHeader, useAction, useToast } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtDateTime, fmtNumber } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { CHANNEL_LABELS, label } from '@wire/labels';
import type { ChannelInfo, ConnectionTest, WidgetEmbed } from '../../lib/types';

const DESCRIPTION: Record<string, string> = {
  zalo: 'Zalo Official Account: tin tư vấn, nút trả lời nhanh, ảnh và tệp.',
  facebook: 'Trang Facebook qua Messenger Platform; chỉ trả lời trong 24 giờ sau tin của người dân.',
  email: 'Hộp thư tiếp nhận qua IMAP, trả lời qua SMTP, giữ đúng luồng thư.',
  livechat: 'Khung chat nhúng trên cổng thông tin điện tử của tỉnh.',
  edongthap: 'Ứng dụng công dân số e-DongThap.',
  phone: 'Cuộc gọi đến 1022 được tổng đài viên nhập thành phiếu.',
};

/** What "Kiểm tra" does on each channel. */
const CHECK: Record<string, string> = {
  zalo: 'Kiểm tra: đọc thông tin OA qua Zalo API.',
  facebook: 'Kiểm tra: gọi Graph API “me” của Trang.',
  email: 'Kiểm tra: đăng nhập IMAP và xác minh máy chủ SMTP.',
  livechat: 'Kiểm tra: kênh socket.io /livechat của máy chủ.',
  edongthap: 'e-DongThap không công bố phép kiểm tra; chỉ thử kết nối tới địa chỉ nhận tin trả lời (callback).',
  phone: 'Không có phép kiểm tra.',
};

function capabilityChips(c: ChannelInfo['capabilities']) {
  if (!c) return null;
  const chips: string[] = [];
  chips.push(`Tối đa ${c.maxTextLength.toLocaleString('vi-VN')} ký tự`);
  chips.push(c.quickReplies ? `${c.quickReplies.max} nút trả lời nhanh` : 'Không có nút bấm');
  if (c.attachments) chips.push('Tệp đính kèm');
  if (c.replyWindowMs) chips.push(`Hạn trả lời ${c.replyWindowMs / 3_600_000} giờ`);
  if (c.longForm) chips.push('Trả lời dạng thư đầy đủ');
  return chips;
}

/** The channel's recent activity as label/value rows. */
function StatusList({ ch }: { ch: ChannelInfo }) {
  const s = ch.status;
  const rows: [string, ReactNode][] = [
    ['Tin nhận gần nhất', s.lastInboundAt ? fmtDateTime(s.lastInboundAt) : 'Chưa có'],
    ['Gửi thành công gần nhất', s.lastSentAt ? fmtDateTime(s.lastSentAt) : 'Chưa có'],
    [
      'Gửi lỗi gần nhất',
      s.lastFailure ? (
        <span>
          {fmtDateTime(s.lastFailure.at)}
          {s.lastFailure.error && <span className="channel-error"> — {s.lastFailure.error}</span>}
        </span>
      ) : (
        'Không có'
      ),
    ],
    [
      'Đang chờ gửi',
      <span key="q">
        {fmtNumber(s.queued)}
        {s.retryError && <span className="channel-error"> (đang thử lại: {s.retryError})</span>}
      </span>,
    ],
    ['Gửi lỗi hẳn', fmtNumber(s.failed)],
  ];
  if (ch.intake) {
    const i = ch.intake;
    const state =
      i.connected === null
        ? 'Chưa kết nối lần nào'
        : i.connected
          ? `Đã kết nối (từ ${fmtDateTime(i.at)})`
          : `Mất kết nối (${fmtDateTime(i.at)})`;
    rows.push([
      'Hộp thư IMAP',
      <span key="i">
        {state}
        {i.error && !i.connected && <span className="channel-error"> — {i.error}</span>}
      </span>,
    ]);
    rows.push([
      'Máy chủ đọc hộp thư',
      i.leadingHere ? `Máy chủ này${i.leader ? ` (${i.leader})` : ''}` : (i.leader ?? 'Không có máy chủ nào'),
    ]);
  }
  return (
    <dl className="channel-status">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The widget's `<script>` tag with a copy button. */
function EmbedSnippet({ embed }: { embed: WidgetEmbed }) {
  const toast = useToast();
  // Without PUBLIC_BASE_URL the server only knows a local address: the console's own is a better guess.
  const snippet = embed.configured ? embed.snippet : embed.snippet.replace(embed.baseUrl, window.location.origin);
  return (
    <div className="channel-embed">
      <div className="strong small">Mã nhúng khung chat</div>
      <pre aria-label="Mã nhúng khung chat">{snippet}</pre>
      {!embed.configured && (
        <div className="muted small">Chưa đặt PUBLIC_BASE_URL: kiểm tra lại địa chỉ trong mã nhúng trước khi dán vào trang của tỉnh.</div>
      )}
      <Button
        size="sm"
        icon={<Icon.file size={14} />}
        onClick={() => {
          void navigator.clipboard
            ?.writeText(snippet)
            .then(() => toast.ok('Đã sao chép mã nhúng'))
            .catch(() => toast.error('Không sao chép được; hãy chọn và sao chép thủ công'));
        }}
      >
        Sao chép
      </Button>
    </div>
  );
}

function ChannelCard({ ch }: { ch: ChannelInfo }) {
  const [busy, run] = useAction();
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const test = () =>
    run(async () => {
      setResult(await api.post<ConnectionTest>(`/api/channels/${ch.channel}/test`));
    });
  const chips = capabilityChips(ch.capabilities) ?? [];
  return (
    <Card className={`channel-card channel-${ch.channel} ${ch.enabled ? '' : 'off'}`}>
      <div className="channel-card-head">
        <ChannelIcon channel={ch.channel} size={40} />
        <div className="grow">
          <div className="strong big">{label(CHANNEL_LABELS, ch.channel)}</div>
          <div className="muted small">{DESCRIPTION[ch.channel] ?? ''}</div>
        </div>
        {ch.enabled ? (
          <Chip tone="green" dot>
            Đang bật
          </Chip>
        ) : ch.channel === 'phone' ? (
          <Chip tone="gray" dot>
            Nhập tay
          </Chip>
        ) : (
          <Chip tone="gray" dot>
            Chưa cấu hình
          </Chip>
        )}
      </div>
      {chips.length > 0 && (
        <div className="chips-row">
          {chips.map((c) => (
            <Chip key={c}>{c}</Chip>
          ))}
        </div>
      )}
      {ch.missing.length > 0 && (
        <div className="muted small channel-missing">
          Thiếu biến cấu hình: <span className="mono">{ch.missing.join(', ')}</span>
        </div>
      )}
      {ch.channel !== 'phone' && <StatusList ch={ch} />}
      {ch.embed && ch.enabled && <EmbedSnippet embed={ch.embed} />}
      {result && (
        <div className={`alert ${result.ok ? 'alert-ok' : 'alert-error'}`} role="status">
          {result.ok ? <Icon.check size={15} /> : <Icon.alert size={15} />}
          <span>
            <b>{result.ok ? 'Kết nối tốt.' : 'Kết nối lỗi.'}</b> {result.detail}
          </span>
        </div>
      )}
      <div className="channel-card-foot">
        <span className="muted small">{CHECK[ch.channel]}</span>
        {ch.channel !== 'phone' && (
          <Button size="sm" icon={<Icon.plug size={14} />} busy={busy} disabled={!ch.enabled || !ch.testable} onClick={() => void test()}>
            Kiểm tra
          </Button>
        )}
      </div>
    </Card>
  );
}

export default function ChannelsPage() {
  const { data, error, reload } = useLoad(() => api.get<ChannelInfo[]>('/api/channels'), []);
  return (
    <div className="page">
      <PageHeader
        title="Kênh kết nối"
        subtitle="Các kênh người dân liên hệ tổng đài 1022. Thông tin xác thực đặt trong tệp cấu hình máy chủ (.env); sửa xong cần khởi động lại."
        actions={
          <Button size="sm" icon={<Icon.refresh size={14} />} onClick={reload}>
            Làm mới
          </Button>
        }
      />
      <ListState
        data={data}
        error={error}
        onRetry={reload}
        pad={false}
        loading={
          <div className="card-grid">
            {[0, 1, 2, 3].map((i) => (
              <CardSkeleton key={i} lines={4} />
            ))}
          </div>
        }
        empty={<Empty icon={<Icon.plug size={26} />} title="Chưa có kênh nào" />}
      >
        {(channels) => (
          <div className="card-grid">
            {channels.map((c) => (
              <ChannelCard key={c.channel} ch={c} />
            ))}
          </div>
        )}
      </ListState>
    </div>
  );
}

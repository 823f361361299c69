/** Channels: enabled or not, capabilities, and "test connection" (never throws on the server). */
import { useState } from 'react';
import { ChannelIcon, Icon } from '../../components/icons';
import { ListState } from '../../components/list-state';
import { Button, Card, CardSkeleton, Chip, Empty, PageHeader, useAction } from '../../components/ui';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { CHANNEL_LABELS, label } from '@wire/labels';
import type { ChannelInfo } from '../../lib/types';

const DESCRIPTION: Record<string, string> = {
  zalo: 'Zalo Official Account: tin tư vấn, nút trả lời nhanh, ảnh và tệp.',
  facebook: 'Trang Facebook qua Messenger Platform; chỉ trả lời trong 24 giờ sau tin của người dân.',
  email: 'Hộp thư tiếp nhận qua IMAP, trả lời qua SMTP, giữ đúng luồng thư.',
  livechat: 'Khung chat nhúng trên cổng thông tin điện tử của tỉnh.',
  edongthap: 'Ứng dụng công dân số e-DongThap.',
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

function ChannelCard({ ch }: { ch: ChannelInfo }) {
  const [busy, run] = useAction();
  const [result, setResult] = useState<{ ok: boolean; detail?: string } | null>(null);
  const test = () =>
    run(async () => {
      setResult(await api.post<{ ok: boolean; detail?: string }>(`/api/channels/${ch.channel}/test`));
    });
  const chips = capabilityChips(ch.capabilities) ?? [];
  return (
    <Card className={`channel-card ${ch.enabled ? '' : 'off'}`}>
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
      {result && (
        <div className={`alert ${result.ok ? 'alert-ok' : 'alert-error'}`} role="status">
          {result.ok ? <Icon.check size={15} /> : <Icon.alert size={15} />}
          <span>
            <b>{result.ok ? 'Kết nối tốt.' : 'Kết nối lỗi.'}</b> {result.detail}
          </span>
        </div>
      )}
      <div className="channel-card-foot">
        <span className="muted small">
          {ch.channel === 'phone'
            ? 'Cuộc gọi đến 1022 được nhập thành phiếu trong hộp thư.'
            : ch.enabled
              ? 'Thông tin xác thực đặt trong tệp cấu hình máy chủ (.env).'
              : 'Điền biến môi trường của kênh trong .env rồi khởi động lại.'}
        </span>
        <Button
          size="sm"
          icon={<Icon.plug size={14} />}
          busy={busy}
          disabled={!ch.enabled || ch.testable === false}
          onClick={() => void test()}
        >
          Kiểm tra kết nối
        </Button>
      </div>
    </Card>
  );
}

export default function ChannelsPage() {
  const { data, error, reload } = useLoad(() => api.get<ChannelInfo[]>('/api/channels'), []);
  return (
    <div className="page">
      <PageHeader title="Kênh kết nối" subtitle="Các kênh người dân liên hệ tổng đài 1022." />
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

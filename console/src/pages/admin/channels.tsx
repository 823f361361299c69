/** Channels: enabled or not, capabilities, and "test connection" (never throws on the server). */
import { useState } from 'react';
import { ChannelIcon, Icon } from '../../components/icons';
import { Button, Card, Chip, Empty, ErrorBlock, PageHeader, Skeleton, useAction } from '../../components/ui';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { channelLabel } from '../../lib/labels';
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
  const textMax = (c.textMax ?? c.maxTextLength) as number | undefined;
  if (textMax) chips.push(`Tối đa ${textMax.toLocaleString('vi-VN')} ký tự`);
  const qr = c.quickReplies as number | { max?: number } | boolean | null | undefined;
  if (qr) chips.push(typeof qr === 'number' ? `${qr} nút trả lời nhanh` : typeof qr === 'object' && qr.max ? `${qr.max} nút trả lời nhanh` : 'Nút trả lời nhanh');
  else chips.push('Không có nút bấm');
  if (c.attachments) chips.push('Tệp đính kèm');
  const window = (c.replyWindowHours ?? (c.replyWindowMs ? Number(c.replyWindowMs) / 3_600_000 : undefined)) as number | undefined;
  if (window) chips.push(`Hạn trả lời ${window} giờ`);
  if (c.typing) chips.push('Báo đang soạn');
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
          <div className="strong big">{channelLabel[ch.channel] ?? ch.channel}</div>
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
        <Button size="sm" icon={<Icon.plug size={14} />} busy={busy} disabled={!ch.enabled || ch.testable === false} onClick={() => void test()}>
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
      {error && !data ? (
        <ErrorBlock error={error} onRetry={reload} />
      ) : !data ? (
        <div className="card-grid">
          {[0, 1, 2, 3].map((i) => (
            <Card key={i}>
              <Skeleton lines={4} />
            </Card>
          ))}
        </div>
      ) : data.length === 0 ? (
        <Empty icon={<Icon.plug size={26} />} title="Chưa có kênh nào" />
      ) : (
        <div className="card-grid">
          {data.map((c) => (
            <ChannelCard key={c.channel} ch={c} />
          ))}
        </div>
      )}
    </div>
  );
}

/** Review queue: messages the bot did not understand or that operators re-classified; one click adds the phrase. */
import { useState } from 'react';
import { Icon } from '../../components/icons';
import { ListState, Table } from '../../components/list-state';
import { Button, Card, Chip, Empty, Link, PageHeader, useKeyedAction } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtWhen } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import type { ReviewItem, TrainingIntent } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';
import { confidenceLabel, intentLabel } from '@wire/labels';

function Row({ item, intents, onDone }: { item: ReviewItem; intents: { intent: string; label: string }[]; onDone: () => void }) {
  const nameOf = (code: string) => intents.find((x) => x.intent === code)?.label ?? intentLabel(code);
  const initial = item.correctedIntent ?? (item.nluIntent !== 'nlu_fallback' ? item.nluIntent : '');
  const [intent, setIntent] = useState(initial);
  const [busy, run] = useKeyedAction<'add' | 'dismiss'>();
  const act = (kind: 'add' | 'dismiss') =>
    run(
      kind,
      async () => {
        if (kind === 'add') await api.post(`/api/review/${encodeURIComponent(item.messageId)}`, { intent });
        else await api.post(`/api/review/${encodeURIComponent(item.messageId)}/dismiss`);
        onDone();
      },
      kind === 'add' ? `Đã thêm vào “${nameOf(intent)}” — trợ lý ảo học lại trong vài giây` : 'Đã bỏ qua',
    );
  return (
    <tr>
      <td className="review-text">
        <div>“{item.text}”</div>
        <div className="muted small">
          {fmtWhen(item.createdAt)}
          {item.ticketCode && (
            <>
              {' · '}
              <Link to={`/tickets/${encodeURIComponent(item.ticketCode)}`} className="mono">
                {item.ticketCode}
              </Link>
            </>
          )}
        </div>
      </td>
      <td>
        <div className="small" title={item.nluIntent}>
          {nameOf(item.nluIntent)}
        </div>
        <div className="muted small">{confidenceLabel(item.confidence)}</div>
      </td>
      <td>{item.correctedIntent ? <Chip tone="violet">{nameOf(item.correctedIntent)}</Chip> : <Chip tone="amber">Không hiểu</Chip>}</td>
      <td className="review-actions">
        <select value={intent} onChange={(e) => setIntent(e.target.value)} aria-label="Ý định đúng">
          <option value="">— Chọn ý định đúng —</option>
          {intents.map((i) => (
            <option key={i.intent} value={i.intent}>
              {i.label}
            </option>
          ))}
        </select>
        <Button
          size="sm"
          variant="primary"
          disabled={!intent}
          busy={busy === 'add'}
          onClick={() => void act('add')}
          icon={<Icon.plus size={14} />}
        >
          Thêm câu
        </Button>
        <Button size="sm" variant="ghost" busy={busy === 'dismiss'} onClick={() => void act('dismiss')}>
          Bỏ qua
        </Button>
      </td>
    </tr>
  );
}

export default function ReviewPage() {
  const { data, error, reload } = useLoad(() => api.get<ReviewItem[]>('/api/review'), []);
  useReferenceReload(['review'], reload);
  const intents = useLoad(() => api.get<TrainingIntent[]>('/api/training'), []);
  const names = (intents.data ?? [])
    .filter((x) => x.intent !== 'nlu_fallback')
    .map((x) => ({ intent: x.intent, label: x.label ?? intentLabel(x.intent) }))
    .sort((a, b) => a.label.localeCompare(b.label, 'vi'));
  return (
    <div className="page">
      <PageHeader
        title="Hàng chờ rà soát"
        subtitle="Tin nhắn trợ lý ảo không hiểu, hoặc phiếu tổng đài viên đã phân loại lại. Thêm câu vào đúng ý định để trợ lý ảo học."
      />
      <Card pad={false}>
        <ListState
          data={data}
          error={error}
          onRetry={reload}
          empty={
            <Empty icon={<Icon.inboxCheck size={28} />} title="Hàng chờ trống">
              Trợ lý ảo đã hiểu mọi tin nhắn gần đây. Tin mới không hiểu sẽ hiện ở đây.
            </Empty>
          }
        >
          {(items) => (
            <Table
              columns={
                <>
                  <th>Tin nhắn</th>
                  <th>Trợ lý ảo hiểu</th>
                  <th>Tổng đài viên sửa</th>
                  <th>Thêm vào ý định</th>
                </>
              }
              items={items}
              row={(it) => <Row key={it.messageId} item={it} intents={names} onDone={reload} />}
            />
          )}
        </ListState>
      </Card>
    </div>
  );
}

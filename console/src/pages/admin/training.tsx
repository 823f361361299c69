/** Training phrases per intent; every change retrains the engine in the background. */
import { useEffect, useState, type FormEvent } from 'react';
import { Icon } from '../../components/icons';
import { Button, Chip, Empty, ErrorBlock, IconButton, ListSkeleton, useAction, useToast } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtWhen } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { navigate } from '../../lib/router';
import type { TrainingExample, TrainingIntent } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';

const SOURCE_LABEL: Record<string, string> = { file: 'Tệp gốc', console: 'Thêm trên console', review: 'Từ rà soát', seed: 'Tệp gốc' };

function Phrases({ intent, onChanged }: { intent: string; onChanged: () => void }) {
  const toast = useToast();
  const { data, error, reload } = useLoad(() => api.get<TrainingExample[]>(`/api/training/${encodeURIComponent(intent)}`), [intent]);
  useReferenceReload(['training'], reload, (e) => e.id === intent);
  const [text, setText] = useState('');
  const [busy, run] = useAction();
  const [filter, setFilter] = useState('');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    await run(async () => {
      await api.post(`/api/training/${encodeURIComponent(intent)}`, { text: t });
      toast.ok('Đã thêm câu — trợ lý ảo học lại trong vài giây');
      setText('');
      reload();
      onChanged();
    });
  };
  const remove = async (id: string) => {
    try {
      await api.del(`/api/training/examples/${encodeURIComponent(id)}`);
      reload();
      onChanged();
    } catch (err) {
      toast.error(err);
    }
  };
  const shown = (data ?? []).filter((x) => !filter || x.text.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div className="page">
      <div className="page-header">
        <div className="grow">
          <div className="muted small">Ý định</div>
          <h1>
            <span className="mono">{intent}</span>
            {data && <span className="count-pill big-pill">{data.length} câu mẫu</span>}
          </h1>
          <div className="page-subtitle">Người dân hỏi theo những cách dưới đây thì trợ lý ảo hiểu là ý định này. Mỗi thay đổi được học lại trong vài giây.</div>
        </div>
      </div>
      <form className="add-row card" onSubmit={add}>
        <input value={text} onChange={(e) => setText(e.target.value)} placeholder="Thêm câu người dân hay hỏi, ví dụ: “làm giấy khai sinh cho con cần gì”" aria-label="Câu huấn luyện mới" />
        <Button type="submit" variant="primary" busy={busy} disabled={!text.trim()} icon={<Icon.plus size={15} />}>
          Thêm câu
        </Button>
      </form>
      <div className="card">
        <div className="card-head">
          <h3>Câu mẫu</h3>
          <div className="search-box small">
            <Icon.search size={14} />
            <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Lọc…" aria-label="Lọc câu mẫu" />
          </div>
        </div>
        {error && !data ? (
          <div className="pad">
            <ErrorBlock error={error} onRetry={reload} />
          </div>
        ) : !data ? (
          <ListSkeleton rows={6} />
        ) : shown.length === 0 ? (
          <Empty icon={<Icon.sparkles size={26} />} title="Chưa có câu mẫu" />
        ) : (
          <ul className="phrase-list">
            {shown.map((x) => (
              <li key={x.id}>
                <span className="grow">{x.text}</span>
                {x.source && <Chip tone={x.source === 'review' ? 'violet' : x.source === 'console' ? 'blue' : 'gray'}>{SOURCE_LABEL[x.source] ?? x.source}</Chip>}
                <span className="muted small">{fmtWhen(x.createdAt)}</span>
                <IconButton label="Xoá câu" className="xs danger" onClick={() => void remove(x.id)}>
                  <Icon.trash size={14} />
                </IconButton>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

export default function TrainingPage({ intent }: { intent: string | null }) {
  const list = useLoad(() => api.get<TrainingIntent[]>('/api/training'), []);
  useReferenceReload(['training'], list.reload);
  const [q, setQ] = useState('');
  const items = (list.data ?? []).filter((x) => !q || x.intent.includes(q.toLowerCase()));
  useEffect(() => {
    if (!intent && list.data?.length) navigate(`/training/${encodeURIComponent(list.data[0].intent)}`, true);
  }, [intent, list.data]);
  return (
    <div className="split-page">
      <aside className="split-list">
        <div className="split-list-head">
          <div className="search-box">
            <Icon.search size={16} />
            <input type="search" placeholder="Tìm ý định…" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Tìm ý định" />
          </div>
        </div>
        <div className="split-list-body">
          {list.error && !list.data ? (
            <div className="pad">
              <ErrorBlock error={list.error} onRetry={list.reload} />
            </div>
          ) : !list.data ? (
            <ListSkeleton rows={10} />
          ) : (
            items.map((x) => (
              <a key={x.intent} href={`/training/${x.intent}`} className={`split-item row ${x.intent === intent ? 'active' : ''}`} onClick={(e) => (e.preventDefault(), navigate(`/training/${encodeURIComponent(x.intent)}`))}>
                <span className="split-item-title mono">{x.intent}</span>
                <span className={`count-pill ${x.count < 10 ? 'low' : ''}`} title={x.count < 10 ? 'Ít câu mẫu: nên bổ sung' : undefined}>
                  {x.count}
                </span>
              </a>
            ))
          )}
        </div>
      </aside>
      <div className="split-main scroll">{intent ? <Phrases key={intent} intent={intent} onChanged={list.reload} /> : <Empty title="Chọn một ý định" />}</div>
    </div>
  );
}

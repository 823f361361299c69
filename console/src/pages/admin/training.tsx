/** Training phrases per intent; every change retrains the engine in the background. */
import { useEffect, useState, type FormEvent } from 'react';
import { Icon } from '../../components/icons';
import { ListState, SearchBox } from '../../components/list-state';
import { SplitItem, SplitPage } from '../../components/split-page';
import { Button, Chip, Empty, IconButton, useAction, useToast } from '../../components/ui';
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
  const remove = async (id: number) => {
    try {
      await api.del(`/api/training/examples/${id}`);
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
          <div className="page-subtitle">
            Người dân hỏi theo những cách dưới đây thì trợ lý ảo hiểu là ý định này. Mỗi thay đổi được học lại trong vài giây.
          </div>
        </div>
      </div>
      <form className="add-row card" onSubmit={add}>
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Thêm câu người dân hay hỏi, ví dụ: “làm giấy khai sinh cho con cần gì”"
          aria-label="Câu huấn luyện mới"
        />
        <Button type="submit" variant="primary" busy={busy} disabled={!text.trim()} icon={<Icon.plus size={15} />}>
          Thêm câu
        </Button>
      </form>
      <div className="card">
        <div className="card-head">
          <h3>Câu mẫu</h3>
          <SearchBox value={filter} onChange={setFilter} placeholder="Lọc…" label="Lọc câu mẫu" small />
        </div>
        <ListState
          data={data && shown}
          error={error}
          onRetry={reload}
          empty={<Empty icon={<Icon.sparkles size={26} />} title="Chưa có câu mẫu" />}
        >
          {(phrases) => (
            <ul className="phrase-list">
              {phrases.map((x) => (
                <li key={x.id}>
                  <span className="grow">{x.text}</span>
                  {x.source && (
                    <Chip tone={x.source === 'review' ? 'violet' : x.source === 'console' ? 'blue' : 'gray'}>
                      {SOURCE_LABEL[x.source] ?? x.source}
                    </Chip>
                  )}
                  <span className="muted small">{fmtWhen(x.createdAt)}</span>
                  <IconButton label="Xoá câu" className="xs danger" onClick={() => void remove(x.id)}>
                    <Icon.trash size={14} />
                  </IconButton>
                </li>
              ))}
            </ul>
          )}
        </ListState>
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
    <SplitPage
      search={{ value: q, onChange: setQ, placeholder: 'Tìm ý định…', label: 'Tìm ý định' }}
      list={{
        data: list.data && items,
        error: list.error,
        onRetry: list.reload,
        rows: 10,
        children: (intents) =>
          intents.map((x) => (
            <SplitItem key={x.intent} to={`/training/${encodeURIComponent(x.intent)}`} active={x.intent === intent} title={x.intent} mono>
              <span className={`count-pill ${x.count < 10 ? 'low' : ''}`} title={x.count < 10 ? 'Ít câu mẫu: nên bổ sung' : undefined}>
                {x.count}
              </span>
            </SplitItem>
          )),
      }}
      main={intent ? <Phrases key={intent} intent={intent} onChanged={list.reload} /> : <Empty title="Chọn một ý định" />}
      scroll
    />
  );
}

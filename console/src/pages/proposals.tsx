/** Agency answers awaiting approval (approval mode): edit, approve and send, or reject with a reason. */
import { useState } from 'react';
import { Icon } from '../components/icons';
import { ListState } from '../components/list-state';
import { Avatar, Button, Card, Empty, Field, Link, Modal, PageHeader, useKeyedAction } from '../components/ui';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useLoad } from '../lib/hooks';
import { useLiveReload } from '../lib/live';
import type { Proposal } from '../lib/types';

const authorName = (p: Proposal) => p.author ?? 'Đầu mối cơ quan';

function ProposalCard({ p, onDone }: { p: Proposal; onDone: () => void }) {
  const [text, setText] = useState(p.text);
  const [busy, run] = useKeyedAction<'approve' | 'reject'>();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const approve = () =>
    run(
      'approve',
      async () => {
        await api.post(`/api/proposals/${encodeURIComponent(p.id)}/approve`, text.trim() !== p.text.trim() ? { text: text.trim() } : {});
        onDone();
      },
      `Đã duyệt và gửi câu trả lời phiếu ${p.ticketCode}`,
    );
  const reject = () =>
    run(
      'reject',
      async () => {
        await api.post(`/api/proposals/${encodeURIComponent(p.id)}/reject`, { reason: reason.trim() });
        setRejecting(false);
        onDone();
      },
      'Đã trả lại câu trả lời cho cơ quan',
    );
  const edited = text.trim() !== p.text.trim();
  return (
    <Card className="proposal">
      <div className="proposal-head">
        <Avatar name={p.agency?.name ?? authorName(p)} size={36} />
        <div className="grow">
          <div className="strong">{p.agency?.name ?? 'Cơ quan'}</div>
          <div className="muted small">
            {authorName(p)} · {fmtDateTime(p.createdAt)}
          </div>
        </div>
        <Link to={`/tickets/${encodeURIComponent(p.ticketCode)}`} className="mono proposal-code">
          {p.ticketCode} <Icon.external size={13} />
        </Link>
      </div>
      {p.ticketTitle && <div className="proposal-title">{p.ticketTitle}</div>}
      <Field label={edited ? 'Nội dung gửi người dân (đã sửa)' : 'Nội dung gửi người dân'}>
        <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <div className="proposal-actions">
        {edited && (
          <button type="button" className="link-btn small" onClick={() => setText(p.text)}>
            Khôi phục bản gốc
          </button>
        )}
        <span className="grow" />
        <Button variant="ghost" icon={<Icon.undo size={15} />} onClick={() => setRejecting(true)} disabled={!!busy}>
          Trả lại
        </Button>
        <Button
          variant="primary"
          icon={<Icon.check size={15} />}
          busy={busy === 'approve'}
          onClick={() => void approve()}
          disabled={!text.trim()}
        >
          {edited ? 'Duyệt bản đã sửa và gửi' : 'Duyệt và gửi'}
        </Button>
      </div>
      {rejecting && (
        <Modal
          title="Trả lại câu trả lời"
          onClose={() => setRejecting(false)}
          footer={
            <>
              <Button onClick={() => setRejecting(false)}>Huỷ</Button>
              <Button variant="danger" busy={busy === 'reject'} disabled={!reason.trim()} onClick={() => void reject()}>
                Trả lại cơ quan
              </Button>
            </>
          }
        >
          <Field label="Lý do (cơ quan sẽ thấy)">
            <textarea rows={4} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Cần bổ sung căn cứ pháp lý…" />
          </Field>
        </Modal>
      )}
    </Card>
  );
}

export default function ProposalsPage() {
  const { data, error, reload } = useLoad(() => api.get<Proposal[]>('/api/proposals'), []);
  useLiveReload(['ticket'], reload);
  return (
    <div className="page narrow">
      <PageHeader
        title="Duyệt trả lời của cơ quan"
        subtitle="Khi bật chế độ duyệt, câu trả lời của đầu mối cơ quan chờ tổng đài xem lại trước khi gửi người dân."
      />
      <ListState
        data={data}
        error={error}
        onRetry={reload}
        pad={false}
        rows={3}
        empty={
          <Card>
            <Empty icon={<Icon.inboxCheck size={28} />} title="Không có câu trả lời chờ duyệt">
              Câu trả lời mới của các cơ quan sẽ hiện ở đây.
            </Empty>
          </Card>
        }
      >
        {(proposals) => (
          <div className="stack">
            {proposals.map((p) => (
              <ProposalCard key={p.id} p={p} onDone={reload} />
            ))}
          </div>
        )}
      </ListState>
    </div>
  );
}

/** Agency answers awaiting approval (approval mode): edit, approve and send, or reject with a reason. */
import { useState } from 'react';
import { Icon } from '../components/icons';
import { Avatar, Button, Card, Empty, ErrorBlock, Field, Link, ListSkeleton, Modal, PageHeader, useToast } from '../components/ui';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useLoad } from '../lib/hooks';
import { useLiveReload } from '../lib/live';
import type { Proposal } from '../lib/types';

const authorName = (p: Proposal) => (typeof p.author === 'string' ? p.author : (p.author?.name ?? 'Đầu mối cơ quan'));

function ProposalCard({ p, onDone }: { p: Proposal; onDone: () => void }) {
  const toast = useToast();
  const [text, setText] = useState(p.text);
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const approve = async () => {
    setBusy('approve');
    try {
      await api.post(`/api/proposals/${encodeURIComponent(p.id)}/approve`, text.trim() !== p.text.trim() ? { text: text.trim() } : {});
      toast.ok(`Đã duyệt và gửi câu trả lời phiếu ${p.ticketCode}`);
      onDone();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };
  const reject = async () => {
    setBusy('reject');
    try {
      await api.post(`/api/proposals/${encodeURIComponent(p.id)}/reject`, { reason: reason.trim() });
      toast.ok('Đã trả lại câu trả lời cho cơ quan');
      setRejecting(false);
      onDone();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };
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
        <Button variant="primary" icon={<Icon.check size={15} />} busy={busy === 'approve'} onClick={() => void approve()} disabled={!text.trim()}>
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
  const { data, error, reload } = useLoad(async () => {
    const r = await api.get<Proposal[] | { items: Proposal[] }>('/api/proposals');
    return Array.isArray(r) ? r : r.items;
  }, []);
  useLiveReload(['ticket'], reload);
  return (
    <div className="page narrow">
      <PageHeader title="Duyệt trả lời của cơ quan" subtitle="Khi bật chế độ duyệt, câu trả lời của đầu mối cơ quan chờ tổng đài xem lại trước khi gửi người dân." />
      {error && !data ? (
        <ErrorBlock error={error} onRetry={reload} />
      ) : !data ? (
        <ListSkeleton rows={3} />
      ) : data.length === 0 ? (
        <Card>
          <Empty icon={<Icon.inboxCheck size={28} />} title="Không có câu trả lời chờ duyệt">
            Câu trả lời mới của các cơ quan sẽ hiện ở đây.
          </Empty>
        </Card>
      ) : (
        <div className="stack">
          {data.map((p) => (
            <ProposalCard key={p.id} p={p} onDone={reload} />
          ))}
        </div>
      )}
    </div>
  );
}

/** The version history of a knowledge-base item (procedure or service answer): who changed what, with a one-click restore. */
import { useState } from 'react';
import { DiffView } from './form-bits';
import { Icon } from './icons';
import { Button, Chip, Empty, ErrorBlock, Modal, Skeleton, useToast } from './ui';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useLoad } from '../lib/hooks';
import type { ProcedureVersion } from '../lib/types';

export function VersionsDialog({
  kind,
  id,
  current,
  labels,
  onClose,
  onRestored,
}: {
  kind: 'procedures' | 'services';
  id: string;
  current: number;
  labels: Record<string, string>;
  onClose: () => void;
  onRestored: () => void;
}) {
  const toast = useToast();
  const base = `/api/kb/${kind}/${encodeURIComponent(id)}`;
  const { data, error } = useLoad(() => api.get<ProcedureVersion[]>(`${base}/versions`), [base]);
  const [busy, setBusy] = useState<number | null>(null);
  const restore = async (v: number) => {
    setBusy(v);
    try {
      await api.post(`${base}/restore`, { version: v });
      toast.ok(`Đã khôi phục phiên bản ${v} — trợ lý ảo dùng nội dung này sau vài giây`);
      onRestored();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Modal title="Lịch sử phiên bản" icon={<Icon.history size={18} />} onClose={onClose} width={760}>
      {error ? (
        <ErrorBlock error={error} />
      ) : !data ? (
        <Skeleton lines={6} />
      ) : data.length === 0 ? (
        <Empty title="Chưa có phiên bản nào" />
      ) : (
        <ol className="versions">
          {[...data]
            .sort((a, b) => b.version - a.version)
            .map((v) => (
              <li key={v.version} className={v.version === current ? 'current' : ''}>
                <div className="version-head">
                  <span className="version-num">v{v.version}</span>
                  <span className="grow">
                    <b>{v.user ?? 'Nhập từ tệp'}</b> <span className="muted">· {fmtDateTime(v.createdAt)}</span>
                  </span>
                  {v.version === current ? (
                    <Chip tone="green">Đang dùng</Chip>
                  ) : (
                    <Button size="sm" icon={<Icon.restore size={14} />} busy={busy === v.version} onClick={() => void restore(v.version)}>
                      Khôi phục
                    </Button>
                  )}
                </div>
                <DiffView diff={v.diff ?? []} labels={labels} />
              </li>
            ))}
        </ol>
      )}
    </Modal>
  );
}

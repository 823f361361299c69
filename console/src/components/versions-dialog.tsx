/** The version history of a knowledge-base item (procedure or service answer): who changed what, with a one-click restore. */
import { DiffView } from './form-bits';
import { Icon } from './icons';
import { ListState } from './list-state';
import { Button, Chip, Empty, Modal, Skeleton, useKeyedAction } from './ui';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useLoad } from '../lib/hooks';
import type { KbVersion } from '../lib/types';

/** The history dialog; `current` is the version being edited, `labels` name the item's fields in the diffs. */
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
  const base = `/api/kb/${kind}/${encodeURIComponent(id)}`;
  const { data, error } = useLoad(() => api.get<KbVersion[]>(`${base}/versions`), [base]);
  const [busy, run] = useKeyedAction<number>();
  const restore = (v: number) =>
    run(
      v,
      async () => {
        await api.post(`${base}/restore`, { version: v });
        onRestored();
      },
      `Đã khôi phục phiên bản ${v} — trợ lý ảo dùng nội dung này sau vài giây`,
    );
  return (
    <Modal title="Lịch sử phiên bản" icon={<Icon.history size={18} />} onClose={onClose} width={760}>
      <ListState data={data} error={error} pad={false} loading={<Skeleton lines={6} />} empty={<Empty title="Chưa có phiên bản nào" />}>
        {(versions) => (
          <ol className="versions">
            {[...versions]
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
      </ListState>
    </Modal>
  );
}

/** The switch over an answer box between a reply to the citizen and an internal note. */
import type { ReactNode } from 'react';
import { Icon } from './icons';
import { TabButton } from './ui';

/** What the answer box writes: a reply the citizen receives, or a note only staff see. */
export type ReplyMode = 'reply' | 'note';

/** The "Trả lời" / "Ghi chú nội bộ" tabs; `children` follow them in the bar. */
export function ReplyModeTabs({
  mode,
  onChange,
  replyLabel = 'Trả lời',
  children,
}: {
  mode: ReplyMode;
  onChange: (mode: ReplyMode) => void;
  replyLabel?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="composer-tabs" role="tablist">
      <TabButton selected={mode === 'reply'} onClick={() => onChange('reply')}>
        <Icon.send size={14} /> {replyLabel}
      </TabButton>
      <TabButton selected={mode === 'note'} onClick={() => onChange('note')}>
        <Icon.lock size={14} /> Ghi chú nội bộ
      </TabButton>
      {children}
    </div>
  );
}

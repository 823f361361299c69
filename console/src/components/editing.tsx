/** Editing the items of an admin list in a dialog: the add and edit buttons, and which item the dialog has open. */
import { useState, type ReactNode } from 'react';
import { Icon } from './icons';
import { Button, IconButton } from './ui';

/** What an item's dialog gets: `onClose` closes it, `onSaved` closes it and reloads the list. */
export interface EditorDialogProps {
  onClose: () => void;
  onSaved: () => void;
}

/**
 * The item a list edits in its dialog: `edit(item)` opens the dialog on it ('new' for a new one); while
 * `open`, the dialog shows `item` (null for a new one) and gets `props`.
 */
export function useEditing<T>(reload: () => void) {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const props: EditorDialogProps = { onClose: () => setEditing(null), onSaved: () => (setEditing(null), reload()) };
  return {
    edit: (item: T | 'new') => setEditing(item),
    open: editing !== null,
    item: editing === 'new' ? null : editing,
    props,
  };
}

/** The primary "Thêm …" button over a list. */
export function AddButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <Button variant="primary" icon={<Icon.plus size={15} />} onClick={onClick}>
      {children}
    </Button>
  );
}

/** A row's "Sửa" button. */
export function EditButton({ onClick }: { onClick: () => void }) {
  return (
    <IconButton label="Sửa" onClick={onClick}>
      <Icon.edit size={15} />
    </IconButton>
  );
}

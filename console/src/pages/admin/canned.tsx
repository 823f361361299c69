/** Canned replies: operators type `/shortcut` in the composer to insert them. */
import { useState } from 'react';
import { AddButton, EditButton, useEditing, type EditorDialogProps } from '../../components/editing';
import { Icon } from '../../components/icons';
import { ListState } from '../../components/list-state';
import { Button, Card, Empty, Field, FormModal, IconButton, PageHeader, useToast } from '../../components/ui';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/hooks';
import { invalidate } from '../../lib/refdata';
import type { CannedReply } from '../../lib/types';
import { useReferenceReload } from '../../lib/live';

function Editor({ item, onClose, onSaved }: { item: CannedReply | null } & EditorDialogProps) {
  const toast = useToast();
  const [f, setF] = useState({ shortcut: item?.shortcut ?? '', title: item?.title ?? '', text: item?.text ?? '' });
  const submit = async () => {
    const body = { ...f, shortcut: f.shortcut.replace(/^\//, '').trim() };
    if (item) await api.patch(`/api/canned-replies/${item.id}`, body);
    else await api.post('/api/canned-replies', body);
    invalidate('canned');
    toast.ok('Đã lưu câu trả lời mẫu');
    onSaved();
  };
  return (
    <FormModal
      title={item ? 'Sửa câu trả lời mẫu' : 'Thêm câu trả lời mẫu'}
      onClose={onClose}
      submit="Lưu"
      disabled={!f.shortcut.trim() || !f.text.trim()}
      onSubmit={submit}
    >
      <div className="form-grid two">
        <Field label="Phím tắt" hint="Gõ /phím-tắt trong ô trả lời.">
          <input
            value={f.shortcut}
            onChange={(e) => setF({ ...f, shortcut: e.target.value.replace(/\s/g, '') })}
            placeholder="chao"
            className="mono"
          />
        </Field>
        <Field label="Tên">
          <input value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} placeholder="Lời chào" />
        </Field>
      </div>
      <Field label="Nội dung" hint="{ten} được thay bằng tên người dân.">
        <textarea rows={6} value={f.text} onChange={(e) => setF({ ...f, text: e.target.value })} />
      </Field>
    </FormModal>
  );
}

export default function CannedPage() {
  const toast = useToast();
  const { data, error, reload } = useLoad(() => api.get<CannedReply[]>('/api/canned-replies'), []);
  useReferenceReload(['canned'], reload);
  const editing = useEditing<CannedReply>(reload);
  const remove = async (c: CannedReply) => {
    if (!window.confirm(`Xoá câu trả lời mẫu /${c.shortcut}?`)) return;
    try {
      await api.del(`/api/canned-replies/${c.id}`);
      invalidate('canned');
      reload();
    } catch (e) {
      toast.error(e);
    }
  };
  return (
    <div className="page narrow">
      <PageHeader
        title="Câu trả lời mẫu"
        subtitle="Tổng đài viên gõ / rồi phím tắt để chèn nhanh."
        actions={<AddButton onClick={() => editing.edit('new')}>Thêm câu mẫu</AddButton>}
      />
      <Card pad={false}>
        <ListState
          data={data}
          error={error}
          onRetry={reload}
          rows={5}
          empty={
            <Empty
              icon={<Icon.list size={26} />}
              title="Chưa có câu trả lời mẫu"
              action={<Button onClick={() => editing.edit('new')}>Thêm câu đầu tiên</Button>}
            />
          }
        >
          {(replies) => (
            <ul className="canned-list">
              {replies.map((c) => (
                <li key={c.id}>
                  <span className="canned-shortcut">/{c.shortcut.replace(/^\//, '')}</span>
                  <div className="grow">
                    <div className="strong">{c.title}</div>
                    <div className="muted small clamp-2">{c.text}</div>
                  </div>
                  <EditButton onClick={() => editing.edit(c)} />
                  <IconButton label="Xoá" className="danger" onClick={() => void remove(c)}>
                    <Icon.trash size={15} />
                  </IconButton>
                </li>
              ))}
            </ul>
          )}
        </ListState>
      </Card>
      {editing.open && <Editor item={editing.item} {...editing.props} />}
    </div>
  );
}

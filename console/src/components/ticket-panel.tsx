/** The ticket panel: fields edited in place, forward, close, processing log (print and PDF). */
import { Fragment, useState } from 'react';
import { api, download, openHtml } from '../lib/api';
import { fmtDateTime, fmtRemaining, fromLocalInput, toLocalInput } from '../lib/format';
import {
  AGENCY_LEVEL_LABELS,
  CHANNEL_LABELS,
  CONTENT_TYPE_LABELS,
  PRIORITY_LABELS,
  TICKET_STATUS_LABELS,
  durationAfter,
  label,
} from '@wire/labels';
import { fieldName, useFields, useUsers } from '../lib/refdata';
import { useSession } from '../lib/session';
import type { Ticket } from '../lib/types';
import { DateInput } from './date-input';
import { CloseDialog, ForwardDialog } from './dialogs';
import { AgencySelect, CodeSelect, FieldSelect } from './selects';
import { ChannelIcon, Icon } from './icons';
import { Button, Chip, IconButton, PriorityChip, StatusChip, useKeyedAction, useToast } from './ui';

/** Opens the printable processing log in a new tab. */
export function openLog(code: string, toast: { error: (e: unknown) => void }) {
  openHtml(`/api/tickets/${encodeURIComponent(code)}/log`).catch((e) => toast.error(e));
}
/** Downloads the processing log as PDF. */
export function downloadLogPdf(code: string, toast: { error: (e: unknown) => void }) {
  download(`/api/tickets/${encodeURIComponent(code)}/log.pdf`, `nhat-ky-${code}.pdf`).catch((e) => toast.error(e));
}

/** Optional classifications of a ticket, each a code list with a label for "not set". */
const CLASSIFICATIONS: { key: 'contentType' | 'level'; title: string; labels: Readonly<Record<string, string>>; unset: string }[] = [
  { key: 'contentType', title: 'Loại nội dung', labels: CONTENT_TYPE_LABELS, unset: 'Chưa phân loại' },
  { key: 'level', title: 'Cấp thẩm quyền', labels: AGENCY_LEVEL_LABELS, unset: 'Chưa xác định' },
];

/** The panel. `compact` hides the title/content (shown elsewhere on the ticket page). */
export function TicketPanel({ ticket, onChanged, compact }: { ticket: Ticket; onChanged: (t?: Ticket) => void; compact?: boolean }) {
  const { user } = useSession();
  const toast = useToast();
  const isAgency = user.role === 'agency';
  const users = useUsers(!isAgency);
  const fields = useFields();
  const [dialog, setDialog] = useState<'forward' | 'close' | null>(null);
  const [saving, run] = useKeyedAction<string>();
  const [expanded, setExpanded] = useState(false);
  const closed = ticket.status === 'closed';
  const due = !closed ? fmtRemaining(ticket.dueAt) : null;

  // A refused change reloads the ticket, so the panel shows what is saved.
  const patch = async (key: string, body: Record<string, unknown>, ok?: string) =>
    onChanged(await run(key, () => api.patch<Ticket>(`/api/tickets/${encodeURIComponent(ticket.code)}`, body), ok));

  const assigneeOptions = new Map<string, string>();
  for (const u of users.filter((x) => x.role !== 'agency' && x.active !== false)) assigneeOptions.set(u.id, u.displayName);
  if (ticket.assignee) assigneeOptions.set(ticket.assignee.id, ticket.assignee.name);
  if (!isAgency) assigneeOptions.set(user.id, `${user.displayName} (tôi)`);

  return (
    <div className="ticket-panel">
      <div className="tp-head">
        <div className="tp-code">
          <Icon.ticket size={16} />
          <span className="mono">{ticket.code}</span>
          <IconButton
            label="Sao chép mã phiếu"
            className="xs"
            onClick={() => {
              void navigator.clipboard?.writeText(ticket.code);
              toast.ok('Đã sao chép mã phiếu');
            }}
          >
            <Icon.file size={13} />
          </IconButton>
        </div>
        <div className="tp-chips">
          <StatusChip status={ticket.status} />
          <PriorityChip priority={ticket.priority} />
          {due?.overdue && (
            <Chip tone="red">
              <Icon.clock size={11} /> Quá hạn
            </Chip>
          )}
        </div>
      </div>
      {!compact && (
        <div className="tp-subject">
          <div className="tp-title">{ticket.title}</div>
          {ticket.content && ticket.content !== ticket.title && (
            <div className={`tp-content ${expanded ? 'open' : ''}`}>
              {ticket.content}
              {ticket.content.length > 180 && (
                <button type="button" className="link-btn small" onClick={() => setExpanded((x) => !x)}>
                  {expanded ? 'Thu gọn' : 'Xem thêm'}
                </button>
              )}
            </div>
          )}
        </div>
      )}
      <dl className="tp-grid">
        <dt>Trạng thái</dt>
        <dd>
          <CodeSelect
            labels={TICKET_STATUS_LABELS}
            value={ticket.status}
            disabled={saving === 'status' || closed}
            label="Trạng thái"
            only={(s) => !isAgency || ['forwarded', 'in_progress', 'answered', ticket.status].includes(s)}
            onChange={(v) => (v === 'closed' ? setDialog('close') : void patch('status', { status: v }))}
          />
        </dd>
        <dt>Lĩnh vực</dt>
        <dd>
          {isAgency ? (
            <span>{fieldName(fields, ticket.field)}</span>
          ) : (
            <FieldSelect value={ticket.field ?? ''} onChange={(v) => void patch('field', { field: v || null })} />
          )}
        </dd>
        <dt>Mức độ</dt>
        <dd>
          {isAgency ? (
            PRIORITY_LABELS[ticket.priority]
          ) : (
            <CodeSelect
              labels={PRIORITY_LABELS}
              value={ticket.priority}
              label="Mức độ"
              disabled={saving === 'priority'}
              onChange={(v) => void patch('priority', { priority: v })}
            />
          )}
        </dd>
        {CLASSIFICATIONS.map(({ key, title, labels, unset }) => (
          <Fragment key={key}>
            <dt>{title}</dt>
            <dd>
              {isAgency ? (
                label(labels, ticket[key], unset)
              ) : (
                <CodeSelect
                  labels={labels}
                  value={ticket[key] ?? ''}
                  label={title}
                  empty={unset}
                  disabled={saving === key}
                  onChange={(v) => void patch(key, { [key]: v || null })}
                />
              )}
            </dd>
          </Fragment>
        ))}
        <dt>Cơ quan</dt>
        <dd>
          {isAgency ? (
            (ticket.agency?.name ?? '—')
          ) : (
            <AgencySelect
              value={ticket.agency?.code ?? ''}
              onChange={(v) => void patch('agency', { agency: v || null }, v ? 'Đã chuyển phiếu đến cơ quan' : undefined)}
            />
          )}
        </dd>
        {!isAgency && (
          <>
            <dt>Người xử lý</dt>
            <dd>
              <select
                value={ticket.assignee?.id ?? ''}
                aria-label="Người xử lý"
                disabled={saving === 'assignee'}
                onChange={(e) => void patch('assignee', { assignee: e.target.value || null })}
              >
                <option value="">Chưa phân công</option>
                {[...assigneeOptions.entries()].map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </select>
            </dd>
          </>
        )}
        <dt>Hạn xử lý</dt>
        <dd>
          {isAgency ? (
            <span className={due?.overdue ? 'text-danger strong' : ''}>{fmtDateTime(ticket.dueAt)}</span>
          ) : (
            <DateInput
              withTime
              label="Hạn xử lý"
              value={toLocalInput(ticket.dueAt)}
              disabled={saving === 'dueAt' || closed}
              onChange={(v) => {
                const iso = fromLocalInput(v);
                if (iso && (!ticket.dueAt || new Date(iso).getTime() !== new Date(ticket.dueAt).getTime()))
                  void patch('dueAt', { dueAt: iso }, 'Đã đổi hạn xử lý');
              }}
            />
          )}
          {due && ticket.dueAt && <div className={`tp-due ${due.overdue ? 'overdue' : due.soon ? 'soon' : ''}`}>{due.text}</div>}
        </dd>
      </dl>
      {!isAgency && !closed && (
        <div className="tp-actions">
          <Button size="sm" icon={<Icon.forward size={15} />} onClick={() => setDialog('forward')}>
            Chuyển cơ quan
          </Button>
          <Button size="sm" icon={<Icon.check size={15} />} onClick={() => setDialog('close')}>
            Đóng phiếu
          </Button>
        </div>
      )}
      <div className="tp-log">
        <span className="muted small">Nhật ký xử lý</span>
        <span className="grow" />
        <Button size="sm" variant="ghost" icon={<Icon.printer size={15} />} onClick={() => openLog(ticket.code, toast)}>
          Bản in
        </Button>
        <Button size="sm" variant="ghost" icon={<Icon.download size={15} />} onClick={() => downloadLogPdf(ticket.code, toast)}>
          PDF
        </Button>
      </div>
      <dl className="tp-facts">
        <dt>Kênh</dt>
        <dd>
          <ChannelIcon channel={ticket.channel} size={14} /> {label(CHANNEL_LABELS, ticket.channel)}
          {ticket.createdBy === 'bot' ? ' · trợ lý ảo tạo' : ' · tổng đài viên tạo'}
        </dd>
        <dt>Tạo lúc</dt>
        <dd>{fmtDateTime(ticket.createdAt)}</dd>
        {ticket.callerName || ticket.callerPhone ? (
          <>
            <dt>Người gọi</dt>
            <dd>{[ticket.callerName, ticket.callerPhone].filter(Boolean).join(' · ')}</dd>
          </>
        ) : null}
        <dt>Phản hồi đầu</dt>
        <dd>
          {ticket.firstResponseAt
            ? `${fmtDateTime(ticket.firstResponseAt)}, ${durationAfter(ticket.createdAt, ticket.firstResponseAt)}`
            : 'Chưa phản hồi'}
        </dd>
        {ticket.closedAt && (
          <>
            <dt>Đóng lúc</dt>
            <dd>{fmtDateTime(ticket.closedAt)}</dd>
          </>
        )}
        {ticket.resolution && (
          <>
            <dt>Kết quả</dt>
            <dd>{ticket.resolution}</dd>
          </>
        )}
        {ticket.csat !== null && ticket.csat !== undefined && (
          <>
            <dt>Hài lòng</dt>
            <dd className="stars" aria-label={`${ticket.csat} trên 5 sao`}>
              {'★★★★★'.slice(0, ticket.csat)}
              <span className="stars-off">{'★★★★★'.slice(ticket.csat)}</span>
            </dd>
          </>
        )}
      </dl>
      {dialog === 'forward' && (
        <ForwardDialog
          ticket={ticket}
          onClose={() => setDialog(null)}
          onDone={(t) => {
            setDialog(null);
            onChanged(t?.code ? t : undefined);
          }}
        />
      )}
      {dialog === 'close' && (
        <CloseDialog
          ticket={ticket}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            onChanged();
          }}
        />
      )}
    </div>
  );
}

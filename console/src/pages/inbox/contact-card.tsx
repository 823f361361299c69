/** The citizen: identities on every channel, consents to personal-data processing, past tickets, merge with a duplicate. */
import { useState } from 'react';
import { MergeDialog } from '../../components/dialogs';
import { ChannelIcon, Icon } from '../../components/icons';
import { Avatar, Button, Chip, Link, StatusChip } from '../../components/ui';
import { api } from '../../lib/api';
import { fmtDate, fmtWhen } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { CHANNEL_LABELS, label } from '@wire/labels';
import type { Consent, Contact } from '../../lib/types';

/** The consents given through live chat's pre-chat form (Nghị định 13/2023/NĐ-CP): when, and which text version. */
function Consents({ contactId }: { contactId: string }) {
  const { data } = useLoad(() => api.get<Consent[]>(`/api/contacts/${encodeURIComponent(contactId)}/consents`), [contactId]);
  if (!data?.length) return null;
  const last = data[0];
  return (
    <>
      <div className="cc-section-title">Đồng ý xử lý dữ liệu cá nhân</div>
      <div className="pad-x small cc-consent">
        <div>
          Đã đồng ý lúc {fmtWhen(last.givenAt)} qua {label(CHANNEL_LABELS, last.channel)} (phiên bản nội dung{' '}
          <span className="mono">{last.textHash.slice(0, 12)}</span>)
        </div>
        {(last.name || last.phone) && <div className="muted">Khai báo: {[last.name, last.phone].filter(Boolean).join(' · ')}</div>}
        <details>
          <summary>Nội dung đã đồng ý</summary>
          <p className="muted">{last.text}</p>
        </details>
      </div>
    </>
  );
}

export function ContactCard({
  contact,
  currentTicket,
  onMerged,
}: {
  contact: Contact;
  currentTicket?: string | null;
  onMerged: (c: Contact) => void;
}) {
  const [merge, setMerge] = useState(false);
  const name = contact.displayName || contact.phone || contact.email || 'Người dân';
  const past = contact.tickets.filter((t) => t.code !== currentTicket);
  return (
    <div className="contact-card">
      <div className="cc-head">
        <Avatar name={name} size={40} />
        <div className="grow">
          <div className="cc-name">{name}</div>
          <div className="cc-sub">
            {contact.identities.length} kênh · {contact.tickets.length} phiếu
          </div>
        </div>
      </div>
      <dl className="cc-facts">
        <dt>
          <Icon.phoneCall size={14} />
        </dt>
        <dd>
          {contact.phone ? <a href={`tel:${contact.phone}`}>{contact.phone}</a> : <span className="muted">Chưa có số điện thoại</span>}
        </dd>
        <dt>
          <Icon.message size={14} />
        </dt>
        <dd>{contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : <span className="muted">Chưa có email</span>}</dd>
      </dl>
      <Consents contactId={contact.id} />
      <div className="cc-section-title">Kênh liên hệ</div>
      <ul className="cc-identities">
        {contact.identities.map((i) => (
          <li key={i.channel + i.externalId}>
            <ChannelIcon channel={i.channel} size={20} />
            <div className="grow">
              <div className="cc-id-name">
                {label(CHANNEL_LABELS, i.channel)}
                {i.followed === true && (
                  <Chip tone="green" className="xs">
                    Đã quan tâm
                  </Chip>
                )}
                {i.followed === false && (
                  <Chip tone="gray" className="xs">
                    Bỏ quan tâm
                  </Chip>
                )}
              </div>
              <div className="cc-id-sub" title={i.externalId}>
                {i.displayName ? `${i.displayName} · ` : ''}
                <span className="mono">
                  {i.externalId.length > 22 ? `${i.externalId.slice(0, 10)}…${i.externalId.slice(-8)}` : i.externalId}
                </span>
              </div>
            </div>
            <span className="muted small">{fmtWhen(i.lastInteractionAt)}</span>
          </li>
        ))}
      </ul>
      <div className="cc-section-title">Phiếu trước đây</div>
      {past.length === 0 ? (
        <div className="muted small pad-x">Chưa có phiếu nào khác.</div>
      ) : (
        <ul className="cc-tickets">
          {past.slice(0, 8).map((t) => (
            <li key={t.code}>
              <Link to={`/tickets/${encodeURIComponent(t.code)}`} className="cc-ticket">
                <span className="cc-ticket-top">
                  <span className="mono small">{t.code}</span>
                  <StatusChip status={t.status} />
                </span>
                <span className="cc-ticket-title">{t.title}</span>
                <span className="muted small">{fmtDate(t.createdAt)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <div className="cc-foot">
        <Button size="sm" variant="ghost" icon={<Icon.merge size={15} />} onClick={() => setMerge(true)}>
          Gộp hồ sơ trùng
        </Button>
      </div>
      {merge && (
        <MergeDialog
          contact={contact}
          onClose={() => setMerge(false)}
          onDone={(c) => {
            setMerge(false);
            onMerged(c);
          }}
        />
      )}
    </div>
  );
}

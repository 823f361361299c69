/** RFC 3834 loop guard: which mails must not get an automatic answer. */
import { checkAutoReply, type SuppressReason } from '../../../adapters/email/loop-guard';

const OWN = ['1022@dongthap.gov.vn'];

function verdict(headers: Record<string, string | string[]>, from: string | null = 'citizen@gmail.com') {
  const lines = Object.entries(headers).flatMap(([key, v]) =>
    (Array.isArray(v) ? v : [v]).map((value) => ({ key: key.toLowerCase(), value })),
  );
  return checkAutoReply({ headers: lines, from, ownAddresses: OWN });
}

describe('email loop guard', () => {
  test('an ordinary citizen mail may be answered', () => {
    expect(verdict({ 'return-path': '<citizen@gmail.com>', 'content-type': 'text/plain; charset=UTF-8' })).toEqual({
      suppress: false,
      reasons: [],
    });
  });

  test.each<[string, Record<string, string | string[]>, string | null, SuppressReason]>([
    ['Auto-Submitted: auto-replied', { 'auto-submitted': 'auto-replied' }, 'citizen@gmail.com', 'auto-submitted'],
    ['Auto-Submitted: auto-generated', { 'auto-submitted': 'auto-generated' }, 'citizen@gmail.com', 'auto-submitted'],
    ['Auto-Submitted with parameters', { 'auto-submitted': 'auto-notified; owner-email="x@y.vn"' }, 'citizen@gmail.com', 'auto-submitted'],
    ['null Return-Path', { 'return-path': '<>' }, 'citizen@gmail.com', 'null-return-path'],
    ['null Return-Path with spaces', { 'return-path': '< >' }, 'citizen@gmail.com', 'null-return-path'],
    ['MAILER-DAEMON', {}, 'MAILER-DAEMON@mx.example.vn', 'system-sender'],
    ['postmaster', {}, 'Postmaster@example.vn', 'system-sender'],
    ['owner- list address', {}, 'owner-dangvien@lists.example.vn', 'system-sender'],
    ['-request list address', {}, 'tintuc-request@lists.example.vn', 'system-sender'],
    ['no-reply sender', {}, 'no-reply@dichvucong.gov.vn', 'system-sender'],
    ['our own address', {}, '1022@DongThap.gov.vn', 'own-address'],
    ['X-Loop naming us', { 'x-loop': '1022@dongthap.gov.vn' }, 'citizen@gmail.com', 'own-address'],
    ['Precedence: bulk', { precedence: 'bulk' }, 'citizen@gmail.com', 'precedence'],
    ['Precedence: junk', { precedence: 'Junk' }, 'citizen@gmail.com', 'precedence'],
    ['Precedence: list', { precedence: 'list' }, 'citizen@gmail.com', 'precedence'],
    ['List-Id', { 'list-id': '<tintuc.lists.example.vn>' }, 'citizen@gmail.com', 'mailing-list'],
    ['List-Unsubscribe', { 'list-unsubscribe': '<mailto:u@example.vn>' }, 'citizen@gmail.com', 'mailing-list'],
    ['X-Auto-Response-Suppress: All', { 'x-auto-response-suppress': 'All' }, 'citizen@gmail.com', 'auto-response-suppress'],
    ['X-Auto-Response-Suppress: OOF', { 'x-auto-response-suppress': 'DR, OOF' }, 'citizen@gmail.com', 'auto-response-suppress'],
    ['X-Auto-Response-Suppress: AutoReply', { 'x-auto-response-suppress': 'RN,AutoReply' }, 'citizen@gmail.com', 'auto-response-suppress'],
    ['X-Autoreply', { 'x-autoreply': 'yes' }, 'citizen@gmail.com', 'autoreply-header'],
    [
      'delivery report',
      { 'content-type': 'multipart/report; report-type=delivery-status; boundary="b"' },
      'citizen@gmail.com',
      'delivery-report',
    ],
    ['no From at all', {}, null, 'no-sender'],
  ])('%s → suppressed', (_name, headers, from, reason) => {
    const v = verdict(headers, from);
    expect(v.suppress).toBe(true);
    expect(v.reasons).toContain(reason);
  });

  test.each<[string, Record<string, string>]>([
    ['Auto-Submitted: no', { 'auto-submitted': 'no' }],
    ['Auto-Submitted: No (case-insensitive)', { 'auto-submitted': ' No ' }],
    ['Precedence: normal', { precedence: 'normal' }],
    ['X-Auto-Response-Suppress: DR, RN only', { 'x-auto-response-suppress': 'DR, RN, NRN' }],
    ['X-Loop of someone else', { 'x-loop': 'helpdesk@other.vn' }],
  ])('%s → may be answered', (_name, headers) => {
    expect(verdict(headers).suppress).toBe(false);
  });

  test('the top-most Return-Path decides (the final delivery)', () => {
    expect(verdict({ 'return-path': ['<citizen@gmail.com>', '<>'] }).suppress).toBe(false);
  });

  test('several reasons are all reported', () => {
    const v = verdict({ 'return-path': '<>', 'auto-submitted': 'auto-replied' }, 'MAILER-DAEMON@mx.example.vn');
    expect(v.reasons.sort()).toEqual(['auto-submitted', 'null-return-path', 'system-sender']);
  });
});

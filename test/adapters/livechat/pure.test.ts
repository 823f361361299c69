import { parseFrame } from '../../../adapters/livechat/parse';
import type { IntakeFrame } from '../../../adapters/livechat/protocol';
import { outboundToWire, safeHttpUrl } from '../../../adapters/livechat/send';
import { DEFAULT_ALLOWED_MIME_TYPES, validateMessageFrame } from '../../../adapters/livechat/validate';
import { identityHash, issueSessionToken, verifyIdentity, verifySessionToken } from '../../../adapters/livechat/verify';

const SECRET = 's3cret';
const VISITOR = 'v_3f1c2b7e-9a0d-4c41-8e55-0b6a1d2c3e4f';

describe('session tokens', () => {
  test('round trip, tampering, wrong secret, expiry and future issue time', () => {
    const now = Date.UTC(2026, 0, 1);
    const token = issueSessionToken(SECRET, VISITOR, now);
    expect(verifySessionToken(SECRET, token, now)).toBe(VISITOR);
    expect(verifySessionToken('other', token, now)).toBeNull();
    expect(verifySessionToken(SECRET, token.replace(VISITOR, 'v_3f1c2b7e-9a0d-4c41-8e55-0b6a1d2c3e40'), now)).toBeNull();
    expect(verifySessionToken(SECRET, token, now + 181 * 24 * 3600_000)).toBeNull();
    expect(verifySessionToken(SECRET, token, now - 3600_000)).toBeNull();
    expect(verifySessionToken(SECRET, undefined, now)).toBeNull();
    expect(verifySessionToken(SECRET, `${token}.x`, now)).toBeNull();
    // Only anonymous ids are minted: a token cannot carry a verified `u_` identity.
    expect(verifySessionToken(SECRET, issueSessionToken(SECRET, 'u_42', now), now)).toBeNull();
  });
});

describe('identity', () => {
  test('HMAC-SHA256 of the user id, case-insensitive hex; bad ids, hashes and a missing secret refused', () => {
    const hash = identityHash(SECRET, '42');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyIdentity(SECRET, { userId: '42', hash: hash.toUpperCase(), name: '  Trần Thị B ' })).toEqual({
      ok: true,
      visitorId: 'u_42',
      name: 'Trần Thị B',
    });
    expect(verifyIdentity(SECRET, { userId: 42, hash })).toEqual({ ok: true, visitorId: 'u_42', name: undefined });
    expect(verifyIdentity(SECRET, { userId: '43', hash })).toEqual({ ok: false, code: 'identity_invalid' });
    expect(verifyIdentity(SECRET, { userId: 'a:b', hash: identityHash(SECRET, 'a:b') })).toEqual({ ok: false, code: 'identity_invalid' });
    expect(verifyIdentity(undefined, { userId: '42', hash })).toEqual({ ok: false, code: 'identity_unavailable' });
  });
});

describe('parse', () => {
  const frame: IntakeFrame = {
    v: 1,
    kind: 'message',
    visitorId: VISITOR,
    clientId: 'c-1',
    text: 'Xin chào',
    attachments: [{ name: 'a.pdf', mimeType: 'application/pdf', dataBase64: Buffer.from('%PDF-1').toString('base64') }],
    verified: false,
    receivedAt: 1767225600000,
  };

  test('a message frame', () => {
    expect(parseFrame(Buffer.from(JSON.stringify(frame)))).toEqual([
      {
        type: 'message',
        channel: 'livechat',
        externalUserId: VISITOR,
        externalMessageId: `${VISITOR}:c-1`,
        timestamp: 1767225600000,
        text: 'Xin chào',
        attachments: [{ kind: 'file', name: 'a.pdf', mimeType: 'application/pdf', size: 6, data: Buffer.from('%PDF-1') }],
      },
    ]);
  });

  test('a quick reply frame with a verified name', () => {
    const qr: IntakeFrame = {
      ...frame,
      kind: 'quick_reply',
      text: 'Khai sinh',
      attachments: [],
      quickReplyPayload: 'tt_khai_sinh',
      name: 'B',
      verified: true,
    };
    expect(parseFrame(Buffer.from(JSON.stringify(qr)))[0]).toMatchObject({
      type: 'message',
      text: 'Khai sinh',
      quickReplyPayload: 'tt_khai_sinh',
      contact: { displayName: 'B' },
    });
  });

  test('malformed bodies become unsupported events', () => {
    expect(parseFrame(Buffer.from('{oops'))[0]).toMatchObject({ type: 'unsupported', channel: 'livechat' });
    expect(parseFrame(Buffer.from('null'))[0]).toMatchObject({ type: 'unsupported' });
    expect(parseFrame(Buffer.from(JSON.stringify({ ...frame, kind: 'read' })))[0]).toMatchObject({
      type: 'unsupported',
      externalUserId: VISITOR,
    });
  });
});

describe('validate and wire', () => {
  const limits = {
    maxTextLength: 4000,
    maxAttachmentBytes: 5 * 1024 * 1024,
    allowedMimeTypes: DEFAULT_ALLOWED_MIME_TYPES,
    maxAttachments: 3,
  };

  test('file names are cleaned of paths and control characters', () => {
    const v = validateMessageFrame(
      {
        clientId: 'c',
        text: '',
        attachments: [
          { name: '../../etc/\u0000x.pdf', mimeType: 'APPLICATION/PDF', dataBase64: Buffer.from('%PDF-1.4').toString('base64') },
        ],
      },
      limits,
    );
    expect(v).toMatchObject({ ok: true, value: { attachments: [{ name: '....etcx.pdf', mimeType: 'application/pdf' }] } });
    expect(validateMessageFrame({ clientId: 'c', text: 'x', attachments: [1, 2, 3, 4] }, limits)).toEqual({
      ok: false,
      error: 'Mỗi tin nhắn chỉ gửi được tối đa 3 tệp.',
    });
  });

  test('only http(s) URLs reach the browser', () => {
    expect(safeHttpUrl('javascript:alert(1)', 'https://1022.dongthap.gov.vn')).toBeUndefined();
    expect(safeHttpUrl('/a/b.pdf', 'https://1022.dongthap.gov.vn')).toBe('https://1022.dongthap.gov.vn/a/b.pdf');
    const w = outboundToWire(
      {
        id: 'm1',
        channel: 'livechat',
        externalUserId: VISITOR,
        author: 'operator',
        authorName: 'Lan',
        purpose: 'reply',
        text: 'Chào bạn',
        quickReplies: [],
        attachments: [{ kind: 'link', url: 'data:text/html,x', storageKey: 'k' }],
        ticketCode: '1022-2026-000001',
        lastInboundAt: null,
        part: 0,
        parts: 1,
      },
      'https://1022.dongthap.gov.vn',
      5,
    );
    expect(w).toEqual({
      id: 'm1',
      direction: 'out',
      author: 'operator',
      authorName: 'Lan',
      text: 'Chào bạn',
      attachments: [{ kind: 'link' }],
      quickReplies: [],
      externalMessageId: 'm1',
      status: 'sent',
      createdAt: 5,
    });
  });
});

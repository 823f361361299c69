import { createFacebookAdapter } from '../../../adapters/facebook';
import { fixtureParser } from '../contract-suite';
import { APP_ID, FB_CREDENTIALS, PAGE_ID, PSID, PSID2, fixture } from './support';

const adapter = createFacebookAdapter({ ...FB_CREDENTIALS, appId: APP_ID });
const { parse, one, all } = fixtureParser(adapter, fixture);

/** The whole event of a text-only message or echo between the test citizen and the Page, at the fixtures' usual time. */
const textEvent = (type: 'message' | 'echo', externalMessageId: string, text: string) => ({
  type,
  channel: 'facebook',
  account: PAGE_ID,
  externalUserId: PSID,
  externalMessageId,
  timestamp: 1735693200123,
  text,
  attachments: [],
});

describe('messenger parse: messages', () => {
  test('text (\\u-escaped Vietnamese decoded)', () => {
    expect(one('text')).toEqual(
      textEvent(
        'message',
        'm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-text',
        'Xin chào, tôi cần làm lại căn cước công dân bị mất. Thủ tục thế nào ạ?',
      ),
    );
  });

  test('image', () => {
    expect(one('image').attachments).toEqual([
      { kind: 'image', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/470123456_n.jpg?_nc_cat=1&oh=00_A&oe=67A1B2C3' },
    ]);
  });

  test('file, audio, video with text', () => {
    const e = one('attachments');
    expect(e.text).toBe('Hồ sơ của tôi');
    expect(e.attachments.map((a: any) => a.kind)).toEqual(['file', 'audio', 'video']);
    expect(e.attachments[0].url).toBe('https://cdn.fbsbx.com/v/t59.2708-21/to_khai.pdf?oh=1');
  });

  test('sticker', () => {
    expect(one('sticker').attachments[0].kind).toBe('sticker');
  });

  test('location → coordinates', () => {
    expect(one('location').attachments).toEqual([
      {
        kind: 'location',
        latitude: 10.4602,
        longitude: 105.6329,
        url: 'https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.bing.com%2Fmaps',
        name: 'Vị trí của tôi',
      },
    ]);
  });

  test('fallback (shared link) → link', () => {
    expect(one('fallback').attachments).toEqual([{ kind: 'link', url: 'https://dichvucong.gov.vn/', name: 'Cổng Dịch vụ công Quốc gia' }]);
  });

  test('quick reply payload', () => {
    expect(one('quick_reply')).toMatchObject({ type: 'message', text: 'Đúng', quickReplyPayload: 'XAC_NHAN_DUNG' });
  });

  test('batched entries and messaging items are all returned, in order', () => {
    const events = parse('batched');
    expect(events.map((e) => [e.type, e.externalUserId, e.externalMessageId])).toEqual([
      ['message', PSID, 'm_batch_001'],
      ['read', PSID2, 'read:25791364580127743:1735693498000'],
      ['message', PSID2, 'm_batch_002'],
    ]);
  });

  test('standby (another app owns the thread) → recorded, never auto-answered', () => {
    expect(one('standby')).toMatchObject({
      type: 'message',
      externalUserId: PSID,
      suppressAutoReply: true,
      text: 'Tôi vẫn đang chờ trả lời',
    });
  });
});

describe('messenger parse: other events', () => {
  test('postback (Get Started)', () => {
    expect(one('postback')).toMatchObject({
      type: 'postback',
      payload: 'GET_STARTED',
      title: 'Bắt đầu',
      externalMessageId: 'm_postback_001',
      externalUserId: PSID,
    });
  });

  test('delivery → mids + watermark', () => {
    expect(one('delivery')).toMatchObject({
      type: 'delivery',
      externalUserId: PSID,
      messageIds: ['m_sent_001', 'm_sent_002'],
      watermark: 1735693300000,
    });
  });

  test('read → watermark', () => {
    expect(one('read')).toMatchObject({ type: 'read', externalUserId: PSID, watermark: 1735693400000 });
  });

  test('our own echo (our app_id) → unsupported own_echo', () => {
    expect(one('echo_own')).toMatchObject({ type: 'unsupported', reason: 'own_echo', externalUserId: PSID });
  });

  test('own echo is recognized by our metadata marker even without a configured app id', () => {
    const noAppId = createFacebookAdapter(FB_CREDENTIALS);
    expect(noAppId.parse(fixture('echo_own'), 'application/json')[0]).toMatchObject({ type: 'unsupported', reason: 'own_echo' });
  });

  test("another app's echo (Page Inbox: a human answered) → echo to the recipient PSID", () => {
    expect(one('echo_page_inbox')).toEqual(
      textEvent('echo', 'm_echo_inbox_001', 'Chào anh, em là tổng đài viên 1022, em hỗ trợ anh ngay.'),
    );
  });

  test('a bare numeric app_id beyond 2^53 is compared exactly', () => {
    const big = createFacebookAdapter({ ...FB_CREDENTIALS, appId: '90071992547409931' });
    expect(big.parse(fixture('echo_bigint_app'), 'application/json')[0]).toMatchObject({ type: 'unsupported', reason: 'own_echo' });
    const near = createFacebookAdapter({ ...FB_CREDENTIALS, appId: '90071992547409930' });
    expect(near.parse(fixture('echo_bigint_app'), 'application/json')[0]).toMatchObject({ type: 'echo' });
  });

  test('unknown item (reaction) → unsupported', () => {
    expect(one('reaction')).toMatchObject({ type: 'unsupported', reason: 'unknown_event:reaction', externalUserId: PSID });
  });

  // Bodies that are not JSON, or not an object, are the contract suite's (test/adapters/contract-suite.ts).
  test.each([
    ['instagram object', '{"object":"instagram","entry":[]}'],
    ['no entries', '{"object":"page","entry":[]}'],
    ['entry without messaging', '{"object":"page","entry":[{"id":"1","time":1}]}'],
  ])('%s → unsupported, never thrown', (_l, text) => {
    const events = adapter.parse(Buffer.from(text), 'application/json');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.type).toBe('unsupported');
  });

  test('ids are strings', () => {
    for (const e of all(['text', 'batched', 'delivery', 'echo_page_inbox', 'postback'])) {
      expect(typeof e.externalUserId).toBe('string');
      expect(typeof e.externalMessageId).toBe('string');
      expect(typeof e.account).toBe('string');
    }
  });
});

describe('messenger webhook keys', () => {
  const wh = adapter.webhook!;
  const body = (name: string) => JSON.parse(fixture(name).toString());
  test('dedupeKey is null: the core hashes the body, messages are deduped by mid', () => {
    expect(wh.dedupeKey!(body('text'))).toBeNull();
  });
  test('orderingKey: first item sender, or recipient for echoes', () => {
    expect(wh.orderingKey(body('text'))).toBe(PSID);
    expect(wh.orderingKey(body('batched'))).toBe(PSID);
    expect(wh.orderingKey(body('echo_page_inbox'))).toBe(PSID);
    expect(wh.orderingKey(body('standby'))).toBe(PSID);
    expect(wh.orderingKey(fixture('text'))).toBe(PSID);
    expect(wh.orderingKey({ object: 'page', entry: [] })).toBe('facebook:unknown');
  });
});

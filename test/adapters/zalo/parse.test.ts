import { createZaloAdapter } from '../../../adapters/zalo';
import { fixtureParser } from '../contract-suite';
import { OA_ID, USER_ID, ZALO_CONFIG, fixture } from './support';

const adapter = createZaloAdapter(ZALO_CONFIG);
const { parse, one, all } = fixtureParser(adapter, fixture);

describe('zalo parse: citizen messages', () => {
  test('user_send_text', () => {
    expect(one('user_send_text')).toEqual({
      type: 'message',
      channel: 'zalo',
      account: OA_ID,
      externalUserId: USER_ID,
      externalMessageId: '9b5c2f1e7a4d3c2b1a09f8e7d6c5b4a3',
      timestamp: 1735693200123,
      text: 'Xin chào, tôi muốn hỏi thủ tục cấp lại căn cước công dân ở Cao Lãnh',
      attachments: [],
    });
  });

  test('user_send_image keeps the caption and the image URL', () => {
    const e = one('user_send_image');
    expect(e.type).toBe('message');
    expect(e.text).toBe('Ảnh giấy hẹn trả kết quả');
    expect(e.attachments).toEqual([{ kind: 'image', url: 'https://dl-oa.zadn.vn/photo-8420553117316492130.jpg' }]);
  });

  test('user_send_file has name and numeric size', () => {
    const e = one('user_send_file');
    expect(e.text).toBe('');
    expect(e.attachments).toEqual([
      { kind: 'file', url: 'https://f1-zfile.zadn.vn/to-khai-cu01.pdf', name: 'To khai CU01.pdf', size: 248731 },
    ]);
  });

  test.each([
    ['user_send_sticker', 'sticker'],
    ['user_send_gif', 'gif'],
    ['user_send_audio', 'audio'],
    ['user_send_video', 'video'],
  ])('%s → %s attachment', (name, kind) => {
    const e = one(name);
    expect(e.type).toBe('message');
    expect(e.externalUserId).toBe(USER_ID);
    expect(e.attachments).toHaveLength(1);
    expect(e.attachments[0].kind).toBe(kind);
    expect(e.attachments[0].url).toMatch(/^https:\/\//);
  });

  test('user_send_link → link attachment named by its description', () => {
    const e = one('user_send_link');
    expect(e.attachments).toEqual([
      {
        kind: 'link',
        url: 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001612',
        name: 'Cổng Dịch vụ công Quốc gia',
      },
    ]);
  });

  test('user_send_location → coordinates as numbers, address as text', () => {
    const e = one('user_send_location');
    expect(e.text).toBe('Số 12 Đường 30/4, Phường 1, TP Cao Lãnh, Đồng Tháp');
    expect(e.attachments).toEqual([{ kind: 'location', latitude: 10.4602, longitude: 105.6329 }]);
  });
});

describe('zalo parse: other events', () => {
  test('follow / unfollow use `follower` and `oa_id`', () => {
    expect(one('follow')).toMatchObject({ type: 'follow', externalUserId: USER_ID, account: OA_ID, timestamp: 1735690000000 });
    expect(one('unfollow')).toMatchObject({ type: 'unfollow', externalUserId: USER_ID, account: OA_ID });
    expect(one('follow').externalMessageId).not.toBe(one('unfollow').externalMessageId);
  });

  test('user_received_message → delivery of our msg_id; the citizen is the recipient', () => {
    expect(one('user_received_message')).toMatchObject({
      type: 'delivery',
      externalUserId: USER_ID,
      account: OA_ID,
      messageIds: ['c0ffee00112233445566778899aabbcc'],
      externalMessageId: 'user_received_message:c0ffee00112233445566778899aabbcc',
    });
  });

  test('user_seen_message → read with all msg_ids', () => {
    expect(one('user_seen_message')).toMatchObject({
      type: 'read',
      externalUserId: USER_ID,
      messageIds: ['c0ffee00112233445566778899aabbcc', 'c0ffee00112233445566778899aabbcd'],
    });
  });

  test('receipts: a configured OA id picks the citizen even if sides are swapped', () => {
    const withOa = createZaloAdapter({ ...ZALO_CONFIG, oaId: OA_ID });
    const swapped = JSON.parse(fixture('user_seen_message').toString());
    [swapped.sender, swapped.recipient] = [swapped.recipient, swapped.sender];
    const [e] = withOa.parse(Buffer.from(JSON.stringify(swapped)), 'application/json');
    expect(e).toMatchObject({ type: 'read', externalUserId: USER_ID, account: OA_ID });
  });

  test('oa_send_* echo is not a citizen message: unsupported oa_echo addressed to the recipient', () => {
    expect(one('oa_send_text')).toMatchObject({ type: 'unsupported', reason: 'oa_echo', externalUserId: USER_ID, account: OA_ID });
  });

  test('an unknown event is unsupported, never thrown', () => {
    expect(one('unknown_event')).toMatchObject({
      type: 'unsupported',
      reason: 'unknown_event:user_reacted_message',
      externalUserId: USER_ID,
    });
  });

  test.each([
    ['not json', '{"event_name":'],
    ['array', '[1,2]'],
    ['no event name', '{"app_id":"1"}'],
    ['empty', ''],
  ])('malformed body (%s) → unsupported malformed', (_label, text) => {
    const events = adapter.parse(Buffer.from(text), 'application/json');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'unsupported', reason: 'malformed', externalUserId: '' });
  });
});

describe('zalo ids stay strings', () => {
  test('bare numeric ids in JSON are kept exact', () => {
    const e = one('numeric_ids');
    expect(e.externalUserId).toBe('8420553117316492131');
    expect(e.account).toBe('2974318543902785381');
    expect(e.externalMessageId).toBe('9007199254740993');
    expect(e.timestamp).toBe(1735693200999);
    expect(e.text).toBe('Số hồ sơ 000.00.12.H18-250101-0001');
  });

  test('every id of every fixture is a string', () => {
    for (const e of all(['user_send_text', 'follow', 'user_seen_message', 'oa_send_text', 'numeric_ids'])) {
      expect(typeof e.externalUserId).toBe('string');
      expect(typeof e.externalMessageId).toBe('string');
      if (e.account !== undefined) expect(typeof e.account).toBe('string');
      if (e.type === 'read' || e.type === 'delivery') for (const id of e.messageIds ?? []) expect(typeof id).toBe('string');
    }
  });
});

describe('zalo webhook keys', () => {
  const wh = adapter.webhook!;
  const body = (name: string) => JSON.parse(fixture(name).toString());

  test('dedupeKey: msg_id for messages, prefixed for echoes/receipts, name+timestamp+user otherwise', () => {
    expect(wh.dedupeKey!(body('user_send_text'))).toBe('9b5c2f1e7a4d3c2b1a09f8e7d6c5b4a3');
    expect(wh.dedupeKey!(body('user_received_message'))).toBe('user_received_message:c0ffee00112233445566778899aabbcc');
    expect(wh.dedupeKey!(body('oa_send_text'))).toBe('oa_send_text:d1e2f30415263748596a7b8c9d0e1f20');
    expect(wh.dedupeKey!(body('follow'))).toBe(`follow:1735690000000:${USER_ID}`);
  });

  test('dedupeKey equals the parsed event id, and works from raw bytes too', () => {
    for (const name of ['user_send_image', 'follow', 'user_seen_message', 'oa_send_text']) {
      expect(wh.dedupeKey!(body(name))).toBe(parse(name)[0]!.externalMessageId);
      expect(wh.dedupeKey!(fixture(name))).toBe(parse(name)[0]!.externalMessageId);
    }
    expect(wh.dedupeKey!(fixture('numeric_ids'))).toBe('9007199254740993');
    expect(wh.dedupeKey!('not json')).toBeNull();
  });

  test('orderingKey is the citizen on every side of the conversation', () => {
    for (const name of ['user_send_text', 'follow', 'unfollow', 'user_received_message', 'user_seen_message', 'oa_send_text']) {
      expect(wh.orderingKey(body(name))).toBe(USER_ID);
    }
    expect(wh.orderingKey(fixture('numeric_ids'))).toBe('8420553117316492131');
    expect(wh.orderingKey({})).toBe('zalo:unknown');
  });
});

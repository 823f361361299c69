/**
 * Scaling a reply to a channel: texts longer than the channel takes (2,000 characters on Zalo and
 * Messenger) are split at paragraph, then sentence, then word boundaries; quick replies are trimmed
 * to what the channel shows, or written into the text where it has none.
 */
import type { ChannelCapabilities } from '../../src/channels/kit/contract';
import { scaleReply, splitText, truncate } from '../../src/pipeline/scale';

const LIMIT = 2000;
const MESSENGER: ChannelCapabilities = {
  maxTextLength: LIMIT,
  quickReplies: { max: 13, maxTitleLength: 20 },
  attachments: true,
  replyWindowMs: 86_400_000,
  longForm: false,
};
const ZALO: ChannelCapabilities = {
  maxTextLength: LIMIT,
  quickReplies: null,
  attachments: true,
  replyWindowMs: 604_800_000,
  longForm: false,
};

const chars = (s: string) => [...s].length;

/** Numbered Vietnamese sentences joined by single spaces, at least `length` characters long. */
function sentences(length: number): string {
  const out: string[] = [];
  for (let i = 1; out.join(' ').length < length; i++) {
    out.push(`Câu ${i}: hồ sơ đăng ký khai sinh gồm tờ khai theo mẫu, giấy chứng sinh và giấy tờ tùy thân của người đi đăng ký.`);
  }
  return out.join(' ');
}

describe('splitting at 2,000 characters', () => {
  test('a text that fits is one part, trimmed', () => {
    const text = sentences(1900).slice(0, LIMIT);
    expect(splitText(`  ${text}\n`, LIMIT)).toEqual([text.trim()]);
    expect(splitText('', LIMIT)).toEqual(['']);
  });

  test('a long answer is cut at sentence ends into parts of at most 2,000 characters, losing nothing', () => {
    const text = sentences(5000);
    const parts = splitText(text, LIMIT);
    expect(parts.length).toBe(3);
    for (const p of parts) expect(chars(p)).toBeLessThanOrEqual(LIMIT);
    for (const p of parts.slice(0, -1)) expect(p).toMatch(/\.$/);
    for (const p of parts.slice(1)) expect(p).toMatch(/^Câu \d+:/);
    expect(parts.join(' ')).toBe(text);
  });

  test('paragraph breaks come before sentence ends', () => {
    const first = sentences(1200);
    const second = sentences(1500);
    const parts = splitText(`${first}\n\n${second}`, LIMIT);
    expect(parts[0]).toBe(first);
    expect(parts[1].startsWith(second.slice(0, 100))).toBe(true);
  });

  test('a sentence longer than the limit is cut between words', () => {
    const words = Array.from({ length: 400 }, (_, i) => `từ${i}`);
    const text = words.join(' ');
    const parts = splitText(text, LIMIT);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(chars(p)).toBeLessThanOrEqual(LIMIT);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });

  test('a boundary in the first third is not used: no tiny first part', () => {
    const text = `Dạ. ${'x'.repeat(1000)} ${'y'.repeat(1500)}`;
    const [first] = splitText(text, LIMIT);
    expect(first).toBe(`Dạ. ${'x'.repeat(1000)}`);
  });

  test('text without any boundary is cut hard at the limit', () => {
    const token = 'a'.repeat(4500);
    expect(splitText(token, LIMIT).map((p) => p.length)).toEqual([2000, 2000, 500]);
  });

  test('counts characters (code points), so an emoji is never cut in half', () => {
    const text = '😀'.repeat(2500);
    const parts = splitText(text, LIMIT);
    expect(parts.map(chars)).toEqual([2000, 500]);
    expect(parts.join('')).toBe(text);
  });
});

describe('scaling a reply to a channel', () => {
  const choices = [
    { title: 'Hỏi thủ tục khác', payload: 'ask_more' },
    { title: 'Gặp tổng đài viên để được hỗ trợ trực tiếp', payload: 'handover' },
  ];

  test('Messenger: parts of at most 2,000 characters; buttons trimmed to 20 characters', () => {
    const scaled = scaleReply(sentences(4500), choices, MESSENGER);
    expect(scaled.parts.length).toBe(3);
    for (const p of scaled.parts) expect(chars(p)).toBeLessThanOrEqual(LIMIT);
    expect(scaled.quickReplies).toEqual([
      { title: 'Hỏi thủ tục khác', payload: 'ask_more' },
      { title: truncate('Gặp tổng đài viên để được hỗ trợ trực tiếp', 20), payload: 'handover' },
    ]);
    expect(chars(scaled.quickReplies[1].title)).toBe(20);
    expect(scaled.quickReplies[1].title.endsWith('…')).toBe(true);
  });

  test('Messenger: at most 13 buttons', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ title: `Mục ${i + 1}`, payload: `p${i}` }));
    expect(scaleReply('Chọn một mục', many, MESSENGER).quickReplies.map((q) => q.payload)).toEqual(many.slice(0, 13).map((q) => q.payload));
  });

  test('Zalo (no buttons): the choices are numbered at the end of the text, which is then split', () => {
    const scaled = scaleReply(sentences(3000), choices, ZALO);
    expect(scaled.quickReplies).toEqual([]);
    expect(scaled.parts.length).toBe(2);
    for (const p of scaled.parts) expect(chars(p)).toBeLessThanOrEqual(LIMIT);
    expect(scaled.parts[1].endsWith('\n\n1. Hỏi thủ tục khác\n2. Gặp tổng đài viên để được hỗ trợ trực tiếp')).toBe(true);
  });
});

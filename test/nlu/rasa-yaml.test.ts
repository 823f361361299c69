/** Rasa NLU YAML ⇄ TrainingData, and the validity of the bot's own nlu.yml. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROCEDURE_INTENTS, SERVICE_INTENTS } from '../../src/knowledge/schema';
import { loadTrainingData } from '../../src/nlu';
import { parseRasaNluYaml, stripAnnotations, toRasaNluYaml } from '../../src/nlu/rasa-yaml';
import { FALLBACK_INTENT, OUT_OF_SCOPE_INTENT, type TrainingData } from '../../src/nlu/types';
import { DEV_FILES, messageKey, OLD_HELDOUT_FILE, readEvalSet, trainingKeys } from './eval-sets';

const BOT_DIR = join(__dirname, '../../bots/dongthap-1022');

/**
 * The fixed intent catalog (see docs/contract.md, "NLU parse result"): the 33 procedures and the 13 service
 * intents that have examples (all but the fallback).
 */
const CATALOG = [...PROCEDURE_INTENTS, ...SERVICE_INTENTS].filter((intent) => intent !== FALLBACK_INTENT);

const SAMPLE = `version: "3.1"
nlu:
- intent: tra_cuu_phan_anh
  examples: |
    - tra mã phiếu [1022-2026-000123](ma_phieu)
    - phiếu [1022-2025-004512]{"entity": "ma_phieu"} sao rồi
    - [hồ sơ](loai:ho_so) của tui
- intent: chao_hoi
  examples:
  - text: xin chào
  - text: "alo"
- intent: tra_cuu_phan_anh
  examples: |
    - tra phiếu
- synonym: căn cước
  examples: |
    - cccd
    - căn cước công dân
- regex: ma_phieu
  examples: |
    - 1022-\\d{4}-\\d{6}
- lookup: tinh
  examples: |
    - Đồng Tháp
`;

describe('parse', () => {
  test('intents (merged across blocks, annotations removed), synonyms and regexes; lookups ignored', () => {
    expect(parseRasaNluYaml(SAMPLE)).toEqual({
      intents: [
        {
          name: 'tra_cuu_phan_anh',
          examples: ['tra mã phiếu 1022-2026-000123', 'phiếu 1022-2025-004512 sao rồi', 'hồ sơ của tui', 'tra phiếu'],
        },
        { name: 'chao_hoi', examples: ['xin chào', 'alo'] },
      ],
      synonyms: [{ value: 'căn cước', variants: ['cccd', 'căn cước công dân'] }],
      regexes: [{ name: 'ma_phieu', patterns: ['1022-\\d{4}-\\d{6}'] }],
    });
  });

  test('stripAnnotations keeps the annotated words', () => {
    expect(stripAnnotations('[Cao Lãnh](dia_diem) và [Sa Đéc]{"entity": "dia_diem", "value": "sa_dec"}')).toBe('Cao Lãnh và Sa Đéc');
  });

  test('a file without nlu: gives empty data; broken YAML throws', () => {
    expect(parseRasaNluYaml('version: "3.1"\n')).toEqual({ intents: [], synonyms: [], regexes: [] });
    expect(() => parseRasaNluYaml('nlu: [\n')).toThrow();
  });
});

describe('serialize', () => {
  test('round trip: parse(serialize(data)) is data, and the output is Rasa 3.1 YAML', () => {
    const data: TrainingData = {
      intents: [
        {
          name: 'tt_khai_sinh',
          examples: ['khai sinh', 'làm giấy khai sinh cần gì?', '- gạch đầu dòng', '# không phải chú thích', 'có "ngoặc" và: dấu hai chấm'],
        },
        { name: 'chao_hoi', examples: ['chào', '👋'] },
      ],
      synonyms: [{ value: 'giấy phép lái xe', variants: ['gplx', 'bằng lái'] }],
      regexes: [{ name: 'ma_phieu', patterns: ['1022-\\d{4}-\\d{6}', '[A-Z]\\d{2}\\.\\d{2}'] }],
    };
    const yaml = toRasaNluYaml(data);
    expect(yaml.startsWith('version: "3.1"\nnlu:\n')).toBe(true);
    expect(parseRasaNluYaml(yaml)).toEqual(data);
    expect(parse(yaml)).toMatchObject({ version: '3.1' });
  });

  test('round trip of the bot file keeps every example', () => {
    const data = loadTrainingData(BOT_DIR);
    expect(parseRasaNluYaml(toRasaNluYaml(data))).toEqual(data);
  });
});

describe("the bot's training data (nlu.yml and nlu-citizens.yml)", () => {
  const data = loadTrainingData(BOT_DIR);

  test.each(['nlu.yml', 'nlu-citizens.yml'])('%s is Rasa 3.1 YAML (version is the string "3.1")', (file) => {
    const doc = parse(readFileSync(join(BOT_DIR, file), 'utf8')) as { version: unknown; nlu: unknown[] };
    expect(doc.version).toBe('3.1');
    expect(Array.isArray(doc.nlu)).toBe(true);
  });

  test('has every catalog intent and out_of_scope, no other, each with at least 20 examples', () => {
    expect(CATALOG).toHaveLength(33 + 13);
    expect(data.intents.map((i) => i.name).sort()).toEqual([...CATALOG, OUT_OF_SCOPE_INTENT].sort());
    for (const intent of data.intents)
      expect({ intent: intent.name, enough: intent.examples.length >= 20 }).toEqual({ intent: intent.name, enough: true });
  });

  test("merges the files by intent: nlu.yml's examples first, then the citizens' messages", () => {
    const own = parseRasaNluYaml(readFileSync(join(BOT_DIR, 'nlu.yml'), 'utf8'));
    const citizens = parseRasaNluYaml(readFileSync(join(BOT_DIR, 'nlu-citizens.yml'), 'utf8'));
    const births = data.intents.find((i) => i.name === 'tt_khai_sinh')?.examples;
    expect(births).toEqual([
      ...(own.intents.find((i) => i.name === 'tt_khai_sinh')?.examples ?? []),
      ...(citizens.intents.find((i) => i.name === 'tt_khai_sinh')?.examples ?? []),
    ]);
    expect(citizens.intents.reduce((n, i) => n + i.examples.length, 0)).toBeGreaterThan(1800);
    expect(data.synonyms).toEqual(own.synonyms);
  });

  test('no example is given to two intents', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const intent of data.intents) {
      for (const ex of intent.examples) {
        const other = owner.get(messageKey(ex));
        if (other && other !== intent.name) clashes.push(`${ex}: ${other} / ${intent.name}`);
        owner.set(messageKey(ex), intent.name);
      }
    }
    expect(clashes).toEqual([]);
  });

  test.each([
    ['the older held-out set (test/nlu/heldout.jsonl)', OLD_HELDOUT_FILE, 300],
    ...DEV_FILES.map((f): [string, string, number] => [`${f.about} (test/nlu/${f.file})`, f.file, f.minLines]),
  ])('shares no message with %s', (_, file, min) => {
    const training = new Set(trainingKeys(data));
    const texts = readEvalSet(file).map((i) => i.text);
    expect(texts.length).toBeGreaterThanOrEqual(min);
    expect(texts.filter((t) => training.has(messageKey(t)))).toEqual([]);
  });

  test('its regexes compile in JavaScript', () => {
    expect(data.regexes.flatMap((r) => r.patterns).length).toBeGreaterThan(0);
    for (const { patterns } of data.regexes) for (const p of patterns) expect(() => new RegExp(p, 'u')).not.toThrow();
  });
});

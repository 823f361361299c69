/**
 * The live knowledge base in a real database (PGlite, and PostgreSQL when TEST_DATABASE_URL is set):
 * seeded from `knowledge/`, read by the bot, matched by place names, and exported back to files
 * with the same content — edits included, invalid rows refused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadBotDefinition } from '../../src/bot/definition';
import { LiveKnowledge } from '../../src/knowledge/view';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { seedKnowledge } from '../../src/knowledge/seed';
import { exportKnowledge, hasKnowledgeTables, readKnowledgeFromDb, sortAgencies, sortFields, sortServices } from '../../src/knowledge/export-db';
import { KnowledgeError, readKnowledge } from '../../src/knowledge/read-files';
import { PROCEDURE_INTENTS, type KnowledgeSeed } from '../../src/knowledge/schema';
import { suggestAgency } from '../../src/pipeline/suggest-agency';
import { databaseKinds, freshDatabaseUrl, openTestDatabase } from '../support/databases';
import { tempDirs } from '../support/temp-dirs';

const ROOT = join(__dirname, '../..');
const KNOWLEDGE_DIR = join(ROOT, 'knowledge');
const NO_TRAINING = { intents: [], synonyms: [], regexes: [] };
// Starting PGlite compiles its WebAssembly: seconds on an idle machine, much longer on a busy one.
const START_TIMEOUT = 180_000;

/** The seed in the order an export writes it (the tables keep no order). */
function inExportOrder(seed: KnowledgeSeed): KnowledgeSeed {
  return {
    procedures: [...seed.procedures].sort((a, b) => (a.intent < b.intent ? -1 : 1)),
    services: sortServices(seed.services),
    fields: sortFields(seed.fields),
    agencies: sortAgencies(seed.agencies),
  };
}

const tempDir = tempDirs('kb-export-');

describe.each(databaseKinds())('the live knowledge base on %s', (kind) => {
  let db: Database;
  let files: KnowledgeSeed;
  beforeAll(async () => {
    db = await openTestDatabase(await freshDatabaseUrl(kind), tempDir());
    await migrate(db);
    files = readKnowledge(KNOWLEDGE_DIR);
    const seeded = await seedKnowledge(db, files, NO_TRAINING);
    expect(seeded).toMatchObject({ procedures: 33, services: files.services.length, fields: files.fields.length, agencies: files.agencies.length });
  }, START_TIMEOUT);
  afterAll(async () => {
    await db?.close();
  });

  test('exports to files with the same content as knowledge/', async () => {
    expect(await hasKnowledgeTables(db)).toBe(true);
    const out = tempDir();
    const counts = await exportKnowledge(db, out);
    expect(counts).toEqual({ procedures: 33, services: files.services.length, fields: files.fields.length, agencies: files.agencies.length });
    expect(readKnowledge(out)).toEqual(inExportOrder(files));
  });

  test('the bot answers every procedure and every service intent it asks for from the seeded database', async () => {
    const kb = new LiveKnowledge(db, loadBotDefinition(join(ROOT, 'bots/dongthap-1022')));
    await kb.reload();
    for (const intent of PROCEDURE_INTENTS) {
      expect([intent, kb.procedureAnswer(intent, 'short') !== null, kb.title(intent) !== null]).toEqual([intent, true, true]);
    }
    for (const intent of ['khan_cap_113', 'khan_cap_114', 'khan_cap_115', 'chao_hoi', 'cam_on_tam_biet', 'thong_tin_tong_dai', 'tra_cuu_ho_so', 'khieu_nai_to_cao']) {
      expect([intent, kb.serviceAnswer(intent)?.id]).toEqual([intent, intent]);
    }
    expect(kb.field('tt_cap_so_do')).toBe('dat_dai');
  });

  test('place names in a citizen message point to the commune or ward, with or without diacritics', async () => {
    const cases: [string, string | null][] = [
      ['Đèn đường trước số 12 đường Lê Lợi, phường Cao Lãnh bị hư mấy ngày nay', 'phuong_cao_lanh'],
      ['den duong o phuong cao lanh bi hu', 'phuong_cao_lanh'],
      ['Nhà em ở TP Sa Đéc, cúp nước từ sáng', 'phuong_sa_dec'],
      ['xin hỏi ở Mỹ Tho làm căn cước ở đâu', 'phuong_my_tho'],
      ['ấp 3 xã Mỹ Thọ, huyện Cao Lãnh cũ bị ngập', 'xa_my_tho'],
      ['ở huyện Cao Lãnh cũ đường bị sạt lở', 'xa_my_tho'],
      ['cây ngã ở Gò Công Tây, gần chợ', 'xa_vinh_binh'],
      ['rác ở phường Gò Công không ai dọn', 'phuong_go_cong'],
      ['vuon quoc gia Tram Chim bi chay', 'xa_tram_chim'],
      ['Tôi ở Hà Nội', null],
    ];
    for (const [text, code] of cases) expect([text, (await suggestAgency(db, text))?.code ?? null]).toEqual([text, code]);
  });

  test('an edit in the database shows in the export; a deactivated agency is left out', async () => {
    await db.query(`UPDATE kb_procedures SET data = jsonb_set(data, '{fee}', to_jsonb($1::text)) WHERE intent = 'tt_khai_sinh'`, ['Miễn lệ phí (đã sửa trên bảng điều khiển).']);
    await db.query(`UPDATE agencies SET active = false WHERE code = 'cap_nuoc'`);
    try {
      const out = tempDir();
      await exportKnowledge(db, out);
      const exported = readKnowledge(out);
      expect(exported.procedures.find((p) => p.intent === 'tt_khai_sinh')?.fee).toBe('Miễn lệ phí (đã sửa trên bảng điều khiển).');
      expect(exported.agencies.some((a) => a.code === 'cap_nuoc')).toBe(false);
      expect(exported.agencies).toHaveLength(files.agencies.length - 1);
    } finally {
      const original = files.procedures.find((p) => p.intent === 'tt_khai_sinh')!;
      await db.query(`UPDATE kb_procedures SET data = $1::jsonb WHERE intent = 'tt_khai_sinh'`, [JSON.stringify(original)]);
      await db.query(`UPDATE agencies SET active = true WHERE code = 'cap_nuoc'`);
    }
  });

  test('an invalid live row is refused with the row and the field, and nothing is written', async () => {
    await db.query(`UPDATE kb_procedures SET data = data - 'documents' WHERE intent = 'tt_khai_tu'`);
    await db.query(`UPDATE kb_services SET data = jsonb_set(data, '{field}', '"khong_co"') WHERE id = 'vi_pham'`);
    try {
      const out = tempDir();
      const err = await exportKnowledge(db, out).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KnowledgeError);
      expect((err as KnowledgeError).problems).toEqual([expect.stringMatching(/^kb_procedures "tt_khai_tu": field "documents": /)]);
      expect(readdirSync(out)).toEqual([]);

      await db.query(`UPDATE kb_procedures SET data = $1::jsonb WHERE intent = 'tt_khai_tu'`, [JSON.stringify(files.procedures.find((p) => p.intent === 'tt_khai_tu'))]);
      await expect(readKnowledgeFromDb(db)).rejects.toMatchObject({ problems: ['services.yml: field "answers.' + sortServices(files.services).findIndex((s) => s.id === 'vi_pham') + '.field": unknown field code "khong_co" (see fields.csv)'] });
    } finally {
      await db.query(`UPDATE kb_procedures SET data = $1::jsonb WHERE intent = 'tt_khai_tu'`, [JSON.stringify(files.procedures.find((p) => p.intent === 'tt_khai_tu'))]);
      await db.query(`UPDATE kb_services SET data = data - 'field' WHERE id = 'vi_pham'`);
    }
    expect(readKnowledge(KNOWLEDGE_DIR)).toBeTruthy();
    expect(await readKnowledgeFromDb(db)).toEqual(inExportOrder(files));
  });
});

describe('exporting an empty database', () => {
  test('is refused, so the reviewed files are never wiped', async () => {
    const db = await openDatabase('memory://', tempDir());
    try {
      expect(await hasKnowledgeTables(db)).toBe(false);
      await migrate(db);
      expect(await hasKnowledgeTables(db)).toBe(true);
      const out = tempDir();
      await expect(exportKnowledge(db, out)).rejects.toThrow(/holds no procedures/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      await db.close();
    }
  }, START_TIMEOUT);
});

describe('npm run export:knowledge', () => {
  test('exports the embedded database of DATA_DIR to --out', async () => {
    const dataDir = tempDir();
    const db = await openDatabase(undefined, dataDir);
    await migrate(db);
    await seedKnowledge(db, readKnowledge(KNOWLEDGE_DIR), NO_TRAINING);
    await db.close();

    const out = join(tempDir(), 'kb');
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', KNOWLEDGE_DIR: join(tempDir(), 'unused') };
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const run = spawnSync(tsx, ['scripts/export-knowledge.ts', '--out', out], { cwd: ROOT, env, encoding: 'utf8', timeout: START_TIMEOUT });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/Exported to .*: 33 procedures, 15 service answers, \d+ fields, \d+ agencies\./);
    expect(readKnowledge(out)).toEqual(inExportOrder(readKnowledge(KNOWLEDGE_DIR)));

    const bad = spawnSync(tsx, ['scripts/export-knowledge.ts', '--bogus'], { cwd: ROOT, env, encoding: 'utf8', timeout: START_TIMEOUT });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown argument "--bogus"/);

    const noDb = spawnSync(tsx, ['scripts/export-knowledge.ts'], { cwd: ROOT, env: { ...env, DATA_DIR: join(tempDir(), 'none') }, encoding: 'utf8', timeout: START_TIMEOUT });
    expect(noDb.status).toBe(1);
    expect(noDb.stderr).toMatch(/No embedded database under DATA_DIR/);
    expect(existsSync(env.KNOWLEDGE_DIR)).toBe(false);
  }, 3 * START_TIMEOUT);
});

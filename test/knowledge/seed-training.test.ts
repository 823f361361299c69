/**
 * Training phrases seeded from the bot's files (PGlite, and PostgreSQL when TEST_DATABASE_URL is
 * set): all of them on a first start; after an upgrade, only the phrases the new release added; a
 * phrase an admin deleted is not brought back; and a database seeded before `training_seeds`
 * existed remembers what it was offered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { deleteExample } from '../../src/knowledge/store';
import { liveTrainingData, seedKnowledge } from '../../src/knowledge/seed';
import type { KnowledgeSeed } from '../../src/knowledge/schema';
import type { TrainingData } from '../../src/nlu/types';
import { logEvent } from '../../src/store/events';
import { databaseKinds, freshDatabaseUrl, openTestDatabase } from '../support/databases';
import { tempDirs } from '../support/temp-dirs';

const NO_KNOWLEDGE: KnowledgeSeed = { procedures: [], services: [], fields: [], agencies: [] };
const START_TIMEOUT = 180_000;
const tempDir = tempDirs('seed-training-');

function training(intents: Record<string, string[]>): TrainingData {
  return { intents: Object.entries(intents).map(([name, examples]) => ({ name, examples })), synonyms: [], regexes: [] };
}

async function phrases(db: Database): Promise<Record<string, string[]>> {
  const live = await liveTrainingData(db, training({}));
  return Object.fromEntries(live.intents.map((i) => [i.name, i.examples]));
}

describe.each(databaseKinds())('training phrases from the files on %s', (kind) => {
  let db: Database;
  beforeEach(async () => {
    db = await openTestDatabase(await freshDatabaseUrl(kind), tempDir());
    await migrate(db);
  }, START_TIMEOUT);
  afterEach(async () => {
    await db?.close();
  });

  test("a release's new phrases reach a seeded database; deleted ones stay deleted; admins' phrases stay", async () => {
    const first = training({ tt_khai_sinh: ['làm khai sinh', 'khai sinh ở đâu'], chao_hoi: ['chào'] });
    expect((await seedKnowledge(db, NO_KNOWLEDGE, first)).examples).toBe(3);
    expect(await phrases(db)).toEqual({ chao_hoi: ['chào'], tt_khai_sinh: ['làm khai sinh', 'khai sinh ở đâu'] });

    // An admin deletes a seeded phrase and adds one of their own.
    const r = await db.query<{ id: number }>(`SELECT id FROM training_examples WHERE text = 'khai sinh ở đâu'`);
    expect(await deleteExample(db, Number(r.rows[0].id))).toEqual({ intent: 'tt_khai_sinh', text: 'khai sinh ở đâu' });
    await db.query(`INSERT INTO training_examples (intent, text, source) VALUES ('chao_hoi', 'alo tổng đài', 'admin')`);

    // The next release adds a phrase to an intent and a file of citizens' messages.
    const next = training({
      tt_khai_sinh: ['làm khai sinh', 'khai sinh ở đâu', 'khai sanh cho con'],
      chao_hoi: ['chào'],
      out_of_scope: ['giá vàng hôm nay'],
    });
    expect((await seedKnowledge(db, NO_KNOWLEDGE, next)).examples).toBe(2);
    expect(await phrases(db)).toEqual({
      chao_hoi: ['chào', 'alo tổng đài'],
      out_of_scope: ['giá vàng hôm nay'],
      tt_khai_sinh: ['làm khai sinh', 'khai sanh cho con'],
    });
    // Started again with the same files: nothing to add (known by the files' fingerprint, and by
    // comparing every phrase when the fingerprint is gone).
    expect((await seedKnowledge(db, NO_KNOWLEDGE, next)).examples).toBe(0);
    await db.query(`DELETE FROM kv_state WHERE key = 'training:files-offered'`);
    expect((await seedKnowledge(db, NO_KNOWLEDGE, next)).examples).toBe(0);
    expect(await phrases(db)).toEqual({
      chao_hoi: ['chào', 'alo tổng đài'],
      out_of_scope: ['giá vàng hôm nay'],
      tt_khai_sinh: ['làm khai sinh', 'khai sanh cho con'],
    });
  });

  test('a database seeded before training_seeds remembers its seeded and its deleted phrases', async () => {
    // What such a database holds: seeded phrases, an admin's phrase, and the log of a deletion.
    await db.query(`DELETE FROM training_seeds`);
    await db.query(`INSERT INTO training_examples (intent, text) VALUES ('tt_khai_sinh', 'làm khai sinh')`);
    await db.query(`INSERT INTO training_examples (intent, text, source) VALUES ('chao_hoi', 'alo', 'admin')`);
    await logEvent(db, { type: 'training_phrase_deleted', actor: { kind: 'admin', name: 'admin' }, data: { id: 9, intent: 'tt_khai_sinh', text: 'khai sinh ở đâu' } });
    // The migration's own statements, run again on that content.
    const sql = readFileSync(join(__dirname, '../../src/db/migrations/017_training_seeds.sql'), 'utf8');
    await db.query(sql.slice(sql.indexOf('INSERT INTO training_seeds')));
    const seeds = await db.query<{ intent: string; text: string }>('SELECT intent, text FROM training_seeds ORDER BY text');
    expect(seeds.rows).toEqual([
      { intent: 'tt_khai_sinh', text: 'khai sinh ở đâu' },
      { intent: 'tt_khai_sinh', text: 'làm khai sinh' },
    ]);
    const files = training({ tt_khai_sinh: ['làm khai sinh', 'khai sinh ở đâu', 'khai sanh cho con'] });
    expect((await seedKnowledge(db, NO_KNOWLEDGE, files)).examples).toBe(1);
    expect(await phrases(db)).toEqual({ chao_hoi: ['alo'], tt_khai_sinh: ['làm khai sinh', 'khai sanh cho con'] });
  });
});

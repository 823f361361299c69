/** The benchmark's baseline: a bare Express handler doing one INSERT per request (same database kind). */
import express from 'express';
import { openDatabase } from '../src/db/database';

async function main(): Promise<void> {
  const db = await openDatabase(process.env.DATABASE_URL, process.env.DATA_DIR ?? './data-baseline');
  await db.query('CREATE TABLE IF NOT EXISTS bench_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body bytea NOT NULL)');
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/insert', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    await db.query('INSERT INTO bench_baseline (body) VALUES ($1)', [req.body]);
    res.json({ ok: true });
  });
  app.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => void db.close().then(() => process.exit(0)));
}

void main();

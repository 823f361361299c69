/**
 * The knowledge base editor (procedures and service answers with versions, diff and restore, per-channel
 * preview), training phrases, "try the bot" and the review queue. See docs/console-api.md ("Admin").
 */
import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { PROCEDURE_INTENTS, SERVICE_INTENTS } from '../knowledge/schema';
import { FALLBACK_INTENT } from '../nlu/types';
import { actorOf } from '../operations/conversation-actions';
import { kbItemOr404, kbVersions, previewAnswer, restoreKbVersion, saveKbItem, tryBot } from '../operations/kb-edit';
import { scheduleRetrain } from '../operations/retrain';
import { logEvent } from '../store/events';
import { isUuid } from '../store/inbox';
import { announceChange } from '../realtime/announce';
import {
  deleteExample,
  insertExample,
  listExamples,
  listProcedures,
  listServices,
  resolveReview,
  reviewQueue,
  trainedIntents,
  trainingCounts,
  type KbKind,
} from '../store/kb';
import { foldDiacritics } from '../text/fold';

/** `{<key>: {...}, baseVersion}` → the data and the version it was edited from. */
function saveBody(key: 'procedure' | 'service', raw: Record<string, unknown>): { data: Record<string, unknown>; baseVersion: number } {
  return z
    .object({
      data: z.record(z.string(), z.unknown(), { error: `Cần gửi ${key}` }),
      baseVersion: z.number({ error: 'Cần gửi baseVersion (phiên bản đang sửa)' }).int().min(1),
    })
    .parse({ data: raw[key], baseVersion: raw.baseVersion });
}
const restoreBody = z.object({ version: z.number().int().min(1), baseVersion: z.number().int().min(1).optional() });
const phrase = z.string().trim().min(2, 'Câu mẫu quá ngắn').max(500);

/** Knowledge-base, training and review routes. */
export function kbRouter(ctx: AppContext): Router {
  const r = Router();
  const admin = requireRole('admin');
  const readers = requireRole('admin', 'supervisor');

  const knownIntent = async (intent: string) => {
    const fixed: readonly string[] = [...PROCEDURE_INTENTS, ...SERVICE_INTENTS];
    if (intent === FALLBACK_INTENT) throw new HttpError(400, 'Không thêm câu mẫu cho ý định nlu_fallback');
    if (!fixed.includes(intent) && !(await trainedIntents(ctx.db)).has(intent)) throw new HttpError(400, `Không có ý định ${intent}`);
  };

  // Procedures and services share the same routes.
  for (const [kind, path, key] of [
    ['procedure', 'procedures', 'procedure'],
    ['service', 'services', 'service'],
  ] as [KbKind, string, 'procedure' | 'service'][]) {
    r.get(`/kb/${path}`, readers, async (req, res) => {
      const q = z.object({ q: z.string().max(200).optional(), field: z.string().max(80).optional() }).parse(req.query);
      const needle = q.q ? foldDiacritics(q.q) : '';
      const items = (kind === 'procedure' ? await listProcedures(ctx.db) : await listServices(ctx.db)).filter(
        (i) => (!q.field || i.field === q.field) && (!needle || foldDiacritics(`${i.id} ${i.intent} ${i.title}`).includes(needle)),
      );
      res.json(items.map(({ id, ...rest }) => (kind === 'procedure' ? rest : { id, ...rest })));
    });

    r.get(`/kb/${path}/:id`, readers, async (req, res) => {
      const item = await kbItemOr404(ctx, kind, String(req.params.id));
      res.json({ [key]: item.data, version: item.version, updatedAt: item.updatedAt, updatedBy: item.updatedBy });
    });

    r.put(`/kb/${path}/:id`, admin, async (req, res) => {
      const body = saveBody(key, (req.body ?? {}) as Record<string, unknown>);
      const saved = await saveKbItem(ctx, currentUser(req), kind, String(req.params.id), body.data, body.baseVersion);
      announceChange(ctx, path as 'procedures' | 'services', currentUser(req), { id: String(req.params.id), version: saved.version });
      const item = await kbItemOr404(ctx, kind, String(req.params.id));
      res.json({ [key]: item.data, version: saved.version, diff: saved.diff, updatedAt: item.updatedAt, updatedBy: item.updatedBy });
    });

    r.get(`/kb/${path}/:id/versions`, readers, async (req, res) => {
      res.json(await kbVersions(ctx, kind, String(req.params.id)));
    });

    r.post(`/kb/${path}/:id/restore`, admin, async (req, res) => {
      const body = restoreBody.parse(req.body ?? {});
      const saved = await restoreKbVersion(ctx, currentUser(req), kind, String(req.params.id), body.version, body.baseVersion ?? null);
      announceChange(ctx, path as 'procedures' | 'services', currentUser(req), { id: String(req.params.id), version: saved.version });
      const item = await kbItemOr404(ctx, kind, String(req.params.id));
      res.json({ [key]: item.data, version: saved.version, diff: saved.diff, updatedAt: item.updatedAt, updatedBy: item.updatedBy });
    });
  }

  r.post('/kb/preview', readers, async (req, res) => {
    const body = z.object({ procedure: z.unknown().optional(), service: z.unknown().optional() }).parse(req.body ?? {});
    if (body.procedure === undefined && body.service === undefined) throw new HttpError(400, 'Cần gửi procedure hoặc service để xem trước');
    res.json(previewAnswer(ctx, body));
  });

  // ---- Training phrases ----
  r.get('/training', readers, async (_req, res) => {
    res.json(await trainingCounts(ctx.db));
  });

  r.get('/training/:intent', readers, async (req, res) => {
    res.json(await listExamples(ctx.db, String(req.params.intent)));
  });

  r.post('/training/:intent', admin, async (req, res) => {
    const user = currentUser(req);
    const intent = String(req.params.intent);
    await knownIntent(intent);
    const body = z.object({ text: phrase }).parse(req.body ?? {});
    const added = await insertExample(ctx.db, intent, body.text, 'console', user.id);
    if (!added) throw new HttpError(409, 'Câu mẫu này đã có trong ý định');
    await logEvent(ctx.db, { type: 'training_phrase_added', actor: actorOf(user), data: { intent, text: body.text, id: added.id } });
    announceChange(ctx, 'training', user, { id: intent });
    void scheduleRetrain(ctx);
    res.status(201).json(added);
  });

  r.delete('/training/examples/:id', admin, async (req, res) => {
    const user = currentUser(req);
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'Không tìm thấy câu mẫu');
    const removed = await deleteExample(ctx.db, id);
    if (!removed) throw new HttpError(404, 'Không tìm thấy câu mẫu');
    await logEvent(ctx.db, { type: 'training_phrase_deleted', actor: actorOf(user), data: { id, ...removed } });
    announceChange(ctx, 'training', user, { id: removed.intent });
    void scheduleRetrain(ctx);
    res.status(204).end();
  });

  r.post('/bot/try', readers, async (req, res) => {
    const body = z.object({ text: z.string().trim().min(1, 'Cần nhập câu hỏi').max(2000), channel: z.string().max(40).optional() }).parse(req.body ?? {});
    res.json(await tryBot(ctx, body.text, body.channel));
  });

  // ---- Review queue ----
  r.get('/review', readers, async (req, res) => {
    const limit = Math.min(500, Math.max(1, Number(req.query.limit) || 200));
    res.json(await reviewQueue(ctx.db, limit));
  });

  r.post('/review/:messageId', admin, async (req, res) => {
    const user = currentUser(req);
    const messageId = String(req.params.messageId);
    const body = z.object({ intent: z.string().trim().min(1) }).parse(req.body ?? {});
    await knownIntent(body.intent);
    const m = isUuid(messageId) ? await ctx.db.query<{ text: string }>(`SELECT text FROM messages WHERE id = $1 AND direction = 'in'`, [messageId]) : null;
    const text = m?.rows[0]?.text?.trim();
    if (!text) throw new HttpError(404, 'Không tìm thấy tin nhắn');
    const added = await ctx.db.transaction(async (tx) => {
      if (!(await resolveReview(tx, messageId, 'trained', body.intent, user.id))) throw new HttpError(409, 'Tin nhắn này đã được xử lý');
      const example = await insertExample(tx, body.intent, text.slice(0, 500), 'review', user.id);
      await logEvent(tx, { type: 'review_trained', actor: actorOf(user), data: { messageId, intent: body.intent, text } });
      return example;
    });
    announceChange(ctx, 'review', user, { id: messageId });
    announceChange(ctx, 'training', user, { id: body.intent });
    void scheduleRetrain(ctx);
    res.status(201).json({ ok: true, example: added });
  });

  r.post('/review/:messageId/dismiss', admin, async (req, res) => {
    const user = currentUser(req);
    const messageId = String(req.params.messageId);
    const exists = isUuid(messageId) ? await ctx.db.query('SELECT 1 FROM messages WHERE id = $1', [messageId]) : null;
    if (!exists?.rows.length) throw new HttpError(404, 'Không tìm thấy tin nhắn');
    if (!(await resolveReview(ctx.db, messageId, 'dismissed', null, user.id))) throw new HttpError(409, 'Tin nhắn này đã được xử lý');
    await logEvent(ctx.db, { type: 'review_dismissed', actor: actorOf(user), data: { messageId } });
    announceChange(ctx, 'review', user, { id: messageId });
    res.json({ ok: true });
  });

  return r;
}

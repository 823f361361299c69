/**
 * The knowledge base editor (procedures and service answers with versions, diff and restore, per-channel
 * preview), training phrases, "try the bot" and the review queue. See docs/console-api.md.
 */
import { intentLabel } from '../wire/labels';
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { PROCEDURE_INTENTS, SERVICE_INTENTS } from '../knowledge/schema';
import { FALLBACK_INTENT } from '../nlu/types';
import { actorOf } from '../operations/conversation-actions';
import { kbItemOr404, kbVersions, previewAnswer, restoreKbVersion, saveKbItem, tryBot } from '../knowledge/edit';
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
} from '../knowledge/store';
import { foldDiacritics } from '../nlu/fold';
import { ADMIN, SUPERVISORS, type RouteTable } from './route';

/** `{<key>: {...}, baseVersion}`: the edited item under its kind's key, and the version it was edited from. */
const saveBody = (key: 'procedure' | 'service') =>
  z.object({
    [key]: z.record(z.string(), z.unknown(), { error: `Cần gửi ${key}` }),
    baseVersion: z.number({ error: 'Cần gửi baseVersion (phiên bản đang sửa)' }).int().min(1).describe('the version the edit started from'),
  });
const restoreBody = z.object({ version: z.number().int().min(1), baseVersion: z.number().int().min(1).optional() });
const phrase = z.string().trim().min(2, 'Câu mẫu quá ngắn').max(500);
const messageParams = z.object({ messageId: z.string().describe('message id (UUID; anything else: 404)') });

/** Knowledge-base, training and review routes. */
export function kbRoutes(ctx: AppContext, routes: RouteTable): void {
  const knownIntent = async (intent: string) => {
    const fixed: readonly string[] = [...PROCEDURE_INTENTS, ...SERVICE_INTENTS];
    if (intent === FALLBACK_INTENT) throw new HttpError(400, 'Không thêm câu mẫu cho ý định nlu_fallback');
    if (!fixed.includes(intent) && !(await trainedIntents(ctx.db)).has(intent)) throw new HttpError(400, `Không có ý định ${intent}`);
  };

  // Procedures (by intent) and service answers (by id) share the same routes.
  for (const [kind, path, key, idName] of [
    ['procedure', 'procedures', 'procedure', 'intent'],
    ['service', 'services', 'service', 'service id'],
  ] as [KbKind, 'procedures' | 'services', 'procedure' | 'service', string][]) {
    const itemParams = z.object({ id: z.string().describe(`the ${key}'s ${idName}`) });
    const savedAnswer = `\`{${key}, version, diff, updatedAt, updatedBy}\``;

    routes.add({
      method: 'get',
      path: `/kb/${path}`,
      roles: SUPERVISORS,
      summary: `List ${path} (${kind === 'service' ? 'with their id; ' : ''}\`q\` ignores diacritics)`,
      query: z.object({ q: z.string().max(200).optional(), field: z.string().max(80).optional() }),
      responses: { 200: '`[{intent, title, field, version, updatedAt, updatedBy}]`' },
      handler: async ({ query: q }, _req, res) => {
        const needle = q.q ? foldDiacritics(q.q) : '';
        const items = (kind === 'procedure' ? await listProcedures(ctx.db) : await listServices(ctx.db)).filter(
          (i) => (!q.field || i.field === q.field) && (!needle || foldDiacritics(`${i.id} ${i.intent} ${i.title}`).includes(needle)),
        );
        res.json(items.map(({ id, ...rest }) => (kind === 'procedure' ? rest : { id, ...rest })));
      },
    });

    routes.add({
      method: 'get',
      path: `/kb/${path}/:id`,
      roles: SUPERVISORS,
      summary: `One ${key} with its version`,
      params: itemParams,
      responses: { 200: `\`{${key}, version, updatedAt, updatedBy}\``, 404: 'not found' },
      handler: async ({ params }, _req, res) => {
        const item = await kbItemOr404(ctx, kind, params.id);
        res.json({ [key]: item.data, version: item.version, updatedAt: item.updatedAt, updatedBy: item.updatedBy });
      },
    });

    routes.add({
      method: 'put',
      path: `/kb/${path}/:id`,
      roles: ADMIN,
      summary: `Save a new version of a ${key}; the bot uses it at once`,
      description: `The live knowledge view reloads and the intent engine retrains in the background. 400 with \`details\` when the ${key} breaks the knowledge-base schema, changes its ${idName}, or names an unknown field or agency.`,
      params: itemParams,
      body: saveBody(key),
      responses: { 200: savedAnswer, 404: 'not found', 409: '`baseVersion` is stale: `details: {currentVersion, updatedBy, updatedAt}`' },
      handler: async ({ params, body }, req, res) => {
        const data = body[key] as Record<string, unknown>;
        const saved = await saveKbItem(ctx, currentUser(req), kind, params.id, data, body.baseVersion as number);
        announceChange(ctx, path, currentUser(req), { id: params.id, version: saved.version });
        const item = await kbItemOr404(ctx, kind, params.id);
        res.json({ [key]: item.data, version: saved.version, diff: saved.diff, updatedAt: item.updatedAt, updatedBy: item.updatedBy });
      },
    });

    routes.add({
      method: 'get',
      path: `/kb/${path}/:id/versions`,
      roles: SUPERVISORS,
      summary: 'Every version, newest first, with its author, time and differences from the one before',
      params: itemParams,
      responses: { 200: '`[{version, user, createdAt, diff: [{path, before, after}]}]` (paths like `documents.2`)' },
      handler: ({ params }) => kbVersions(ctx, kind, params.id),
    });

    routes.add({
      method: 'post',
      path: `/kb/${path}/:id/restore`,
      roles: ADMIN,
      summary: 'Restore an old version, as a new version',
      params: itemParams,
      body: restoreBody,
      responses: { 200: savedAnswer, 404: 'no such version', 409: '`baseVersion` is stale' },
      handler: async ({ params, body }, req, res) => {
        const saved = await restoreKbVersion(ctx, currentUser(req), kind, params.id, body.version, body.baseVersion ?? null);
        announceChange(ctx, path, currentUser(req), { id: params.id, version: saved.version });
        const item = await kbItemOr404(ctx, kind, params.id);
        res.json({ [key]: item.data, version: saved.version, diff: saved.diff, updatedAt: item.updatedAt, updatedBy: item.updatedBy });
      },
    });
  }

  routes.add({
    method: 'post',
    path: '/kb/preview',
    roles: SUPERVISORS,
    summary: 'A procedure or service answer (even a draft) as each channel would show it',
    description:
      'Each channel’s `{text, parts, quickReplies}` after scaling (Zalo writes buttons into the text; e-mail gets the full answer).',
    body: z.object({ procedure: z.unknown().optional(), service: z.unknown().optional() }),
    responses: { 200: '`{zalo, facebook, email, livechat, edongthap}`' },
    handler: ({ body }, _req, res) => {
      if (body.procedure === undefined && body.service === undefined)
        throw new HttpError(400, 'Cần gửi procedure hoặc service để xem trước');
      res.json(previewAnswer(ctx, body));
    },
  });

  // ---- Training phrases ----
  routes.add({
    method: 'get',
    path: '/training',
    roles: SUPERVISORS,
    summary: 'Training phrase counts per intent',
    responses: { 200: '`[{intent, label, count}]` (`label`: the Vietnamese name)' },
    handler: async () => (await trainingCounts(ctx.db)).map((x) => ({ ...x, label: intentLabel(x.intent, (i) => ctx.knowledge.title(i)) })),
  });

  const intentParams = z.object({ intent: z.string() });
  routes.add({
    method: 'get',
    path: '/training/:intent',
    roles: SUPERVISORS,
    summary: 'The phrases of an intent, newest first',
    params: intentParams,
    responses: { 200: '`[{id, intent, text, source, createdAt}]`' },
    handler: ({ params }) => listExamples(ctx.db, params.intent),
  });

  routes.add({
    method: 'post',
    path: '/training/:intent',
    roles: ADMIN,
    summary: 'Add a phrase to an intent; the engine retrains in the background',
    params: intentParams,
    body: z.object({ text: phrase }),
    responses: { 201: 'the phrase', 400: 'unknown intent', 409: 'the intent already has it' },
    handler: async ({ params, body }, req, res) => {
      const user = currentUser(req);
      const { intent } = params;
      await knownIntent(intent);
      const added = await insertExample(ctx.db, intent, body.text, 'console', user.id);
      if (!added) throw new HttpError(409, 'Câu mẫu này đã có trong ý định');
      await logEvent(ctx.db, { type: 'training_phrase_added', actor: actorOf(user), data: { intent, text: body.text, id: added.id } });
      announceChange(ctx, 'training', user, { id: intent });
      void scheduleRetrain(ctx);
      res.status(201).json(added);
    },
  });

  routes.add({
    method: 'delete',
    path: '/training/examples/:id',
    roles: ADMIN,
    summary: 'Delete a phrase; the engine retrains in the background',
    params: z.object({ id: z.string().describe('phrase id (a positive integer; anything else: 404)') }),
    responses: { 204: 'deleted', 404: 'no such phrase' },
    handler: async ({ params }, req, res) => {
      const user = currentUser(req);
      const id = Number(params.id);
      if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'Không tìm thấy câu mẫu');
      const removed = await deleteExample(ctx.db, id);
      if (!removed) throw new HttpError(404, 'Không tìm thấy câu mẫu');
      await logEvent(ctx.db, { type: 'training_phrase_deleted', actor: actorOf(user), data: { id, ...removed } });
      announceChange(ctx, 'training', user, { id: removed.intent });
      void scheduleRetrain(ctx);
      res.status(204).end();
    },
  });

  routes.add({
    method: 'post',
    path: '/bot/try',
    roles: SUPERVISORS,
    summary: 'Try the bot on a question: the parse, the decision and the answer',
    description:
      '`decision.actions` are the dialogue policy’s (`{type: reply | open_ticket | escalate | …}`); `answer` is scaled for `channel` when given.',
    body: z.object({ text: z.string().trim().min(1, 'Cần nhập câu hỏi').max(2000), channel: z.string().max(40).optional() }),
    responses: { 200: '`{parse, decision: {intent, confidence, actions}, answer: {text, parts, quickReplies} | null}`' },
    handler: ({ body }) => tryBot(ctx, body.text, body.channel),
  });

  // ---- Review queue ----
  routes.add({
    method: 'get',
    path: '/review',
    roles: SUPERVISORS,
    summary: 'Citizen messages the engine did not understand (nlu_fallback) or whose ticket was re-classified, newest first',
    query: z.object({ limit: z.coerce.number().int().optional().describe('at most 500 (default: 200)') }),
    responses: {
      200: "`[{messageId, text, nluIntent, confidence, correctedIntent, reason: 'fallback' | 'reclassified', createdAt, ticketCode}]`",
    },
    handler: async ({ query }, _req, res) => {
      const limit = Math.min(500, Math.max(1, query.limit || 200));
      res.json(await reviewQueue(ctx.db, limit));
    },
  });

  routes.add({
    method: 'post',
    path: '/review/:messageId',
    roles: ADMIN,
    summary: 'Add the message as a phrase of an intent (source `review`) and take it off the queue',
    params: messageParams,
    body: z.object({ intent: z.string().trim().min(1) }),
    responses: { 201: '`{ok: true, example}`', 400: 'unknown intent', 404: 'no such citizen message', 409: 'already dealt with' },
    handler: async ({ params, body }, req, res) => {
      const user = currentUser(req);
      const { messageId } = params;
      await knownIntent(body.intent);
      const m = isUuid(messageId)
        ? await ctx.db.query<{ text: string }>(`SELECT text FROM messages WHERE id = $1 AND direction = 'in'`, [messageId])
        : null;
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
    },
  });

  routes.add({
    method: 'post',
    path: '/review/:messageId/dismiss',
    roles: ADMIN,
    summary: 'Take a message off the queue',
    params: messageParams,
    responses: { 200: '`{ok: true}`', 404: 'no such message', 409: 'already dealt with' },
    handler: async ({ params }, req, res) => {
      const user = currentUser(req);
      const { messageId } = params;
      const exists = isUuid(messageId) ? await ctx.db.query('SELECT 1 FROM messages WHERE id = $1', [messageId]) : null;
      if (!exists?.rows.length) throw new HttpError(404, 'Không tìm thấy tin nhắn');
      if (!(await resolveReview(ctx.db, messageId, 'dismissed', null, user.id))) throw new HttpError(409, 'Tin nhắn này đã được xử lý');
      await logEvent(ctx.db, { type: 'review_dismissed', actor: actorOf(user), data: { messageId } });
      announceChange(ctx, 'review', user, { id: messageId });
      res.json({ ok: true });
    },
  });
}

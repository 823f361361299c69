/** The `AdapterRuntime` the core hands to adapters with a long-running side (IMAP, live chat). */
import type { Server } from 'node:http';
import type { AdapterRuntime, ChannelName } from './kit/contract';
import { socketServerFor } from '../realtime/io';
import type { AppContext } from '../context';
import { trackExclusiveRole } from './exclusive-roles';
import { INBOUND_JOB } from '../pipeline/intake';
import { readAttachment } from '../store/attachments';
import { openConversationId } from '../store/conversations';
import { kvGet, kvSet, kvUpdate } from '../store/kv';
import { citizenHistory } from '../store/messages';
import { latestReadMarkerOf } from '../store/read-markers';
import { mayWrite, prechatForm, submitPrechat } from '../operations/prechat';

/** Where the runtime keeps a channel's last reported intake status (`IntakeStatus` plus `at`, an ISO time). */
export const intakeStatusKey = (channel: ChannelName) => `intake-status:${channel}`;

/** Builds the runtime of one channel. */
export function createAdapterRuntime(ctx: AppContext, channel: ChannelName, httpServer?: Server): AdapterRuntime {
  const prefix = `adapter:${channel}:`;
  const log = ctx.log.child({ channel });
  return {
    async ingest(item) {
      const stored = await ctx.storeInbound({ channel, ...item });
      if (stored) ctx.wake(INBOUND_JOB);
      return stored;
    },
    state: {
      get: (key) => kvGet(ctx.db, prefix + key),
      set: (key, value) => kvSet(ctx.db, prefix + key, value),
      update: (key, fn) => kvUpdate(ctx.db, prefix + key, fn),
    },
    log: {
      info: (obj, msg) => log.info(obj, msg),
      warn: (obj, msg) => log.warn(obj, msg),
      error: (obj, msg) => log.error(obj, msg),
    },
    async history(externalUserId, limit) {
      const rows = await citizenHistory(ctx.db, channel, externalUserId, limit);
      return rows.map((m) => ({
        id: m.id,
        direction: m.direction,
        author: m.authorKind,
        authorName: m.authorName ?? undefined,
        text: m.text,
        attachments: m.attachments,
        quickReplies: m.quickReplies,
        externalMessageId: m.externalId,
        status: m.status,
        createdAt: m.createdAt.getTime(),
      }));
    },
    async exclusive(name, role) {
      // One node of the cluster at a time (every role at once on PGlite): see db/locks.ts.
      const roleName = `${channel}:${name}`;
      const handle = ctx.leadership.lead(roleName, role);
      trackExclusiveRole(ctx, channel, { name: roleName, handle });
      await handle.ready;
      return handle;
    },
    readAttachment: (id) => readAttachment(ctx.db, ctx.blobs, id),
    ...(httpServer ? { socketNamespace: (name: string) => socketServerFor(httpServer).of(name) } : {}),
    intakeStatus(status) {
      const at = new Date().toISOString();
      kvSet(ctx.db, intakeStatusKey(channel), { ...status, at }).catch((err: unknown) => log.warn({ err }, 'intake status not recorded'));
    },
    citizenTyping(externalUserId, on) {
      // Only a conversation that exists and is open: typing before the first message shows nothing.
      openConversationId(ctx.db, channel, externalUserId)
        .then((conversationId) => {
          if (conversationId) ctx.bus.emit('typing', { conversationId, channel, on });
        })
        .catch((err) => log.warn({ err }, 'typing relay failed'));
    },
    prechatForm: () => prechatForm(ctx.db),
    submitPrechat: (externalUserId, form) => submitPrechat(ctx, channel, externalUserId, form),
    mayWrite: (externalUserId) => mayWrite(ctx.db, channel, externalUserId),
    async seenMarker(externalUserId) {
      const m = await latestReadMarkerOf(ctx.db, channel, externalUserId);
      return m?.citizenExternalId ? { messageId: m.citizenExternalId, seenAt: m.seenAt.getTime() } : null;
    },
  };
}

/**
 * `/api/channels…` (admins): every channel, enabled or not, with the names of its missing settings
 * (never their values), its recent activity and, for email, the IMAP reader's connection and leader;
 * a "test connection" per channel; the live-chat widget's embed snippet.
 */
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import { exclusiveRolesOf } from '../channels/exclusive-roles';
import type { ChannelName } from '../channels/kit/contract';
import { CHANNELS, missingSettings } from '../channels/requirements';
import { intakeStatusKey } from '../channels/runtime';
import type { AppContext } from '../context';
import { roleLeader } from '../db/locks';
import { HttpError } from '../errors';
import { actorOf } from '../operations/conversation-actions';
import { channelActivity, type ChannelActivity } from '../store/channel-activity';
import { logEvent } from '../store/events';
import { kvGet } from '../store/kv';
import type { ChannelInfo, ChannelIntake, WidgetEmbed } from '../wire/api';
import { ADMIN, type RouteTable } from './route';

/** A channel as the page lists it, before JSON writes its times as ISO strings (`ChannelInfo`). */
type ChannelView = Omit<ChannelInfo, 'status'> & { status: ChannelActivity };

/** The `<script>` tag a host site pastes to show the live-chat widget (attributes: docs/channels.md). */
function widgetEmbed(publicBaseUrl: string | undefined, port: number): WidgetEmbed {
  const baseUrl = (publicBaseUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    snippet: `<script src="${baseUrl}/widget.js" data-title="Tổng đài 1022" async></script>`,
    baseUrl,
    configured: !!publicBaseUrl,
  };
}

/** The channel routes (mounted under /api after authentication). */
export function channelRoutes(ctx: AppContext, routes: RouteTable): void {
  /** The intake of a channel that runs one (email's IMAP reader): its last reported connection and its leader. */
  const intakeOf = async (channel: ChannelName): Promise<ChannelIntake | null> => {
    const roles = exclusiveRolesOf(ctx, channel);
    if (!roles.length) return null;
    const reported = await kvGet<{ connected: boolean; error: string | null; at: string }>(ctx.db, intakeStatusKey(channel));
    const leadingHere = roles.some((r) => r.handle.leading);
    const leader = ctx.db.kind === 'postgres' ? await roleLeader(ctx.db, roles[0].name) : null;
    return { connected: reported?.connected ?? null, error: reported?.error ?? null, at: reported?.at ?? null, leadingHere, leader };
  };

  routes.add({
    method: 'get',
    path: '/channels',
    roles: ADMIN,
    summary: 'Every channel: enabled or not, missing settings (names only), capabilities, recent activity, intake state, embed snippet',
    description:
      '`status` has the last inbound event, the last message sent, the last delivery that failed for good (with its error), and the queued and failed outbound counts. `intake` is the IMAP reader of email (last reported connection, whether this node runs it, the leading node on a PostgreSQL server). Live chat carries `embed`, the widget snippet.',
    responses: {
      200: '`[{channel, enabled, capabilities | null, testable, missing: [name], status: {lastInboundAt, lastSentAt, lastFailure: {messageId, at, error} | null, queued, retryError, failed}, intake: {connected, error, at, leadingHere, leader} | null, embed?: {snippet, baseUrl, configured}}]`',
    },
    handler: async () => {
      const activity = await channelActivity(ctx.db, CHANNELS);
      return Promise.all(
        CHANNELS.map(async (channel, i): Promise<ChannelView> => {
          const a = ctx.channels.get(channel);
          return {
            channel,
            enabled: !!a,
            capabilities: a?.capabilities ?? null,
            testable: !!a,
            missing: missingSettings(ctx.config, channel),
            status: activity[i],
            intake: a ? await intakeOf(channel) : null,
            ...(channel === 'livechat' ? { embed: widgetEmbed(ctx.config.PUBLIC_BASE_URL, ctx.config.PORT) } : {}),
          };
        }),
      );
    },
  });

  routes.add({
    method: 'post',
    path: '/channels/:channel/test',
    roles: ADMIN,
    summary: "Test a channel's credentials and reachability (a failed check is `ok: false`, not an error status)",
    description:
      'Zalo reads the OA profile, Messenger the Graph `me` of the page, email logs in to IMAP and verifies SMTP, live chat reports its socket.io namespace; e-DongThap publishes no health call, so only its callback address is tried (HEAD). Phone has nothing to test. Logged as `channel_tested`.',
    params: z.object({ channel: z.string().describe(`${CHANNELS.join(', ')} (anything else: 404)`) }),
    responses: { 200: '`{ok, detail}`', 404: 'no such channel' },
    handler: async ({ params }, req) => {
      const me = currentUser(req);
      const channel = params.channel as ChannelName;
      if (!CHANNELS.includes(channel)) throw new HttpError(404, `Không có kênh ${channel}`);
      const a = ctx.channels.get(channel);
      let result: { ok: boolean; detail: string };
      if (!a)
        result = {
          ok: false,
          detail:
            channel === 'phone'
              ? 'Kênh điện thoại không có phép kiểm tra kết nối'
              : `Kênh chưa được cấu hình (thiếu thông tin xác thực trong cấu hình máy chủ: ${missingSettings(ctx.config, channel).join(', ')})`,
        };
      else {
        const started = performance.now();
        result = await a
          .testConnection()
          .catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }));
        result = { ...result, detail: `${result.detail} (${Math.round(performance.now() - started)} ms)` };
      }
      await logEvent(ctx.db, { type: 'channel_tested', actor: actorOf(me), data: { channel, ok: result.ok, detail: result.detail } });
      return result;
    },
  });
}

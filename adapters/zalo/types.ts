/**
 * Zalo Official Account wire types (webhooks, OA API v2.0/v3.0, OAuth v4).
 * Shapes reconstructed from Zalo's Java SDK and production integrations (see the Zalo
 * section of docs/channels.md): ids are strings, `timestamp` is a string of epoch ms.
 */

/** Configuration of the Zalo adapter (environment variables in brackets). */
export interface ZaloConfig {
  /** App id (ZALO_APP_ID): sent when refreshing tokens. */
  appId: string;
  /** App secret key (ZALO_APP_SECRET): the `secret_key` header of OAuth calls. */
  appSecret: string;
  /** OA secret key (ZALO_OA_SECRET_KEY): verifies webhook signatures; differs from the app secret. */
  oaSecretKey: string;
  /** Initial access token (ZALO_ACCESS_TOKEN); superseded by refreshed tokens kept in adapter state. */
  accessToken: string;
  /** Initial refresh token (ZALO_REFRESH_TOKEN); single-use. */
  refreshToken: string;
  /** OA API base (ZALO_API_BASE, default: https://openapi.zalo.me). */
  apiBase?: string;
  /** OAuth base (ZALO_OAUTH_BASE, default: https://oauth.zaloapp.com). */
  oauthBase?: string;
  /** Consultation-message window after the citizen's last message, ms (default: 7 days; sources say 7 d or 48 h). */
  replyWindowMs?: number;
  /** The OA's own id, when known: disambiguates sender/recipient of receipt events (optional). */
  oaId?: string;
  /** How long a fetched profile is cached, ms (default: 6 hours). */
  profileTtlMs?: number;
  /** HTTP timeout of one API call, ms (default: 10000). */
  timeoutMs?: number;
}

/** One attachment of a webhook message. */
export interface ZaloWebhookAttachment {
  type: string;
  payload?: {
    url?: string;
    thumbnail?: string;
    description?: string;
    id?: string;
    size?: string | number;
    name?: string;
    checksum?: string;
    /** File extension for `file` attachments (e.g. "pdf"). */
    type?: string;
    coordinates?: { latitude?: string | number; longitude?: string | number };
  };
}

/** A webhook event as posted by Zalo. `follow`/`unfollow` carry `follower`/`oa_id` instead of sender/recipient. */
export interface ZaloWebhookEvent {
  app_id?: string;
  oa_id?: string;
  user_id_by_app?: string;
  event_name: string;
  timestamp?: string;
  source?: string;
  sender?: { id?: string };
  recipient?: { id?: string };
  follower?: { id?: string };
  message?: {
    msg_id?: string;
    msg_ids?: string[];
    text?: string;
    quote_msg_id?: string;
    attachments?: ZaloWebhookAttachment[];
  };
}

/** The envelope of every OA API answer: errors come with HTTP 200 and a negative `error`. */
export interface ZaloApiResponse<T> {
  error: number;
  message?: string;
  data?: T;
}

/** Body of POST /v3.0/oa/message/cs. */
export interface ZaloCsMessageBody {
  recipient: { user_id: string };
  message: {
    text?: string;
    quote_message_id?: string;
    attachment?: ZaloMediaAttachment | ZaloFileAttachment;
  };
}

/** An image sent by URL or by uploaded attachment id. */
export interface ZaloMediaAttachment {
  type: 'template';
  payload: {
    template_type: 'media';
    elements: Array<{ media_type: 'image'; url?: string; attachment_id?: string }>;
  };
}

/** A file sent by the token returned from /v2.0/oa/upload/file. */
export interface ZaloFileAttachment {
  type: 'file';
  payload: { token: string };
}

/** `data` of a successful send. */
export interface ZaloSendData {
  message_id: string;
  user_id?: string;
  quota?: unknown;
}

/** `data` of /v2.0/oa/upload/image. */
export interface ZaloUploadImageData {
  attachment_id: string;
}

/** `data` of /v2.0/oa/upload/file. */
export interface ZaloUploadFileData {
  token: string;
}

/** `data` of /v3.0/oa/user/detail. */
export interface ZaloUserDetail {
  user_id?: string;
  user_id_by_app?: string;
  display_name?: string;
  user_alias?: string;
  avatar?: string;
  avatars?: Record<string, string>;
  user_is_follower?: boolean;
  user_last_interaction_date?: string;
}

/** `data` of /v2.0/oa/getoa. */
export interface ZaloOaInfo {
  oa_id?: string;
  oaid?: string;
  name?: string;
  num_follower?: number;
}

/** Answer of POST /v4/oa/access_token: a new pair, or an error (`expires_in` is a string of seconds). */
export interface ZaloTokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: string | number;
  error?: number;
  error_name?: string;
  error_description?: string;
  error_reason?: string;
}

/** The token pair as kept in adapter state under `zalo:tokens`. */
export interface ZaloTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since epoch); null when unknown (configured tokens). */
  expiresAt: number | null;
  /** SHA-256 of the configured refresh token these were derived from: a new configured token wins. */
  seed: string;
}

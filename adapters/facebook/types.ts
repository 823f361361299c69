/**
 * Messenger Platform wire types (webhooks, Send API, Graph user profile).
 * See https://developers.facebook.com/docs/messenger-platform/reference and the Facebook section of
 * docs/channels.md.
 */

/** Configuration of the Facebook adapter (environment variables in brackets). */
export interface FacebookConfig {
  /** App secret (FB_APP_SECRET): HMAC key of `X-Hub-Signature-256`. */
  appSecret: string;
  /** Verify token (FB_VERIFY_TOKEN) of the GET subscription handshake. */
  verifyToken: string;
  /** Page access token (FB_PAGE_ACCESS_TOKEN). */
  pageAccessToken: string;
  /** Graph base URL (FB_GRAPH_BASE, default: https://graph.facebook.com). */
  graphBase?: string;
  /** Graph API version (FB_GRAPH_VERSION, default: v21.0). */
  graphVersion?: string;
  /** Our Meta app id: echoes carrying it are our own sends (optional; a metadata marker also identifies them). */
  appId?: string;
  /** HTTP timeout of one API call, ms (default: 10000). */
  timeoutMs?: number;
}

/** An attachment in a received message. */
export interface FbWebhookAttachment {
  type: string;
  title?: string;
  url?: string;
  payload?: {
    url?: string;
    title?: string;
    sticker_id?: number | string;
    coordinates?: { lat?: number; long?: number };
    [k: string]: unknown;
  } | null;
}

/** One item of `entry[].messaging[]` (or `standby[]`). */
export interface FbMessagingItem {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: {
    mid?: string;
    text?: string;
    is_echo?: boolean;
    app_id?: number | string;
    metadata?: string;
    quick_reply?: { payload?: string };
    reply_to?: { mid?: string };
    sticker_id?: number | string;
    attachments?: FbWebhookAttachment[];
  };
  postback?: { title?: string; payload?: string; mid?: string };
  delivery?: { mids?: string[]; watermark?: number };
  read?: { watermark?: number };
  [k: string]: unknown;
}

/** One entry of a webhook batch. */
export interface FbWebhookEntry {
  id?: string;
  time?: number;
  messaging?: FbMessagingItem[];
  standby?: FbMessagingItem[];
}

/** A webhook POST body. */
export interface FbWebhookBody {
  object?: string;
  entry?: FbWebhookEntry[];
}

/** A quick reply of the Send API. */
export interface FbQuickReply {
  content_type: 'text';
  title: string;
  payload: string;
}

/** Body of POST /{version}/me/messages carrying a message. */
export interface FbSendMessageBody {
  recipient: { id: string };
  messaging_type: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: 'HUMAN_AGENT';
  message: {
    text?: string;
    attachment?: {
      type: 'image' | 'audio' | 'video' | 'file';
      payload: { url: string; is_reusable: boolean } | { attachment_id: string };
    };
    quick_replies?: FbQuickReply[];
    metadata?: string;
  };
}

/** Answer of POST /{version}/me/message_attachments (the Attachment Upload API). */
export interface FbAttachmentUploadResponse {
  attachment_id: string;
}

/** Body of POST /{version}/me/messages carrying a sender action (never combined with a message). */
export interface FbSenderActionBody {
  recipient: { id: string };
  sender_action: 'typing_on' | 'typing_off' | 'mark_seen';
}

/** Successful Send API answer. */
export interface FbSendResponse {
  recipient_id?: string;
  message_id?: string;
}

/** Graph error envelope. */
export interface FbGraphError {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    is_transient?: boolean;
    fbtrace_id?: string;
  };
}

/** User profile fields we ask for. */
export interface FbUserProfile {
  id?: string;
  name?: string;
  first_name?: string;
  last_name?: string;
}

/** GET /me with a Page token. */
export interface FbPageInfo {
  id?: string;
  name?: string;
}

/** The OpenAPI description of the HTTP interface (`GET /api/openapi.json`). */

const bearer = [{ bearer: [] }];
const json = (description: string, schema: object = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const ticketFilters = ['status', 'channel', 'field', 'agency', 'priority', 'assignee', 'q', 'from', 'to', 'overdue', 'urgent'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
const codeParam = { name: 'code', in: 'path', required: true, schema: { type: 'string', example: '1022-2026-000123' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const q = (name: string, description?: string) => ({ name, in: 'query', required: false, schema: { type: 'string' }, ...(description ? { description } : {}) });
const p = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const period = [q('from', 'YYYY-MM-DD (a whole day, Vietnam time) or an ISO time; default: 30 days before `to`'), q('to', 'YYYY-MM-DD (inclusive) or an ISO time; default: now')];
const file = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string', format: 'binary' } } } });
const csv = { description: 'CSV text with the columns of the knowledge seed file', required: true, content: { 'text/csv': { schema: { type: 'string' } } } };
const imported = json('{"created", "updated", "errors": [{"line", "message"}]}');
/** A versioned knowledge item's routes (procedures by intent, service answers by id). */
const kbPaths = (plural: string, key: string) => ({
  [`/api/kb/${plural}`]: { get: { summary: `List ${plural} (admin, supervisor)`, security: bearer, parameters: [q('q'), q('field')], responses: { 200: json('[{intent, title, field, version, updatedAt, updatedBy}]') } } },
  [`/api/kb/${plural}/{id}`]: {
    get: { summary: `One ${key} with its version`, security: bearer, parameters: [p('id')], responses: { 200: json(`{"${key}", "version"}`), 404: json('not found') } },
    put: { summary: `Save a new version (admin); the bot uses it at once`, security: bearer, parameters: [p('id')], requestBody: json(`{"${key}", "baseVersion"}`), responses: { 200: json(`{"${key}", "version", "diff"}`), 400: json('invalid, with details'), 409: json('baseVersion is stale: {details: {currentVersion, updatedBy}}') } },
  },
  [`/api/kb/${plural}/{id}/versions`]: { get: { summary: 'Every version with its author, time and differences', security: bearer, parameters: [p('id')], responses: { 200: json('[{version, user, createdAt, diff: [{path, before, after}]}]') } } },
  [`/api/kb/${plural}/{id}/restore`]: { post: { summary: 'Restore an old version as a new one (admin)', security: bearer, parameters: [p('id')], requestBody: json('{"version", "baseVersion"?}'), responses: { 200: json(`{"${key}", "version", "diff"}`), 404: json('no such version') } } },
});

/** The OpenAPI 3.1 document. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Cổng 1022 API', version: '0.1.0', description: 'Omnichannel gateway of the provincial public-service hotline 1022.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      ParseResult: {
        type: 'object',
        properties: {
          text: { type: 'string' },
          intent: { type: 'object', properties: { name: { type: 'string' }, confidence: { type: 'number' } } },
          intent_ranking: { type: 'array', items: { type: 'object' } },
          entities: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
  paths: {
    '/healthz': { get: { summary: 'Process is up', responses: { 200: json('ok') } } },
    '/readyz': { get: { summary: 'Database reachable', responses: { 200: json('ready'), 503: json('not ready') } } },
    '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } } },
    '/webhooks/{channel}': {
      get: { summary: 'Verification handshake (Messenger)', parameters: [{ name: 'channel', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'challenge' }, 403: json('wrong verify token'), 404: json('channel disabled') } },
      post: {
        summary: 'Provider webhook: verified over the raw body, stored, then acknowledged',
        parameters: [{ name: 'channel', in: 'path', required: true, schema: { type: 'string', enum: ['zalo', 'facebook', 'edongthap'] } }],
        responses: { 200: json('stored (or a replay, `duplicate: true`)'), 400: json('malformed JSON'), 401: json('bad signature'), 404: json('channel disabled'), 413: json('body too large') },
      },
    },
    '/model/parse': { post: { summary: 'Rasa-compatible NLU parse', requestBody: json('{"text": "…"}'), responses: { 200: json('parse result', { $ref: '#/components/schemas/ParseResult' }) } } },
    '/api/auth/token': { post: { summary: 'Log in', requestBody: json('{"username", "password"}'), responses: { 200: json('{"token", "expiresAt", "user"}'), 401: json('wrong credentials'), 429: json('too many failures') } } },
    '/api/auth/logout': { post: { summary: 'Revoke the current token', security: bearer, responses: { 200: json('ok') } } },
    '/api/me': { get: { summary: 'The signed-in user', security: bearer, responses: { 200: json('user') } } },
    '/api/tickets': {
      get: { summary: 'List tickets (agency users: only their agency)', security: bearer, parameters: [...ticketFilters, { name: 'page', in: 'query', schema: { type: 'integer' } }, { name: 'pageSize', in: 'query', schema: { type: 'integer', maximum: 200 } }], responses: { 200: json('{"items", "total", "page", "pageSize"}') } },
      post: { summary: 'Create a ticket (e.g. from a phone call)', security: bearer, requestBody: json('{"title", "content", "channel"?, "field"?, "agency"?, "priority"?, "callerName"?, "callerPhone"?, "dueAt"?, "recordingAttachmentId"?}'), responses: { 201: json('ticket') } },
    },
    '/api/tickets/{code}': {
      get: { summary: 'A ticket with its messages and processing log', security: bearer, parameters: [codeParam], responses: { 200: json('ticket'), 404: json('not found') } },
      patch: { summary: 'Change status, field, agency (forward), assignee, priority, due time, resolution', security: bearer, parameters: [codeParam], requestBody: json('patch'), responses: { 200: json('ticket') } },
    },
    '/api/tickets/{code}/reply': { post: { summary: "Operator's answer, sent on the ticket's channel", security: bearer, parameters: [codeParam], requestBody: json('{"text", "final"?}'), responses: { 202: json('{"messageId"}') } } },
    '/api/tickets/{code}/notes': { post: { summary: 'Internal note (never sent to the citizen)', security: bearer, parameters: [codeParam], requestBody: json('{"text"}'), responses: { 201: json('ok') } } },
    '/api/conversations/{id}/takeover': { post: { summary: 'Take the conversation over from the bot', security: bearer, parameters: [idParam], responses: { 200: json('ok'), 409: json('held by another operator, or closed') } } },
    '/api/conversations/{id}/release': { post: { summary: 'Give the conversation back to the bot', security: bearer, parameters: [idParam], responses: { 200: json('ok') } } },
    '/api/conversations/{id}/close': { post: { summary: 'Close the conversation and its open ticket; the citizen is asked for a rating', security: bearer, parameters: [idParam], requestBody: json('{"resolution"?}'), responses: { 200: json('ok') } } },
    '/api/tickets/{code}/forward': { post: { summary: 'Forward to an agency with a deadline and a note (staff)', security: bearer, parameters: [codeParam], requestBody: json('{"agency", "dueAt"?, "note"?}'), responses: { 200: json('ticket'), 400: json('unknown or inactive agency') } } },
    '/api/tickets/{code}/log': { get: { summary: 'Printable processing log (HTML, Vietnamese): ticket fields, timings, every message and event', security: bearer, parameters: [codeParam], responses: { 200: { description: 'text/html' }, 404: json('not found (or not this agency’s)') } } },
    '/api/tickets/{code}/log.pdf': { get: { summary: 'The processing log as PDF', security: bearer, parameters: [codeParam], responses: { 200: file('application/pdf', 'PDF'), 501: json('PDF library or font missing on the server') } } },
    '/api/proposals': { get: { summary: 'Agency answers waiting for approval (staff)', security: bearer, responses: { 200: json('[{id, ticketCode, text, final, agency, author, createdAt}]') } } },
    '/api/proposals/{id}/approve': { post: { summary: 'Send an agency answer, optionally edited', security: bearer, parameters: [idParam], requestBody: json('{"text"?}'), responses: { 200: json('{"ok", "messageId", "ticketCode"}'), 409: json('already reviewed') } } },
    '/api/proposals/{id}/reject': { post: { summary: 'Reject an agency answer with a reason', security: bearer, parameters: [idParam], requestBody: json('{"reason"}'), responses: { 200: json('ok') } } },
    '/api/conversations': { get: { summary: 'The inbox: conversations, newest activity first, with tab counters (staff)', security: bearer, parameters: [q('state', 'bot|waiting|operator|mine|open|closed (default open)'), q('channel'), q('field'), q('agency'), q('urgent'), q('q', 'ticket code, name, phone, e-mail or message words'), q('page'), q('pageSize')], responses: { 200: json('{"items": [ConversationSummary], "total", "counts": {bot, waiting, mine, open, closed, urgent}, "page", "pageSize"}') } } },
    '/api/conversations/{id}': { get: { summary: 'A conversation: summary, contact card, messages with delivery status, latest ticket, events', security: bearer, parameters: [idParam], responses: { 200: json('{"conversation", "contact", "messages", "ticket", "events"}'), 404: json('not found') } } },
    '/api/conversations/{id}/reply': { post: { summary: "Operator's message (takes over a bot-held conversation)", security: bearer, parameters: [idParam], requestBody: json('{"text", "attachmentIds"?}'), responses: { 202: json('{"messageId"}'), 409: json('closed, channel disabled, or reply window closed') } } },
    '/api/conversations/{id}/notes': { post: { summary: 'Internal note', security: bearer, parameters: [idParam], requestBody: json('{"text"}'), responses: { 201: json('ok') } } },
    '/api/conversations/{id}/typing': { post: { summary: 'Show the citizen that an operator is typing (where the channel can)', security: bearer, parameters: [idParam], requestBody: json('{"on"}'), responses: { 200: json('{"ok", "delivered"}') } } },
    '/api/attachments': { post: { summary: 'Upload a file: raw body, Content-Type = its type, X-Filename = its (percent-encoded) name', security: bearer, requestBody: file('application/octet-stream', 'the bytes'), responses: { 201: json('{"id", "name", "mimeType", "size"}'), 413: json('too large'), 415: json('type not accepted') } } },
    '/api/attachments/{id}': { get: { summary: 'A stored file (images and PDF inline)', security: bearer, parameters: [idParam], responses: { 200: file('application/octet-stream', 'the bytes'), 404: json('not found') } } },
    '/api/contacts/{id}': { get: { summary: 'A contact with identities on every channel and past tickets', security: bearer, parameters: [idParam], responses: { 200: json('Contact') } } },
    '/api/contacts/merge': { post: { summary: 'Merge two contacts of one person', security: bearer, requestBody: json('{"keepId", "mergeId"}'), responses: { 200: json('Contact'), 409: json('already merged') } } },
    '/api/canned-replies': {
      get: { summary: 'Canned replies (staff)', security: bearer, responses: { 200: json('[{id, shortcut, title, text}]') } },
      post: { summary: 'Create (admin, supervisor)', security: bearer, requestBody: json('{"shortcut", "title", "text"}'), responses: { 201: json('canned reply'), 409: json('shortcut taken') } },
    },
    '/api/canned-replies/{id}': {
      patch: { summary: 'Change (admin, supervisor)', security: bearer, parameters: [idParam], requestBody: json('{"shortcut"?, "title"?, "text"?}'), responses: { 200: json('canned reply') } },
      delete: { summary: 'Delete (admin, supervisor)', security: bearer, parameters: [idParam], responses: { 204: { description: 'deleted' } } },
    },
    '/api/stats/dashboard': { get: { summary: 'Every dashboard figure of a period (admin, supervisor)', security: bearer, parameters: period, responses: { 200: json('Dashboard'), 400: json('bad period') } } },
    '/api/export/stats.xlsx': { get: { summary: 'The dashboard figures as a workbook, one sheet per figure', security: bearer, parameters: period, responses: { 200: file('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'workbook') } } },
    '/api/users': {
      get: { summary: 'Users (staff)', security: bearer, responses: { 200: json('[{id, username, displayName, role, agency, active, totpEnabled, lastLoginAt, …}]') } },
      post: { summary: 'Create a user (admin)', security: bearer, requestBody: json('{"username", "displayName", "role", "agency"?, "password"}'), responses: { 201: json('user'), 409: json('username taken') } },
    },
    '/api/users/{id}': { patch: { summary: 'Change name, role, agency, active (admin)', security: bearer, parameters: [idParam], requestBody: json('{"displayName"?, "role"?, "agency"?, "active"?}'), responses: { 200: json('user'), 409: json('last admin') } } },
    '/api/users/{id}/reset-password': { post: { summary: 'A temporary password, to change at next login (admin)', security: bearer, parameters: [idParam], responses: { 200: json('{"temporaryPassword"}') } } },
    '/api/me/password': { post: { summary: 'Change my password', security: bearer, requestBody: json('{"current", "next"}'), responses: { 200: json('ok'), 400: json('wrong current password') } } },
    '/api/me/totp/setup': { post: { summary: 'Start two-factor set-up', security: bearer, responses: { 200: json('{"secret", "otpauthUrl"}') } } },
    '/api/me/totp/enable': { post: { summary: 'Turn two-factor login on with a first code', security: bearer, requestBody: json('{"code"}'), responses: { 200: json('ok'), 400: json('wrong code') } } },
    '/api/me/totp/disable': { post: { summary: 'Turn two-factor login off', security: bearer, requestBody: json('{"code"}'), responses: { 200: json('ok'), 400: json('wrong code') } } },
    '/api/settings': {
      get: { summary: 'Receipts, greeting, office hours, agency reply mode (admin, supervisor)', security: bearer, responses: { 200: json('settings') } },
      put: { summary: 'Change settings; effective at once (admin)', security: bearer, requestBody: json('{"receipt"?, "ticketReceipt"?, "greeting"?, "officeHours"?, "agencyReplyMode"?}'), responses: { 200: json('settings') } },
    },
    '/api/channels': { get: { summary: 'Channels, enabled or not, with capabilities (admin)', security: bearer, responses: { 200: json('[{channel, enabled, capabilities}]') } } },
    '/api/channels/{channel}/test': { post: { summary: 'Test a channel’s credentials and reachability (admin)', security: bearer, parameters: [p('channel')], responses: { 200: json('{"ok", "detail"}') } } },
    '/api/agencies': {
      get: { summary: 'Agency directory', security: bearer, parameters: [q('q'), q('kind')], responses: { 200: json('[Agency]') } },
      post: { summary: 'Add an agency (admin)', security: bearer, requestBody: json('Agency'), responses: { 201: json('Agency'), 409: json('code taken') } },
    },
    '/api/agencies/{code}': { patch: { summary: 'Change an agency (admin)', security: bearer, parameters: [p('code')], requestBody: json('partial Agency'), responses: { 200: json('Agency') } } },
    '/api/agencies/import': { post: { summary: 'Import agencies from CSV (admin)', security: bearer, requestBody: csv, responses: { 200: imported } } },
    '/api/fields': {
      get: { summary: 'Ticket fields', security: bearer, responses: { 200: json('[{code, name, sortOrder}]') } },
      post: { summary: 'Add a field (admin)', security: bearer, requestBody: json('{"code", "name", "sortOrder"?}'), responses: { 201: json('field') } },
    },
    '/api/fields/{code}': { patch: { summary: 'Change a field (admin)', security: bearer, parameters: [p('code')], requestBody: json('{"name"?, "sortOrder"?}'), responses: { 200: json('field') } } },
    '/api/fields/import': { post: { summary: 'Import fields from CSV (admin)', security: bearer, requestBody: csv, responses: { 200: imported } } },
    ...kbPaths('procedures', 'procedure'),
    ...kbPaths('services', 'service'),
    '/api/kb/preview': { post: { summary: 'The answer as each channel would show it', security: bearer, requestBody: json('{"procedure"} or {"service"}'), responses: { 200: json('{zalo: {text, parts, quickReplies}, facebook, email, livechat, edongthap}') } } },
    '/api/training': { get: { summary: 'Training phrase counts per intent', security: bearer, responses: { 200: json('[{intent, count}]') } } },
    '/api/training/{intent}': {
      get: { summary: 'Phrases of an intent', security: bearer, parameters: [p('intent')], responses: { 200: json('[{id, text, source, createdAt}]') } },
      post: { summary: 'Add a phrase (admin); retrains in the background', security: bearer, parameters: [p('intent')], requestBody: json('{"text"}'), responses: { 201: json('phrase'), 409: json('already there') } },
    },
    '/api/training/examples/{id}': { delete: { summary: 'Delete a phrase (admin)', security: bearer, parameters: [p('id')], responses: { 204: { description: 'deleted' } } } },
    '/api/bot/try': { post: { summary: 'Try the bot: parse, decision and answer', security: bearer, requestBody: json('{"text", "channel"?}'), responses: { 200: json('{"parse", "decision", "answer"}') } } },
    '/api/review': { get: { summary: 'Messages that went to nlu_fallback or whose ticket was re-classified', security: bearer, responses: { 200: json('[{messageId, text, nluIntent, confidence, correctedIntent, reason, createdAt, ticketCode}]') } } },
    '/api/review/{messageId}': { post: { summary: 'Add the message as a phrase of an intent (admin)', security: bearer, parameters: [p('messageId')], requestBody: json('{"intent"}'), responses: { 201: json('ok') } } },
    '/api/review/{messageId}/dismiss': { post: { summary: 'Remove from the queue (admin)', security: bearer, parameters: [p('messageId')], responses: { 200: json('ok') } } },
    '/api/stats/tickets': { get: { summary: 'Counts and timings grouped by field, channel, agency, operator, day or hour', security: bearer, parameters: [...ticketFilters, { name: 'by', in: 'query', schema: { type: 'string', enum: ['field', 'channel', 'agency', 'operator', 'day', 'hour'] } }], responses: { 200: json('{"by", "items"}') } } },
    '/api/export/tickets.csv': { get: { summary: 'Tickets as CSV (same filters as the list)', security: bearer, parameters: ticketFilters, responses: { 200: { description: 'text/csv' } } } },
    '/api/export/tickets.xlsx': { get: { summary: 'Tickets as XLSX (same filters as the list)', security: bearer, parameters: ticketFilters, responses: { 200: { description: 'spreadsheet' } } } },
  },
} as const;

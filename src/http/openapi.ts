/** The OpenAPI description of the HTTP interface (`GET /api/openapi.json`). */

const bearer = [{ bearer: [] }];
const json = (description: string, schema: object = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const ticketFilters = ['status', 'channel', 'field', 'agency', 'priority', 'assignee', 'q', 'from', 'to'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
const codeParam = { name: 'code', in: 'path', required: true, schema: { type: 'string', example: '1022-2026-000123' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

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
      post: { summary: 'Create a ticket (e.g. from a phone call)', security: bearer, requestBody: json('{"title", "content", "channel"?, "field"?, "agency"?, "priority"?, "callerName"?, "callerPhone"?, "dueAt"?}'), responses: { 201: json('ticket') } },
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
    '/api/stats/tickets': { get: { summary: 'Counts and timings grouped by field, channel, agency, operator, day or hour', security: bearer, parameters: [...ticketFilters, { name: 'by', in: 'query', schema: { type: 'string', enum: ['field', 'channel', 'agency', 'operator', 'day', 'hour'] } }], responses: { 200: json('{"by", "items"}') } } },
    '/api/export/tickets.csv': { get: { summary: 'Tickets as CSV (same filters as the list)', security: bearer, parameters: ticketFilters, responses: { 200: { description: 'text/csv' } } } },
    '/api/export/tickets.xlsx': { get: { summary: 'Tickets as XLSX (same filters as the list)', security: bearer, parameters: ticketFilters, responses: { 200: { description: 'spreadsheet' } } } },
  },
} as const;

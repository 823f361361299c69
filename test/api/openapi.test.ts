/** `GET /api/openapi.json` lists exactly the routes Express serves, with the schemas the handlers validate. */
import request from 'supertest';
import { openApiPath } from '../../src/http/openapi';
import { startTestGateway, type TestGateway } from '../support/gateway';

/** The parts of an Express 5 router layer this test reads. */
interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

// The document is read as loose JSON: each test checks the parts it names.

type Json = Record<string, any>;

/** `method /path/{param}` of every route on the app's router (the route table is mounted at the root, so paths are full). */
function servedRoutes(stack: Layer[]): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      // The console's SPA fallback (a RegExp path) serves pages, not the API.
      if (typeof layer.route.path !== 'string') continue;
      for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push(`${method} ${openApiPath(layer.route.path)}`);
    } else if (layer.handle?.stack) out.push(...servedRoutes(layer.handle.stack));
  }
  return out;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('OpenAPI document', () => {
  let t: TestGateway;
  let doc: Json;
  let admin: string;

  beforeAll(async () => {
    t = await startTestGateway({ kind: 'pglite' });
    admin = await t.login();
    doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
  });

  const op = (method: string, path: string): Json => {
    const o = doc.paths[path]?.[method];
    if (!o) throw new Error(`${method} ${path} is not in the document`);
    return o;
  };
  const param = (o: Json, name: string): Json => o.parameters.find((p: Json) => p.name === name);

  test('lists exactly the routes Express serves, each once', () => {
    const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m} ${path}`),
    );
    const served = servedRoutes((t.app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(new Set(served).size).toBe(served.length);
    expect([...served].sort()).toEqual([...documented].sort());
    expect(documented).toEqual(
      expect.arrayContaining([
        'get /healthz',
        'post /webhooks/{channel}',
        'post /model/parse',
        'get /widget.js',
        'get /api/openapi.json',
        'post /api/auth/token',
        'post /api/tickets/{code}/reply',
        'get /api/kb/services/{id}/versions',
      ]),
    );
    expect(documented.length).toBeGreaterThan(80);
  });

  test('is OpenAPI 3.1 with bearer security and roles on every signed-in route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(op('post', '/api/auth/token').security).toBeUndefined();
    expect(op('get', '/healthz').security).toBeUndefined();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, o] of Object.entries(ops)) {
        expect(typeof o.summary).toBe('string');
        if (path.startsWith('/api/') && !['/api/auth/token', '/api/auth/branding', '/api/openapi.json'].includes(path)) {
          expect(o.security).toEqual([{ bearer: [] }]);
          expect(o['x-roles'].length).toBeGreaterThan(0);
          expect(o.responses['401']).toBeDefined();
        }
        // Every path parameter of the URL is declared.
        for (const name of path.match(/\{(\w+)\}/g) ?? []) expect([method, param(o, name.slice(1, -1))?.in]).toEqual([method, 'path']);
      }
    }
    expect(op('get', '/api/stats/tickets')['x-roles']).toEqual(['admin', 'supervisor']);
  });

  test('carries the query schemas the handlers validate', () => {
    const list = op('get', '/api/tickets');
    expect(param(list, 'assignee').schema.anyOf).toEqual(
      expect.arrayContaining([expect.objectContaining({ const: 'me' }), expect.objectContaining({ format: 'uuid' })]),
    );
    expect(param(list, 'page')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1 } });
    expect([...param(list, 'overdue').schema.enum].sort()).toEqual(['', '0', '1', 'false', 'true']);
    expect(param(list, 'from')).toMatchObject({ in: 'query', schema: { type: 'string' } });
    expect(param(op('get', '/api/stats/tickets'), 'by').schema.enum).toEqual([
      'field',
      'channel',
      'agency',
      'operator',
      'day',
      'hour',
      'contentType',
      'level',
    ]);
    expect(param(op('get', '/api/conversations'), 'state').schema).toMatchObject({
      default: 'open',
      enum: expect.arrayContaining(['bot', 'waiting', 'mine', 'closed']),
    });
    expect(param(op('get', '/api/export/tickets.csv'), 'status')).toBeDefined();
    expect(op('get', '/api/export/tickets.csv').responses['200'].content['text/csv']).toBeDefined();
  });

  test('carries the body schemas the handlers validate', () => {
    const create = op('post', '/api/tickets').requestBody.content['application/json'].schema;
    expect(create.required).toEqual(['title']);
    expect(create.properties.priority.enum).toEqual(['low', 'normal', 'high', 'urgent']);
    expect(create.properties.recordingAttachmentId.anyOf).toEqual(expect.arrayContaining([expect.objectContaining({ format: 'uuid' })]));
    expect(create.properties.dueAt.anyOf).toEqual(expect.arrayContaining([{ type: 'string', format: 'date-time' }]));
    const patch = op('patch', '/api/tickets/{code}').requestBody.content['application/json'].schema;
    expect(patch.properties.status.enum).toEqual(expect.arrayContaining(['new', 'forwarded', 'closed']));
    expect(op('post', '/api/tickets/{code}/reply').requestBody.content['application/json'].schema).toMatchObject({
      required: ['text'],
      properties: { text: { type: 'string', maxLength: 20000 } },
    });
    expect(op('put', '/api/settings').requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(op('post', '/api/attachments').requestBody.content['application/octet-stream'].schema).toEqual({
      type: 'string',
      format: 'binary',
    });
    expect(op('post', '/api/agencies/import').requestBody.content['text/csv']).toBeDefined();
    expect(op('post', '/model/parse').responses['200'].content['application/json'].schema.required).toEqual([
      'text',
      'intent',
      'intent_ranking',
      'entities',
    ]);
  });

  test('declared schemas are enforced: bad ids, users and numbers are a 400 with details', async () => {
    const get = (path: string) => request(t.app).get(path).set('authorization', admin);
    const bad = await get('/api/tickets?assignee=someone').expect(400);
    expect(bad.body).toEqual({ error: 'Dữ liệu không hợp lệ', details: [expect.objectContaining({ path: 'assignee' })] });
    await get('/api/tickets?page=abc').expect(400);
    await get('/api/review?limit=many').expect(400);
    await get('/api/export/tickets.csv?assignee=x').expect(400);
    await request(t.app).post('/api/conversations/not-a-uuid/takeover').set('authorization', admin).expect(400);
    // Valid input is answered as before.
    const page = await get('/api/tickets?assignee=me&page=1&pageSize=500').expect(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 200 });
    await get('/api/tickets?assignee=').expect(200);
  });
});

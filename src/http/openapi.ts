/**
 * The OpenAPI 3.1 document (`GET /api/openapi.json`), generated from the declared routes
 * (`route.ts`) and their zod schemas with zod's own `z.toJSONSchema` (input side: what a caller sends).
 * https://spec.openapis.org/oas/v3.1.0
 */
import { z } from 'zod';
import { ANY_ROLE, type RouteRecord } from './route';

type Json = Record<string, unknown>;

/** The error body of every 4xx/5xx answer (see `error-handler.ts`). */
const errorBody = z.object({
  error: z.string().describe('what went wrong, in Vietnamese'),
  details: z.unknown().optional().describe('for a validation error: [{path, message}]'),
});

/** A JSON Schema for what a caller sends to `schema` (dates as ISO strings; `$defs` hoisted to components). */
function jsonSchema(schema: z.ZodType, components: Json): Json {
  const out = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if ((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === 'date')
        Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Json;
  delete out.$schema;
  const defs = out.$defs as Json | undefined;
  delete out.$defs;
  if (defs) Object.assign(components, defs);
  return defs ? (JSON.parse(JSON.stringify(out).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json) : out;
}

/** Path or query parameters from an object schema's properties. */
function parameters(where: 'path' | 'query', schema: z.ZodType | undefined, components: Json): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, components);
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => {
    const { description, ...rest } = p;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

/** `/api/tickets/:code/log.pdf` → `/api/tickets/{code}/log.pdf`. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

/** `get /api/tickets/{code}` → `getApiTicketsCode`. */
function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function operation(r: RouteRecord, components: Json): Json {
  const isPublic = r.roles === 'public';
  const rolesNote = r.roles === 'public' ? 'Public.' : `Roles: ${r.roles.join(', ')}.`;
  const op: Json = {
    operationId: operationId(r.method, r.path),
    summary: r.summary,
    description: r.description ? `${r.description}\n\n${rolesNote}` : rolesNote,
    ...(r.tag ? { tags: [r.tag] } : {}),
    ...(isPublic ? {} : { security: [{ bearer: [] }], 'x-roles': r.roles }),
  };
  const params = [...parameters('path', r.params, components), ...parameters('query', r.query, components)];
  if (params.length) op.parameters = params;
  if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, components) } } };
  else if (r.rawBody) {
    const schema = { type: 'string', ...(r.rawBody.contentTypes.includes('application/octet-stream') ? { format: 'binary' } : {}) };
    op.requestBody = {
      required: true,
      description: r.rawBody.description,
      content: Object.fromEntries(r.rawBody.contentTypes.map((t) => [t, { schema }])),
    };
  }
  const responses: Json = {};
  for (const [status, spec] of Object.entries(r.responses)) {
    const type = spec.contentType === undefined ? 'application/json' : spec.contentType;
    responses[status] = {
      description: spec.description,
      ...(type && Number(status) !== 204
        ? { content: { [type]: spec.schema ? { schema: jsonSchema(spec.schema, components) } : {} } }
        : {}),
    };
  }
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  if ((r.params || r.query || r.body) && !responses[400]) responses[400] = error('invalid input (details name the fields)');
  if (r.roles !== 'public') {
    responses[401] ??= error('no valid bearer token');
    if (r.roles.length < ANY_ROLE.length) responses[403] ??= error('role not allowed');
  }
  op.responses = responses;
  return op;
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: readonly RouteRecord[]): Json {
  const schemas: Json = {};
  const paths: Record<string, Json> = {};
  for (const r of routes) (paths[openApiPath(r.path)] ??= {})[r.method] = operation(r, schemas);
  schemas.Error = jsonSchema(errorBody, schemas);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cổng 1022 API',
      version: '0.1.0',
      description:
        'Omnichannel gateway of the provincial public-service hotline 1022: health, metrics, provider webhooks, Rasa-compatible NLU and the console API. See docs/contract.md and docs/console-api.md.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from POST /api/auth/token' } },
      schemas,
    },
    paths,
  };
}

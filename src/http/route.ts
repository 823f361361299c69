/**
 * Routes declared once. `RouteTable.add` takes a route's method, path, roles, summary, zod schemas
 * and handler; it registers the route on an Express router (role check, the route's own middleware,
 * then validation of params, query and body, then the handler) and records it, so that the OpenAPI
 * document (`openapi.ts`) is generated from exactly what is served. A zod failure is a ZodError,
 * which `error-handler.ts` turns into the usual 400 `{error, details: [{path, message}]}`.
 */
import { Router, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware';
import { ROLES, type Role } from '../store/users';

/** The HTTP methods routes use. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: signed-in users of these roles, or anyone (`public`). */
export type Access = readonly Role[] | 'public';

/** Every role (any signed-in user). */
export const ANY_ROLE: readonly Role[] = ROLES;
/** Admins, supervisors and operators. */
export const STAFF: readonly Role[] = ['admin', 'supervisor', 'operator'];
/** Admins and supervisors. */
export const SUPERVISORS: readonly Role[] = ['admin', 'supervisor'];
/** Admins only. */
export const ADMIN: readonly Role[] = ['admin'];

/** Path params `{id}` naming a record by UUID (the route answers 404 for anything else). */
export const idParams = (what: string) => z.object({ id: z.string().describe(`${what} id (UUID; anything else: 404)`) });

/** A documented response (default content type: JSON; `null`: no body). */
export interface ResponseSpec {
  description: string;
  contentType?: string | null;
  schema?: z.ZodType;
}

/** A request body that is not JSON, parsed by the route's own middleware (documentation only). */
export interface RawBodySpec {
  contentTypes: string[];
  description: string;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the validated params, query and body (`undefined` where no schema is declared). */
export interface RouteInput<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

type Schema = z.ZodType | undefined;

/** One route, as declared. */
export interface RouteSpec<P extends Schema, Q extends Schema, B extends Schema> {
  method: Method;
  /** Express path relative to the table, e.g. `/tickets/:code`. */
  path: string;
  roles: Access;
  /** One line for the OpenAPI document. */
  summary: string;
  /** Longer notes for the OpenAPI document (optional). */
  description?: string;
  /** Required when the path has parameters. */
  params?: P;
  query?: Q;
  /** The JSON body (a missing body is validated as `{}`). */
  body?: B;
  rawBody?: RawBodySpec;
  /** Middleware run after the role check and before validation (body parsers, size checks). */
  use?: RequestHandler[];
  responses: Record<number, string | ResponseSpec>;
  /** Answers through `res`, or returns the JSON body to send (status 200; `undefined`: nothing is sent). */
  handler(input: RouteInput<P, Q, B>, req: Request, res: Response, next: NextFunction): unknown;
}

/** A declared route as the OpenAPI document sees it (`path` is the full Express path). */
export interface RouteRecord {
  method: Method;
  path: string;
  tag?: string;
  roles: Access;
  summary: string;
  description?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  rawBody?: RawBodySpec;
  responses: Record<number, ResponseSpec>;
}

/**
 * A router with its route list. `under(prefix)` gives a view on the same router and list whose paths
 * start with `prefix`; middleware (`use`) applies, in order, to every path under the view's prefix.
 */
export class RouteTable {
  private constructor(
    /** The Express router every route and middleware is registered on. */
    readonly router: Router,
    /** Every declared route, in registration order. */
    readonly routes: RouteRecord[],
    private readonly base: string,
    private readonly tag?: string,
  ) {}

  /** An empty table with its own router. */
  static create(): RouteTable {
    return new RouteTable(Router(), [], '');
  }

  /** A view whose paths start with `prefix` (and whose routes carry `tag` in the document). */
  under(prefix: string, tag?: string): RouteTable {
    return new RouteTable(this.router, this.routes, this.base + prefix, tag ?? this.tag);
  }

  /** Middleware (or error middleware) for every path under this view. */
  use(...handlers: (RequestHandler | ErrorRequestHandler)[]): this {
    if (this.base) this.router.use(this.base, ...handlers);
    else this.router.use(...handlers);
    return this;
  }

  /** Declares one route: registers it and records it. */
  add<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(spec: RouteSpec<P, Q, B>): this {
    const path = this.base + spec.path;
    if (/:\w/.test(path) && !spec.params) throw new Error(`route ${spec.method.toUpperCase()} ${path}: declare its params`);
    if (this.routes.some((r) => r.method === spec.method && r.path === path))
      throw new Error(`route ${spec.method.toUpperCase()} ${path} declared twice`);
    const responses: Record<number, ResponseSpec> = {};
    for (const [status, r] of Object.entries(spec.responses)) responses[Number(status)] = typeof r === 'string' ? { description: r } : r;
    this.routes.push({
      method: spec.method,
      path,
      tag: this.tag,
      roles: spec.roles,
      summary: spec.summary,
      description: spec.description,
      params: spec.params,
      query: spec.query,
      body: spec.body,
      rawBody: spec.rawBody,
      responses,
    });
    const guard = spec.roles === 'public' ? [] : [requireRole(...spec.roles)];
    const run: RequestHandler = async (req, res, next) => {
      const input = {
        params: spec.params?.parse(req.params),
        query: spec.query?.parse(req.query),
        body: spec.body?.parse(req.body ?? {}),
      } as RouteInput<P, Q, B>;
      const answer = await spec.handler(input, req, res, next);
      if (answer !== undefined && !res.headersSent) res.json(answer);
    };
    this.router[spec.method](path, ...guard, ...(spec.use ?? []), run);
    return this;
  }
}

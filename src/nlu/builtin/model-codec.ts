/**
 * Turns a trained model (any graph of plain objects, arrays, Maps, Sets, typed arrays and instances
 * of registered classes) into bytes and back, so that one node's training serves every node.
 * The bytes are V8's structured-clone format (typed arrays stay binary, shared references stay
 * shared) behind a small header: a magic word, the codec's format version, the stamp of the code
 * that trained the model, and a SHA-256 of the body. A blob is decoded only when all of these match:
 * a model from other engine code is refused, never half-loaded.
 * https://nodejs.org/api/v8.html#serialization-api
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/** Version of this byte layout (bump when the header or the class tagging changes). */
export const MODEL_CODEC_VERSION = 1;

const MAGIC = Buffer.from('C1022NLM', 'latin1');
/** Key marking an encoded class instance (no real object has a key starting with NUL). */
const CLASS_TAG = '\u0000class';

/** Constructors whose instances may appear in a model, by a stable name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModelClasses = Record<string, abstract new (...args: any[]) => object>;

/** Why a stored model could not be used (corrupt, or made by other code). */
export class ModelRefusedError extends Error {
  override readonly name = 'ModelRefusedError';
}

interface Header {
  codec: number;
  stamp: string;
  sha256: string;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Encodes `model` as bytes stamped with `stamp`; throws on a value it cannot carry (a function, an unregistered class). */
export function encodeModel(model: object, classes: ModelClasses, stamp: string): Buffer {
  const names = new Map<unknown, string>(Object.entries(classes).map(([name, ctor]) => [ctor.prototype, name]));
  const seen = new Map<object, unknown>();
  const encode = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'function' || typeof value === 'symbol') throw new Error(`cannot export the ${typeof value} at ${path}`);
      return value;
    }
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp) {
      seen.set(value, value);
      return value;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      value.forEach((v, i) => out.push(encode(v, `${path}[${i}]`)));
      return out;
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      seen.set(value, out);
      for (const [k, v] of value) out.set(encode(k, `${path}.key`), encode(v, `${path}.get(${String(k)})`));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      seen.set(value, out);
      for (const v of value) out.add(encode(v, `${path}.item`));
      return out;
    }
    const fields: Record<string, unknown> = {};
    const plain = isPlainObject(value);
    const name = plain ? undefined : names.get(Object.getPrototypeOf(value));
    if (!plain && name === undefined)
      throw new Error(`cannot export the ${value.constructor?.name ?? 'object'} at ${path}: register its class`);
    if (plain && CLASS_TAG in value) throw new Error(`cannot export the object at ${path}: it uses a reserved key`);
    const out = plain ? fields : { [CLASS_TAG]: name, fields };
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) fields[k] = encode(v, `${path}.${k}`);
    return out;
  };
  const body = serialize(encode(model, 'model'));
  const header: Header = { codec: MODEL_CODEC_VERSION, stamp, sha256: createHash('sha256').update(body).digest('hex') };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([MAGIC, length, json, body]);
}

/** Decodes bytes made by `encodeModel`; throws `ModelRefusedError` when they are corrupt or stamped by other code. */
export function decodeModel(bytes: Uint8Array, classes: ModelClasses, stamp: string): unknown {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new ModelRefusedError('not a model blob');
  const headerEnd = MAGIC.length + 4 + buf.readUInt32LE(MAGIC.length);
  if (headerEnd > buf.length) throw new ModelRefusedError('truncated model blob');
  let header: Partial<Header>;
  try {
    header = JSON.parse(buf.subarray(MAGIC.length + 4, headerEnd).toString('utf8')) as Partial<Header>;
  } catch {
    throw new ModelRefusedError('unreadable model header');
  }
  if (header.codec !== MODEL_CODEC_VERSION)
    throw new ModelRefusedError(`model codec ${String(header.codec)}, expected ${MODEL_CODEC_VERSION}`);
  if (header.stamp !== stamp) throw new ModelRefusedError('model trained by other engine code');
  const body = buf.subarray(headerEnd);
  if (createHash('sha256').update(body).digest('hex') !== header.sha256)
    throw new ModelRefusedError('model bytes do not match their checksum');
  let tree: unknown;
  try {
    tree = deserialize(body);
  } catch (err) {
    throw new ModelRefusedError(`model body unreadable: ${(err as Error).message}`);
  }
  // `deserialize` builds its values in Node's main realm, which need not be the caller's (Jest runs
  // tests in a realm of their own): types are told by their tag, and every value is rebuilt here.
  const seen = new Map<object, unknown>();
  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    if (ArrayBuffer.isView(value) || tag === 'Date' || tag === 'RegExp') {
      const Ctor = (globalThis as unknown as Record<string, new (from: unknown) => object>)[tag];
      if (typeof Ctor !== 'function') throw new ModelRefusedError(`unexpected ${tag} in model`);
      // Values of this realm are used as they are; others are copied into it.
      const out = Object.getPrototypeOf(value) === Ctor.prototype ? value : new Ctor(value);
      seen.set(value, out);
      return out;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const v of value) out.push(decode(v));
      return out;
    }
    if (tag === 'Map') {
      const out = new Map<unknown, unknown>();
      seen.set(value, out);
      for (const [k, v] of value as Map<unknown, unknown>) out.set(decode(k), decode(v));
      return out;
    }
    if (tag === 'Set') {
      const out = new Set<unknown>();
      seen.set(value, out);
      for (const v of value as Set<unknown>) out.add(decode(v));
      return out;
    }
    const tagged = value as { [CLASS_TAG]?: unknown; fields?: Record<string, unknown> };
    if (CLASS_TAG in tagged) {
      const ctor = typeof tagged[CLASS_TAG] === 'string' ? classes[tagged[CLASS_TAG]] : undefined;
      if (!ctor || typeof tagged.fields !== 'object' || tagged.fields === null)
        throw new ModelRefusedError(`unknown class in model: ${String(tagged[CLASS_TAG])}`);
      // The constructor does not run: the instance gets back exactly the fields it had when exported.
      const out = Object.create(ctor.prototype) as Record<string, unknown>;
      seen.set(value, out);
      for (const [k, v] of Object.entries(tagged.fields)) out[k] = decode(v);
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) out[k] = decode(v);
    return out;
  };
  return decode(tree);
}

let cachedCodeStamp: string | undefined;

/**
 * A hash of the NLU code as this process runs it (every source file under `src/nlu`, or its build
 * under `dist/`, and the seeded random source): a model is reused only by the code that trained it,
 * so any change to the engine, its features or its word lists makes older stored models unusable.
 */
export function nluCodeStamp(): string {
  if (cachedCodeStamp) return cachedCodeStamp;
  const ext = extname(__filename);
  const root = resolve(__dirname, '..');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(ext) && !name.endsWith(`.d${ext}`)) files.push(path);
    }
  };
  walk(root);
  files.push(resolve(root, '..', `seeded-random${ext}`));
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  cachedCodeStamp = hash.digest('hex');
  return cachedCodeStamp;
}

/**
 * A provider's media CDN (Zalo `dl-oa.zadn.vn`, Messenger `scontent.xx.fbcdn.net`) on loopback:
 * serves the files a test puts on it, can fail a path a few times first, redirect, and counts hits.
 */
import { startFakeServer } from './fake-server';

/** A file the fake CDN serves. */
export interface CdnFile {
  body: Buffer;
  contentType: string;
  /** Answer 503 this many times before serving it (default: 0). */
  failFirst?: number;
  /** Answer with a redirect to this path instead. */
  redirectTo?: string;
}

/** A running fake CDN. */
export interface FakeCdn {
  baseUrl: string;
  /** Serves `file` at `path`; returns its full URL. */
  put(path: string, file: CdnFile): string;
  /** Requests seen per path. */
  hits(path: string): number;
  close(): Promise<void>;
}

/** Starts a fake CDN on 127.0.0.1. */
export async function startFakeCdn(): Promise<FakeCdn> {
  const files = new Map<string, CdnFile>();
  const counts = new Map<string, number>();
  const server = await startFakeServer((rec, res) => {
    counts.set(rec.path, (counts.get(rec.path) ?? 0) + 1);
    const file = files.get(rec.path);
    if (!file) return void res.writeHead(404).end();
    if (file.redirectTo) return void res.writeHead(302, { location: file.redirectTo }).end();
    if ((file.failFirst ?? 0) > 0) {
      file.failFirst!--;
      return void res.writeHead(503).end();
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.body.length) }).end(file.body);
  });
  return {
    baseUrl: server.baseUrl,
    put(path, file) {
      files.set(path, { ...file });
      return `${server.baseUrl}${path}`;
    },
    hits: (path) => counts.get(path) ?? 0,
    close: () => server.close(),
  };
}

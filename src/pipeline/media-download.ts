/**
 * Downloads a file a provider serves from its CDN (Zalo, Messenger), carefully: http(s) only, a
 * time limit, few redirects, and never to a private or local address (a citizen's payload must not
 * make us fetch from our own network) unless the host is explicitly trusted (MEDIA_PRIVATE_HOSTS,
 * for fake providers in tests). The address is checked when it is resolved, so DNS rebinding
 * between a check and the connection does not get through.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/** A download that failed; `retryable` for network trouble and 5xx, not for a refused address or a 404. */
export class MediaDownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'MediaDownloadError';
  }
}

/** How a download is limited. */
export interface MediaDownloadOptions {
  /** Whole download, headers and body (default: 30 s). */
  timeoutMs?: number;
  /** Redirects followed (default: 3). */
  maxRedirects?: number;
  /** Host names allowed to resolve to private or local addresses (default: none). */
  privateHosts?: readonly string[];
}

/** An answered download: the body as a stream and the type the server declared. */
export interface MediaResponse {
  body: IncomingMessage;
  contentType: string;
  /** Content-Length when the server sent one. */
  length: number | null;
  /** The URL finally answered (after redirects). */
  url: string;
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** True for an address of a private, local, link-local or reserved network (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http(s).request that refuses private addresses. */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || list.length === 0) {
      const refused: NodeJS.ErrnoException = new Error(`địa chỉ nội bộ bị chặn (${hostname})`);
      refused.code = 'EPRIVATEADDR';
      return callback(refused, '');
    }
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

/** Starts a download of `url`; the caller reads (or destroys) `body`. */
export async function downloadMedia(url: string, opts: MediaDownloadOptions = {}): Promise<MediaResponse> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const trusted = new Set((opts.privateHosts ?? []).map((h) => h.toLowerCase()));
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const res = await requestOnce(current, deadline, trusted);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (redirects >= (opts.maxRedirects ?? 3)) throw new MediaDownloadError('quá nhiều lần chuyển hướng', false);
      current = new URL(res.headers.location, current).toString();
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new MediaDownloadError(`máy chủ trả về HTTP ${status}`, status >= 500 || status === 429 || status === 408);
    }
    const length = Number(res.headers['content-length']);
    return {
      body: res,
      contentType: String(res.headers['content-type'] ?? ''),
      length: Number.isFinite(length) && res.headers['content-length'] !== undefined ? length : null,
      url: current,
    };
  }
}

function requestOnce(url: string, deadline: number, trusted: ReadonlySet<string>): Promise<IncomingMessage> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new MediaDownloadError('địa chỉ tệp không hợp lệ', false));
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    return Promise.reject(new MediaDownloadError(`giao thức không được phép (${u.protocol})`, false));
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowPrivate = trusted.has(host);
  // A literal address is never looked up: check it here.
  if (!allowPrivate && isIP(host) && isPrivateAddress(host))
    return Promise.reject(new MediaDownloadError(`địa chỉ nội bộ bị chặn (${host})`, false));
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new MediaDownloadError('hết thời gian tải', true));
  return new Promise((resolve, reject) => {
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, { method: 'GET', lookup: allowPrivate ? undefined : guardedLookup, headers: { accept: '*/*' } }, (res) => {
      clearTimeout(timer);
      // The body must arrive within the same deadline.
      const bodyTimer = setTimeout(
        () => res.destroy(new MediaDownloadError('hết thời gian tải', true)),
        Math.max(1, deadline - Date.now()),
      );
      res.once('close', () => clearTimeout(bodyTimer));
      resolve(res);
    });
    const timer = setTimeout(() => req.destroy(new MediaDownloadError('hết thời gian tải', true)), remaining);
    req.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err instanceof MediaDownloadError) return reject(err);
      if (err.code === 'EPRIVATEADDR') return reject(new MediaDownloadError(err.message, false));
      reject(new MediaDownloadError(`lỗi mạng: ${err.code ?? err.message}`, true));
    });
    req.end();
  });
}

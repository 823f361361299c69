/** The console API client: bearer token in localStorage, Vietnamese errors, blobs for files. */

const TOKEN_KEY = 'cong1022.token';

/** An error answered by the API (`{error, details?}`) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** Fired when the server says the session is no longer valid. */
export const SESSION_EXPIRED = 'cong1022:session-expired';

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  const t = getToken();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

async function raise(res: Response): Promise<never> {
  let message = `Lỗi máy chủ (${res.status})`;
  let details: unknown;
  try {
    const body = await res.json();
    if (body && typeof body.error === 'string') message = body.error;
    details = body?.details;
  } catch {
    /* not JSON */
  }
  if (res.status === 401 && getToken()) window.dispatchEvent(new Event(SESSION_EXPIRED));
  if (res.status === 404 && message === 'Not found') message = 'Chức năng này chưa có trên máy chủ';
  throw new ApiError(res.status, message, details);
}

async function send(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      ...init,
    });
  } catch {
    throw new ApiError(0, 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
  }
  if (!res.ok) await raise(res);
  return res;
}

/** Query string from an object, skipping empty values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const api = {
  async get<T>(path: string, init?: RequestInit): Promise<T> {
    return (await send('GET', path, undefined, init)).json() as Promise<T>;
  },
  async post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    const res = await send('POST', path, body);
    return (res.status === 204 ? {} : await res.json().catch(() => ({}))) as T;
  },
  async put<T = unknown>(path: string, body: unknown): Promise<T> {
    return (await send('PUT', path, body)).json() as Promise<T>;
  },
  async patch<T = unknown>(path: string, body: unknown): Promise<T> {
    return (await send('PATCH', path, body)).json() as Promise<T>;
  },
  async del(path: string): Promise<void> {
    await send('DELETE', path);
  },
  /** Sends a raw body (file upload, CSV import). */
  async raw<T>(path: string, body: Blob | string, contentType: string, extra: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, { method: 'POST', headers: headers({ 'Content-Type': contentType, ...extra }), body });
    } catch {
      throw new ApiError(0, 'Không kết nối được máy chủ.');
    }
    if (!res.ok) await raise(res);
    return res.json() as Promise<T>;
  },
  async blob(path: string): Promise<Blob> {
    return (await send('GET', path)).blob();
  },
};

/** Downloads an authenticated file (exports, PDF) under a file name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await send('GET', path);
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1] ?? m[2]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens authenticated server-rendered HTML (the printable processing log) in a new tab. */
export async function openHtml(path: string): Promise<void> {
  const win = window.open('', '_blank');
  try {
    const blob = await api.blob(path);
    const url = URL.createObjectURL(new Blob([blob], { type: 'text/html;charset=utf-8' }));
    if (win) win.location.href = url;
    else window.location.href = url;
  } catch (err) {
    win?.close();
    throw err;
  }
}

/** Attachment blobs as object URLs, cached for the session. */
const blobUrls = new Map<string, Promise<string>>();
export function attachmentUrl(id: string): Promise<string> {
  let p = blobUrls.get(id);
  if (!p) {
    p = api.blob(`/api/attachments/${encodeURIComponent(id)}`).then((b) => URL.createObjectURL(b));
    p.catch(() => blobUrls.delete(id));
    blobUrls.set(id, p);
  }
  return p;
}

/**
 * Which attachment URLs the console may load or link: our own attachment route (same origin) and
 * https URLs on public hosts. Anything else a citizen's message may carry — `data:`, `javascript:`,
 * `file:`, plain http, or a local or private address that would make an operator's browser probe
 * the office network — is shown as a name without a link.
 */

const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^0\./,
  /^169\.254\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

/** True for host names that are local or private (names and IP literals as the URL parser normalizes them; no DNS). */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h.includes(':')) return isLocalV6(h);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) return PRIVATE_V4.some((re) => re.test(h));
  return !h.includes('.') || /(^|\.)(localhost|local|internal|lan|home|corp)$/.test(h);
}

// Loopback, unspecified, IPv4-mapped (any: their IPv4 part is written in hex), unique-local and link-local.
function isLocalV6(h: string): boolean {
  return h === '::1' || h === '::' || h.startsWith('::ffff:') || /^f[cd]/.test(h) || /^fe[89ab]/.test(h);
}

/** The URL when the console may load or link it, else null. `origin` is the console's own origin. */
export function safeAttachmentUrl(url: string | null | undefined, origin: string): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url, origin);
  } catch {
    return null;
  }
  // On our own origin only the attachment route (a relative URL resolves here too).
  if (u.origin === origin) return u.pathname.startsWith('/api/attachments/') ? u.href : null;
  if (u.protocol !== 'https:' || u.username || u.password) return null;
  return isLocalHost(u.hostname) ? null : u.href;
}

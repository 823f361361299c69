/**
 * The real type of a file from its first bytes (magic numbers), for the types we accept and the
 * dangerous ones we refuse; a small table rather than a dependency, since only these matter here.
 * One table for the core (provider media, `pipeline/fetch-media.ts`) and adapters (live-chat uploads).
 */

/** Bytes to read before sniffing (default: 64). */
export const SNIFF_BYTES = 64;

const at = (head: Buffer, offset: number, bytes: number[] | string): boolean => {
  const want = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  return head.length >= offset + want.length && head.subarray(offset, offset + want.length).equals(want);
};

/** The MIME type the bytes really are, or null when not recognised (e.g. plain text). */
export function sniffMimeType(head: Buffer): string | null {
  if (at(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at(head, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(head, 0, 'GIF87a') || at(head, 0, 'GIF89a')) return 'image/gif';
  if (at(head, 0, 'RIFF') && at(head, 8, 'WEBP')) return 'image/webp';
  if (at(head, 0, 'RIFF') && at(head, 8, 'WAVE')) return 'audio/wav';
  if (at(head, 0, '%PDF-')) return 'application/pdf';
  if (at(head, 4, 'ftyp')) {
    const brand = head.subarray(8, 12).toString('latin1');
    if (/^(heic|heix|heim|heis|mif1)$/.test(brand)) return 'image/heic';
    if (/^M4A /.test(brand)) return 'audio/mp4';
    if (/^qt {2}$/.test(brand)) return 'video/quicktime';
    if (/^3g/.test(brand)) return 'video/3gpp';
    return 'video/mp4';
  }
  if (at(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (at(head, 0, 'OggS')) return 'audio/ogg';
  if (at(head, 0, 'ID3') || (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0))
    return 'audio/mpeg';
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xf6) === 0xf0) return 'audio/aac';
  if (at(head, 0, '#!AMR')) return 'audio/amr';
  if (at(head, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-cfb';
  if (at(head, 0, 'PK\x03\x04')) return 'application/zip';
  if (at(head, 0, 'MZ')) return 'application/x-msdownload';
  if (at(head, 0, [0x7f, 0x45, 0x4c, 0x46])) return 'application/x-elf';
  const text = head.toString('latin1').trimStart().slice(0, 16).toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<svg') || text.startsWith('<?xml'))
    return 'text/html';
  return null;
}

/** Containers the sniffer sees for declared types it cannot tell apart by their first bytes. */
const CONTAINERS: Record<string, string[]> = {
  'application/zip': [
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
  'application/x-cfb': ['application/msword', 'application/vnd.ms-excel'],
  'image/heic': ['image/heif'],
  'audio/mp4': ['audio/x-m4a', 'audio/aac'],
  'video/mp4': ['audio/mp4', 'audio/x-m4a', 'video/3gpp', 'video/quicktime'],
  'video/quicktime': ['video/mp4'],
  'video/3gpp': ['video/mp4'],
};

/** True when bytes sniffed as `sniffed` are what `declared` says (`image/jpg` is `image/jpeg`). */
export function typesAgree(declared: string, sniffed: string): boolean {
  const d = declared === 'image/jpg' ? 'image/jpeg' : declared;
  return d === sniffed || (CONTAINERS[sniffed]?.includes(d) ?? false);
}

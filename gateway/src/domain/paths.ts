/** Longest path segment accepted, once decoded (ids are far shorter). */
export const MAX_SEGMENT_LENGTH = 256;
/** Longest raw path accepted. */
export const MAX_PATH_LENGTH = 4096;

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

// Characters that need no encoding in a path segment (RFC 3986 pchar without '%').
const PLAIN = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Checks a raw request path and returns it percent-encoded the canonical way, so the
 * service decodes exactly the id the caller meant. Invalid percent-encoding, control
 * characters and over-long segments are refused.
 */
export function canonicalPath(raw: string): PathCheck {
  if (raw.length > MAX_PATH_LENGTH) return { ok: false, reason: 'the path is too long' };

  const segments = raw.split('/');
  if (PLAIN.test(raw)) {
    const long = segments.find((s) => s.length > MAX_SEGMENT_LENGTH);
    return long === undefined ? { ok: true, path: raw } : tooLong();
  }

  const out: string[] = [];
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { ok: false, reason: 'the path has invalid percent-encoding' };
    }
    if (hasControl(decoded)) return { ok: false, reason: 'the path has control characters' };
    if (decoded.length > MAX_SEGMENT_LENGTH) return tooLong();
    out.push(encodeURIComponent(decoded));
  }
  return { ok: true, path: out.join('/') };
}

function tooLong(): PathCheck {
  return { ok: false, reason: `a path segment is longer than ${MAX_SEGMENT_LENGTH} characters` };
}

import type { FastifyInstance } from 'fastify';

// C0 controls and DEL, but not tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Removes control characters (tab and line breaks aside) from every string in a value. */
export function stripControlCharacters(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(CONTROL, '');
  if (Array.isArray(value)) return value.map(stripControlCharacters);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = stripControlCharacters(inner);
    return out;
  }
  return value;
}

/** Requests whose body may hold a string that validation coerces to a non-finite number. */
export const mayHoldNonFinite = new WeakSet<object>();

/** The path of the first number in a value that is not finite, if any. */
export function nonFinitePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = nonFinitePath(inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Parses JSON bodies with Fastify's own parser (prototype-poisoning checks included), then
 * strips control characters such as NUL from strings: PostgreSQL cannot store them as text,
 * and nothing a client means is lost with them. Valid JSON carries them only as `\u00XX` or
 * `\u007f` escapes, so bodies without such an escape skip the walk.
 */
export function stripControlsFromJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const text = body as string;
      if (/Infinity|[eE][+]?\d{3}/.test(text)) mayHoldNonFinite.add(request);
      const escaped = text.includes('\\u00') || text.includes('\\u007');
      done(null, escaped ? stripControlCharacters(value) : value);
    });
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonErrors } from './errors';

/** JSON bodies nested deeper than this are refused; no route of ours needs more than a few. */
export const MAX_JSON_DEPTH = 32;

// C0 controls and DEL, but not tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_TEST = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A high surrogate not followed by a low one, or a low one without its high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LONE_SURROGATE_TEST =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What a route does with control characters and unpaired surrogates in its JSON body, set as
 * `config: { bodyText: 'clean' }`. By default they are refused: PostgreSQL cannot store a NUL
 * as text, and quietly removing one from an id would make two ids one. Routes that take free
 * text a person typed or pasted (a support message) clean them instead: controls removed,
 * unpaired surrogates replaced by U+FFFD. A route that judges each item of a batch on its own
 * keeps them and does its own checks.
 */
export type BodyTextPolicy = 'refuse' | 'clean' | 'keep';

declare module 'fastify' {
  interface FastifyContextConfig {
    bodyText?: BodyTextPolicy;
  }
}

/** Removes control characters (tab and line breaks aside) and mends unpaired surrogates. */
export function cleanText(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(CONTROL, '').replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(value)) return value.map(cleanText);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[cleanText(key) as string] = cleanText(inner);
    return out;
  }
  return value;
}

function badText(text: string): boolean {
  return CONTROL_TEST.test(text) || LONE_SURROGATE_TEST.test(text);
}

function fieldPath(path: string, key: string, inArray: boolean): string {
  if (inArray) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** The path of the first string (or key) holding a control character or lone surrogate. */
export function badTextPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return badText(value) ? path || '(body)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const inArray = Array.isArray(value);
  for (const [key, inner] of Object.entries(value)) {
    const at = fieldPath(path, JSON.stringify(key).slice(1, -1), inArray);
    if (!inArray && badText(key)) return at;
    const found = badTextPath(inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** What one pass over a JSON text tells before it is parsed. */
export interface JsonShape {
  /** How deep arrays and objects nest (brackets in strings aside), up to just past the limit. */
  depth: number;
  /**
   * Whether a string holds a `\u` escape or a raw DEL: JSON must escape the other control
   * characters, but takes DEL as it is.
   */
  mayHoldControl: boolean;
}

/** Reads a JSON text's nesting and escapes in one pass, stopping once `limit` is passed. */
export function scanJson(text: string, limit = Infinity): JsonShape {
  let depth = 0;
  let deepest = 0;
  let mayHoldControl = false;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        // A backslash: note a `\u`, and skip the escaped character.
        if (text.charCodeAt(i + 1) === 0x75) mayHoldControl = true;
        i++;
      } else if (c === 0x22) inString = false;
      else if (c === 0x7f) mayHoldControl = true;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) break;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return { depth: deepest, mayHoldControl };
}

/** Requests whose body may hold a string that validation coerces to a non-finite number. */
export const mayHoldNonFinite = new WeakSet<object>();

/** The path of the first number in a value that is not finite, if any. */
export function nonFinitePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFinitePath(inner, fieldPath(path, key, Array.isArray(value)));
    if (found !== undefined) return found;
  }
  return undefined;
}

function policyOf(request: FastifyRequest): BodyTextPolicy {
  return request.routeOptions.config?.bodyText ?? 'refuse';
}

/**
 * Parses JSON bodies with Fastify's own parser (prototype-poisoning checks included), then
 * refuses bodies nested deeper than {@link MAX_JSON_DEPTH} and, unless the route cleans free
 * text, strings holding control characters or unpaired surrogates, naming the field. Valid
 * JSON carries those only as `\u` escapes or a raw DEL, so bodies without either skip the
 * walk.
 */
export function parseJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const shape = scanJson(text, MAX_JSON_DEPTH);
    if (shape.depth > MAX_JSON_DEPTH) {
      done(
        CommonErrors.VALIDATION_FAILED(`the body nests deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
      return;
    }
    void parse(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      if (/Infinity|[eE][+]?\d{3}/.test(text)) mayHoldNonFinite.add(request);
      const policy = policyOf(request);
      if (policy === 'keep' || !shape.mayHoldControl) {
        done(null, value);
        return;
      }
      if (policy === 'clean') {
        done(null, cleanText(value));
        return;
      }
      const field = badTextPath(value);
      if (field === undefined) {
        done(null, value);
        return;
      }
      done(
        CommonErrors.VALIDATION_FAILED(
          `body.${field} holds a control character or an unpaired surrogate`,
          { field },
        ),
        undefined,
      );
    });
  });
}

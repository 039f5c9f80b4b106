import { Type, type Static } from '@sinclair/typebox';
import { SCOPES } from '../domain/scopes';

const Scope = Type.Union(SCOPES.map((s) => Type.Literal(s)));

// Control characters (C0, DEL, C1; PostgreSQL cannot store a NUL) and lone surrogates.
const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff';
// Bidirectional marks, embeddings, overrides and isolates, which reorder the text around
// them: `invoice\u202etxt.exe` shows as `invoiceexe.txt` in a listing or a log line.
const BIDI_CONTROLS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
// Line and paragraph separators break a listing's line like a newline.
const SEPARATORS = '\\u2028\\u2029';
// Zero-width characters: allowed inside a name (emoji sequences join with them), not alone.
const INVISIBLE = '\\u200b-\\u200d\\u2060\\ufeff';
// None of those, and something visible.
const PRINTABLE = `^(?![\\s${INVISIBLE}]*$)[^${CONTROLS}${BIDI_CONTROLS}${SEPARATORS}]+$`;
// A TCP port, 1 to 65535, written as browsers write it (no leading zero).
const PORT =
  '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
// Browsers leave out the scheme's default port, so an origin naming it would never match.
const NO_DEFAULT_PORT = '(?!http://[^/]*:80$)(?!https://[^/]*:443$)';
// An origin as browsers send it: scheme, ASCII host name or [IPv6], optional port.
const ORIGIN =
  `^${NO_DEFAULT_PORT}https?://([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])` +
  `(:${PORT})?$`;

export const CreateKeyBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: PRINTABLE,
      description:
        'Who uses the key; no control, bidirectional formatting or line separator ' +
        'characters, not only white space or zero-width characters',
    }),
    scopes: Type.Array(Scope, { minItems: 1, uniqueItems: true }),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    allowedOrigins: Type.Optional(
      Type.Array(
        Type.String({
          pattern: ORIGIN,
          maxLength: 200,
          description: 'An origin such as `https://shop.example` or `http://127.0.0.1:3000`',
        }),
        { maxItems: 50 },
      ),
    ),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', maxLength: 40, description: 'In the future' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateKeyBody = Static<typeof CreateKeyBody>;

export const KeyIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type KeyIdParams = Static<typeof KeyIdParams>;

const KeyFields = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  rateLimitPerMinute: Type.Integer(),
  allowedOrigins: Type.Array(Type.String()),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
};

export const KeyView = Type.Object(KeyFields);
export const CreatedKey = Type.Object({
  ...KeyFields,
  key: Type.String({ description: 'The key itself; shown only in this answer' }),
});
export const KeyList = Type.Object({ keys: Type.Array(KeyView) });

/**
 * Integers read from query strings and paths. Ajv coerces text with `Number()`, which takes
 * `0x10`, `1e1`, `0b11` and ` 5` for integers; a caller who sends those has made a mistake,
 * so integer fields take plain decimal digits, with a leading minus for the schema's own
 * range checks to accept or refuse.
 */
const DECIMAL = /^-?[0-9]+$/;

interface SchemaNode {
  type?: unknown;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  allOf?: SchemaNode[];
}

const fieldsBySchema = new WeakMap<object, string[]>();

function holdsInteger(schema: SchemaNode): boolean {
  if (schema.type === 'integer') return true;
  return schema.type === 'array' && schema.items !== undefined && holdsInteger(schema.items);
}

function collectIntegerFields(schema: SchemaNode, into: string[]): string[] {
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (holdsInteger(property)) into.push(name);
  }
  for (const part of schema.allOf ?? []) collectIntegerFields(part, into);
  return into;
}

/** Names of the top-level fields of an object schema that hold integers (or lists of them). */
export function integerFields(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  let fields = fieldsBySchema.get(schema);
  if (fields === undefined) {
    fields = collectIntegerFields(schema as SchemaNode, []);
    fieldsBySchema.set(schema, fields);
  }
  return fields;
}

/** The first of `fields` whose text in `values` is not plain decimal digits. */
export function nonDecimalField(values: unknown, fields: string[]): string | undefined {
  if (fields.length === 0 || values === null || typeof values !== 'object') return undefined;
  const record = values as Record<string, unknown>;
  for (const name of fields) {
    const value = record[name];
    const items: unknown[] = Array.isArray(value) ? value : [value];
    if (items.some((v) => typeof v === 'string' && !DECIMAL.test(v))) return name;
  }
  return undefined;
}

import { ContentIndex } from './content';
import { IdIndex } from './dataset';
import { SessionModel } from './session';
import { UserModels } from './user-models';

/**
 * Moves model data between threads cheaply. A structured clone of a snapshot copies a
 * hundred thousand small typed arrays, every basket id of every history and every sparse
 * map one by one, and on Online Retail the receiving thread spends 300 to 600 ms rebuilding
 * them in one go on its event loop. Packed, the same data is a few dozen flat typed arrays
 * whose buffers are transferred (moved, not copied), a table of distinct strings and small
 * reference objects; unpacking makes views over the flat arrays (60 to 150 ms). Model
 * classes travel as their fields and get their prototype back, so a class of the snapshot
 * must keep its state in own fields.
 */

/** Classes that may appear in a packed value, by name. */
const CLASSES: Record<string, { prototype: object }> = {
  IdIndex,
  UserModels,
  SessionModel,
  ContentIndex,
};
const CLASS_NAMES = new Map(Object.entries(CLASSES).map(([name, c]) => [c.prototype, name]));

type Typed = Int32Array | Float32Array | Float64Array | Uint8Array;
const TYPED = { Int32Array, Float32Array, Float64Array, Uint8Array };
type TypedName = keyof typeof TYPED;

/** A packed value with the pools its references point into. */
export interface Packed {
  value: unknown;
  strings: string[];
  codes: Int32Array;
  numbers: Float64Array;
}

/** What `pack` returns: the message and the buffers to transfer with it. */
export interface PackedMessage {
  packed: Packed;
  transfer: ArrayBuffer[];
}

// Packed forms, told apart from plain objects by an '@' field no model object has.
interface Rows {
  '@': 'rows';
  type: TypedName;
  flat: Typed;
  offsets: Int32Array;
}
interface Slice {
  '@': 'strings' | 'floats' | 'numberMap';
  start: number;
  length: number;
}
interface Columns {
  '@': 'columns';
  length: number;
  columns: Record<string, unknown>;
}
interface Entries {
  '@': 'map';
  entries: [unknown, unknown][];
}
interface Instance {
  '@': 'class';
  name: string;
  fields: Record<string, unknown>;
}
type Tagged = Rows | Slice | Columns | Entries | Instance;

const isTyped = (v: unknown): v is Typed => ArrayBuffer.isView(v) && !(v instanceof DataView);
const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function typedName(v: Typed): TypedName | undefined {
  const name = v.constructor.name;
  return name in TYPED ? (name as TypedName) : undefined;
}

function sameKeys(objects: readonly unknown[]): string[] | undefined {
  if (objects.length < 2 || !objects.every(isPlain)) return undefined;
  const keys = Object.keys(objects[0]);
  const same = objects.every((o) => {
    const own = Object.keys(o);
    return own.length === keys.length && own.every((k, i) => k === keys[i]);
  });
  return same ? keys : undefined;
}

/** Packs `value` for `postMessage(packed, transfer)`; the sender must not use it afterwards. */
export function pack(value: unknown): PackedMessage {
  const strings: string[] = [];
  const stringCodes = new Map<string, number>();
  const codes: number[] = [];
  const numbers: number[] = [];
  const buffers = new Set<ArrayBuffer>();
  const seen = new Map<object, unknown>();

  const slice = (tag: Slice['@'], start: number, end: number): Slice => ({
    '@': tag,
    start,
    length: end - start,
  });

  const rows = (list: Typed[], type: TypedName): Rows => {
    const offsets = new Int32Array(list.length + 1);
    list.forEach((row, i) => (offsets[i + 1] = offsets[i] + row.length));
    const flat = new TYPED[type](offsets[list.length]);
    list.forEach((row, i) => flat.set(row, offsets[i]));
    buffers.add(flat.buffer as ArrayBuffer).add(offsets.buffer as ArrayBuffer);
    return { '@': 'rows', type, flat, offsets };
  };

  const packArray = (list: unknown[]): unknown => {
    const first = list[0];
    if (list.length === 0) return [];
    if (list.every((v) => typeof v === 'string')) {
      const start = codes.length;
      for (const s of list as string[]) {
        let code = stringCodes.get(s);
        if (code === undefined) {
          code = strings.push(s) - 1;
          stringCodes.set(s, code);
        }
        codes.push(code);
      }
      return slice('strings', start, codes.length);
    }
    if (list.every((v) => typeof v === 'number')) {
      const start = numbers.length;
      for (const n of list as number[]) numbers.push(n);
      return slice('floats', start, numbers.length);
    }
    const type = isTyped(first) ? typedName(first) : undefined;
    if (type !== undefined && list.every((v) => isTyped(v) && v.constructor === first?.constructor))
      return rows(list as Typed[], type);
    const keys = sameKeys(list);
    if (keys !== undefined) {
      const records = list as Record<string, unknown>[];
      const columns: Record<string, unknown> = {};
      for (const k of keys) columns[k] = packArray(records.map((r) => r[k]));
      return { '@': 'columns', length: list.length, columns } satisfies Columns;
    }
    return list.map(walk);
  };

  const packMap = (map: Map<unknown, unknown>): unknown => {
    const entries = [...map];
    if (entries.every(([k, v]) => typeof k === 'number' && typeof v === 'number')) {
      const start = numbers.length;
      for (const [k, v] of entries as [number, number][]) numbers.push(k, v);
      return slice('numberMap', start, numbers.length);
    }
    return { '@': 'map', entries: entries.map(([k, v]) => [walk(k), walk(v)]) } satisfies Entries;
  };

  const packObject = (object: object): unknown => {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(object)) fields[k] = walk(v);
    if (isPlain(object)) return fields;
    const name = CLASS_NAMES.get(Object.getPrototypeOf(object) as object);
    if (name === undefined) throw new Error(`cannot pack a ${object.constructor.name}`);
    return { '@': 'class', name, fields } satisfies Instance;
  };

  function walk(v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    const known = seen.get(v);
    if (known !== undefined) return known;
    let out: unknown;
    if (isTyped(v)) {
      if (v.byteLength > 0) buffers.add(v.buffer as ArrayBuffer);
      out = v;
    } else if (Array.isArray(v)) out = packArray(v);
    else if (v instanceof Map) out = packMap(v);
    else out = packObject(v);
    seen.set(v, out);
    return out;
  }

  const packed: Packed = {
    value: walk(value),
    strings,
    codes: Int32Array.from(codes),
    numbers: Float64Array.from(numbers),
  };
  buffers.add(packed.codes.buffer as ArrayBuffer).add(packed.numbers.buffer as ArrayBuffer);
  return { packed, transfer: [...buffers] };
}

/** The value `pack` was given, rebuilt from what arrived with the message. */
export function unpack<T>(packed: Packed): T {
  const { strings, codes, numbers } = packed;
  const seen = new Map<object, unknown>();

  const unpackTagged = (t: Tagged): unknown => {
    switch (t['@']) {
      case 'strings': {
        const out: string[] = new Array<string>(t.length);
        for (let i = 0; i < t.length; i++) out[i] = strings[codes[t.start + i]];
        return out;
      }
      case 'floats': {
        const out: number[] = new Array<number>(t.length);
        for (let i = 0; i < t.length; i++) out[i] = numbers[t.start + i];
        return out;
      }
      case 'numberMap': {
        const map = new Map<number, number>();
        for (let i = t.start; i < t.start + t.length; i += 2) map.set(numbers[i], numbers[i + 1]);
        return map;
      }
      case 'rows': {
        const Typed = TYPED[t.type];
        const { byteOffset } = t.flat;
        const buffer = t.flat.buffer as ArrayBuffer;
        const size = Typed.BYTES_PER_ELEMENT;
        const out: Typed[] = new Array<Typed>(t.offsets.length - 1);
        for (let i = 0; i < out.length; i++) {
          const from = t.offsets[i];
          out[i] = new Typed(buffer, byteOffset + from * size, t.offsets[i + 1] - from);
        }
        return out;
      }
      case 'columns': {
        const columns = Object.entries(t.columns).map(([k, c]) => [k, walk(c)] as const);
        return Array.from({ length: t.length }, (_, i) => {
          const record: Record<string, unknown> = {};
          for (const [k, column] of columns) record[k] = (column as unknown[])[i];
          return record;
        });
      }
      case 'map':
        return new Map(t.entries.map(([k, v]) => [walk(k), walk(v)]));
      case 'class':
        return Object.assign(Object.create(CLASSES[t.name].prototype) as object, walk(t.fields));
    }
  };

  function walk(v: unknown): unknown {
    if (typeof v !== 'object' || v === null || isTyped(v)) return v;
    const known = seen.get(v);
    if (known !== undefined) return known;
    let out: unknown;
    if (Array.isArray(v)) out = v.map(walk);
    else if ('@' in v) out = unpackTagged(v as Tagged);
    else out = Object.fromEntries(Object.entries(v).map(([k, f]) => [k, walk(f)]));
    seen.set(v, out);
    return out;
  }

  return walk(packed.value) as T;
}

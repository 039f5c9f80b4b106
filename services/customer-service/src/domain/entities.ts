/** An entity found in a message, with its character span. */
export interface Entity {
  type: EntityType;
  value: string;
  start: number;
  end: number;
}

export type EntityType = 'order_number' | 'email' | 'amount' | 'date' | 'sku' | 'postcode';

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|' +
  'sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const MONTH_STEMS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');

/** Whether a day of a month is on the calendar; without a year, of some year (29 February). */
function realDay(day: number, month: number, year = 2000): boolean {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Whether a date as the pattern found it names a real day, such that 2011-02-30 or
 * 31 April is no date. Numbers with slashes or dots may put the day or the month first.
 */
function possibleDate(value: string): boolean {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (iso) return realDay(Number(iso[3]), Number(iso[2]), Number(iso[1]));
  const numeric = /^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$/.exec(value);
  if (numeric) {
    const [a, b] = [Number(numeric[1]), Number(numeric[2])];
    const year = Number(numeric[3]) + (numeric[3].length === 2 ? 2000 : 0);
    return realDay(a, b, year) || realDay(b, a, year);
  }
  const lower = value.toLowerCase();
  const month = MONTH_STEMS.indexOf(/[a-z]{3,}/.exec(lower)?.[0].slice(0, 3) ?? '') + 1;
  const day = Number(/\b(\d{1,2})(?:st|nd|rd|th)?\b/.exec(lower)?.[1]);
  const year = /\b\d{4}\b/.exec(lower)?.[0];
  return realDay(day, month, year === undefined ? undefined : Number(year));
}

/**
 * Patterns in priority order: an earlier pattern wins an overlapping span. Order numbers
 * are Online Retail invoice numbers (six digits, `C` first when cancelled) or any long
 * number after a word such as "order" or "invoice". A match `accept` refuses is no entity.
 */
const RULES: {
  type: EntityType;
  pattern: RegExp;
  group?: number;
  accept?: (value: string) => boolean;
}[] = [
  { type: 'email', pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  {
    type: 'amount',
    pattern: new RegExp(
      String.raw`(?:[$€£]\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?|` +
        String.raw`\b(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?\s?` +
        String.raw`(?:dollars?|euros?|pounds?|usd|eur|gbp)\b)`,
      'gi',
    ),
  },
  {
    type: 'date',
    pattern: new RegExp(
      String.raw`\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|` +
        String.raw`\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:${MONTHS})\.?(?:,?\s+\d{4})?|` +
        String.raw`(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?)\b`,
      'gi',
    ),
    accept: possibleDate,
  },
  {
    type: 'sku',
    pattern: new RegExp(
      String.raw`\b(?:sku|item|product|article|stock\s*code|code)\s*(?:no\.?|number|#)?` +
        String.raw`\s*:?\s*#?([0-9]{4,6}[A-Za-z]{0,2})\b|\b([0-9]{5}[A-Za-z]{1,2})\b`,
      'gi',
    ),
  },
  {
    type: 'order_number',
    pattern: new RegExp(
      String.raw`(?:\b(?:order|purchase|invoice|bill|receipt|reference|ref)` +
        String.raw`\s*(?:no\.?|number|num|id|#)?\s*:?\s*)` +
        String.raw`(#?[A-Za-z]?\d[\d-]{3,24})\b|#?\b([Cc]?\d{6,20})\b`,
      'gi',
    ),
  },
  {
    type: 'postcode',
    pattern: new RegExp(
      String.raw`\b([A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b|` +
        String.raw`\b(?:zip|postcode|postal code)\s*:?\s*(\d{5}(?:-\d{4})?)\b`,
      'g',
    ),
  },
];

function overlaps(a: { start: number; end: number }, list: Entity[]): boolean {
  return list.some((b) => a.start < b.end && b.start < a.end);
}

/** Finds the entities of a message; spans index into the text as given. */
export function extractEntities(text: string): Entity[] {
  const found: Entity[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      const captured = m.slice(1).find((g) => g !== undefined);
      const value = captured ?? m[0];
      const offset = captured === undefined ? 0 : m[0].lastIndexOf(captured);
      const start = (m.index ?? 0) + offset;
      if (rule.accept && !rule.accept(value)) continue;
      const span = { start, end: start + value.length };
      if (!overlaps(span, found)) found.push({ type: rule.type, value, ...span });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The order number as stored: no `#`, upper case. */
export function orderKey(value: string): string {
  return value.replace(/^#/, '').toUpperCase();
}

/** The public clickstream sets, by the short name their ids carry. */
export type ClickSource = 'taobao' | 'rees46' | 'yoochoose' | 'diginetica';

/** What a visitor did, in the system's own words (the contracts' ClickType). */
export type ClickAction =
  'view' | 'add_to_cart' | 'remove_from_cart' | 'purchase' | 'search' | 'favourite';

/** One event of a clickstream set, normalised; every id carries the set's name and a colon. */
export interface ClickRecord {
  /** 0-based data row in the file (header excluded): stable, so it makes the event id. */
  row: number;
  source: ClickSource;
  /** `<source>:<row>`. */
  eventId: string;
  action: ClickAction;
  /** Empty when the set does not know the visitor. */
  userId: string;
  /** Empty when the set has no sessions. */
  sessionId: string;
  itemId: string;
  /** Category id or path, empty when unknown. */
  category: string;
  /** Price seen, 0 when the set has none. */
  price: number;
  occurredAt: Date;
}

/** A row that could not be read, with the reason. */
export interface RowProblem {
  row: number;
  problem: string;
}

/** Prefixes a raw id with its set's name; an empty id stays empty. */
export function sourceId(source: ClickSource, raw: string): string {
  const id = raw.trim();
  return id === '' ? '' : `${source}:${id}`;
}

/** Checks the column count of a record; the problem text when it is short. */
export function columnProblem(record: string[], expected: number): string | undefined {
  if (record.length >= expected) return undefined;
  return `expected ${expected} columns, got ${record.length}`;
}

/** Whether a parsed row is a problem rather than an event. */
export function isRowProblem<T extends object>(item: T | RowProblem): item is RowProblem {
  return 'problem' in item;
}

/** What moves stock. Sales come from orders; the rest from warehouses and planners. */
export type MovementKind =
  'SALE' | 'RETURN' | 'CANCELLATION' | 'RECEIPT' | 'ADJUSTMENT' | 'COUNT' | 'ORDER';

export interface StockLevel {
  onHand: number;
  onOrder: number;
  backorders: number;
}

/** What one movement changed; stored with it so the ledger can be audited. */
export interface LedgerDelta {
  onHand: number;
  onOrder: number;
  backorders: number;
}

export const EMPTY_STOCK: StockLevel = { onHand: 0, onOrder: 0, backorders: 0 };

const DAY_MS = 86_400_000;

/**
 * Whether a movement's time is plausible: from 1970 to a year from now. The latest day with
 * demand is the business date, so one sale dated in the year 3000 would plan every SKU then.
 */
export function plausibleMovementTime(at: Date, now = Date.now()): boolean {
  const t = at.getTime();
  return t >= 0 && t <= now + 365 * DAY_MS;
}

/** Whether `day` (YYYY-MM-DD) is a calendar date in the same range as a movement's time. */
export function plausibleDay(day: string, now = Date.now()): boolean {
  const at = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== day) return false;
  return plausibleMovementTime(at, now);
}

/** Units coming in serve waiting backorders first; the rest goes on the shelf. */
function receive(level: StockLevel, units: number): StockLevel {
  const served = Math.min(units, level.backorders);
  return { ...level, backorders: level.backorders - served, onHand: level.onHand + units - served };
}

/**
 * Applies one movement. `quantity` is as the event carries it: units sold for a sale, signed
 * for returns and cancellations (either sign accepted, the magnitude is used), units received,
 * a signed correction, the counted figure, units ordered from the supplier. Stock never goes
 * below zero: a sale beyond stock becomes a backorder; a correction below zero stops at zero.
 */
export function applyMovement(
  level: StockLevel,
  kind: MovementKind,
  quantity: number,
): { level: StockLevel; delta: LedgerDelta } {
  const units = Math.abs(Math.trunc(quantity));
  let next: StockLevel;
  switch (kind) {
    case 'SALE': {
      const taken = Math.min(units, level.onHand);
      next = {
        ...level,
        onHand: level.onHand - taken,
        backorders: level.backorders + units - taken,
      };
      break;
    }
    case 'CANCELLATION': {
      // A cancelled line that was waiting for stock stops waiting; otherwise its units go back.
      const unwaited = Math.min(units, level.backorders);
      next = {
        ...level,
        backorders: level.backorders - unwaited,
        onHand: level.onHand + units - unwaited,
      };
      break;
    }
    case 'RETURN':
      next = receive(level, units);
      break;
    case 'RECEIPT':
      next = { ...receive(level, units), onOrder: Math.max(0, level.onOrder - units) };
      break;
    case 'ADJUSTMENT':
      next =
        quantity >= 0
          ? receive(level, units)
          : { ...level, onHand: Math.max(0, level.onHand - units) };
      break;
    case 'COUNT':
      next = { ...level, onHand: units };
      break;
    case 'ORDER':
      next = { ...level, onOrder: level.onOrder + units };
      break;
  }
  return {
    level: next,
    delta: {
      onHand: next.onHand - level.onHand,
      onOrder: next.onOrder - level.onOrder,
      backorders: next.backorders - level.backorders,
    },
  };
}

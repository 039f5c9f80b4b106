import { FEATURES, type FeatureFacts } from './features';
import type { Order } from './order';
import { WINDOWS, type EntityKind, type HistoryKind } from './velocity';

export interface Reason {
  code: string;
  detail: string;
  /** The push on the log-odds of fraud; rule hits weigh 1 (towards decline) or -1. */
  weight: number;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const GROUPS = [...new Set(FEATURES.map((f) => f.group))];
const GROUP_OF = FEATURES.map((f) => GROUPS.indexOf(f.group));

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

function velocityDetail(kind: EntityKind, facts: FeatureFacts): string {
  const parts = WINDOWS.map((w, i) => {
    const s = facts.velocity[kind][i];
    return `${w.name}: ${s.orders} orders, ${s.others} other customers`;
  });
  return `earlier orders of this ${kind}: ${parts.join('; ')}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function historyDetail(kind: HistoryKind, order: Order, facts: FeatureFacts): string {
  const e = facts.entities[kind];
  if (e.firstSeenAt === undefined) return `first order from this ${kind}`;
  const ago = duration(Math.max(0, order.createdAt - e.firstSeenAt) / 1000);
  return (
    `this ${kind} was first seen ${ago} ago: ${count(e.orders, 'earlier order')}, ` +
    `${count(e.accounts, 'other customer')}, ${e.quickOrders} placed right after signup, ` +
    `${e.sameAmount} of the same amount`
  );
}

function detail(group: string, order: Order, facts: FeatureFacts): string {
  const when = new Date(order.createdAt);
  switch (group) {
    case 'AMOUNT':
      return (
        `amount ${order.amount.toFixed(2)}, ` +
        `z-score ${facts.amountZ.toFixed(1)} in the customer's history`
      );
    case 'CUSTOMER_HISTORY':
      return facts.priorOrders === 0 ? 'first purchase' : `${facts.priorOrders} earlier orders`;
    case 'SIGNUP_TO_PURCHASE':
      return facts.signupGapSeconds === undefined
        ? 'account creation time not given'
        : `bought ${duration(facts.signupGapSeconds)} after creating the account`;
    case 'TIME_OF_DAY':
      return `${WEEKDAYS[when.getUTCDay()]} ${when.getUTCHours()}h UTC`;
    case 'CHANNEL':
      return `channel ${order.channel ?? 'not given'}`;
    case 'BROWSER':
      return `browser ${order.browser ?? 'not given'}`;
    case 'SEX':
      return `customer sex ${order.customerSex ?? 'not given'}`;
    case 'AGE':
      return `customer age ${order.customerAge ?? 'not given'}`;
    case 'IP_COUNTRY':
      return facts.ipCountry === undefined ? 'IP country unknown' : `IP in ${facts.ipCountry}`;
    case 'COUNTRY_MISMATCH':
      return (
        `billing ${order.billingCountry ?? '-'}, ` +
        `shipping ${order.shippingCountry ?? '-'}, IP ${facts.ipCountry ?? '-'}`
      );
    case 'DEVICE_VELOCITY':
      return velocityDetail('device', facts);
    case 'IP_VELOCITY':
      return velocityDetail('ip', facts);
    case 'EMAIL_VELOCITY':
      return velocityDetail('email', facts);
    case 'CUSTOMER_VELOCITY':
      return velocityDetail('customer', facts);
    case 'DEVICE_HISTORY':
      return historyDetail('device', order, facts);
    case 'IP_HISTORY':
      return historyDetail('ip', order, facts);
    case 'EMAIL_HISTORY':
      return historyDetail('email', order, facts);
    default:
      return group.toLowerCase();
  }
}

/**
 * The model's strongest reasons: feature pushes summed per reason group, largest first,
 * leaving out pushes too small to matter.
 */
export function modelReasons(
  contributions: Float64Array,
  order: Order,
  facts: FeatureFacts,
  top = 5,
  minimum = 0.05,
): Reason[] {
  const sums = new Float64Array(GROUPS.length);
  contributions.forEach((c, j) => (sums[GROUP_OF[j]] += c));
  return GROUPS.map((group, g) => ({ group, weight: sums[g] }))
    .filter((r) => Number.isFinite(r.weight) && Math.abs(r.weight) >= minimum)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, top)
    .map((r) => ({
      code: r.group,
      detail: detail(r.group, order, facts),
      weight: Math.round(r.weight * 1000) / 1000,
    }));
}

/** One reason naming every value that was scored in an "unknown" bucket. */
export function unknownReason(facts: FeatureFacts): Reason | undefined {
  if (facts.unknowns.length === 0) return undefined;
  return {
    code: 'UNKNOWN_CATEGORY',
    detail: `scored as unknown: ${facts.unknowns.join(', ')}`,
    weight: 0,
  };
}

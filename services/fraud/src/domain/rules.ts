import type { FeatureFacts } from './features';
import { normaliseEmail, type Order } from './order';
import { WINDOWS, type EntityKind } from './velocity';

export const LIST_KINDS = [
  'device',
  'ip',
  'email',
  'customer',
] as const satisfies readonly EntityKind[];
export type ListKind = (typeof LIST_KINDS)[number];
export type ListAction = 'block' | 'allow';

/** Hard limits: an order beyond any of them is declined whatever the model says. */
export const LIMIT_NAMES = [
  'maxAmount',
  'maxOrdersPerDevicePerHour',
  'maxCustomersPerDevicePerDay',
  'maxOrdersPerIpPerHour',
  'maxOrdersPerCustomerPerDay',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type Limits = Partial<Record<LimitName, number>>;

export interface Lists {
  block: Record<ListKind, ReadonlySet<string>>;
  allow: Record<ListKind, ReadonlySet<string>>;
}

export interface RuleSet {
  lists: Lists;
  limits: Limits;
}

export interface RuleHit {
  code: string;
  detail: string;
  action: 'decline' | 'approve';
}

/** List values are compared as the velocity keys are: trimmed, emails in lower case. */
export function normaliseListValue(kind: ListKind, value: string): string {
  return kind === 'email' ? (normaliseEmail(value) ?? '') : value.trim();
}

function orderValue(order: Order, kind: ListKind): string | undefined {
  switch (kind) {
    case 'device':
      return order.deviceId?.trim();
    case 'ip':
      return order.ipAddress?.trim();
    case 'email':
      return normaliseEmail(order.email);
    case 'customer':
      return order.customerId.trim();
  }
}

const HOUR = WINDOWS.findIndex((w) => w.name === '1h');
const DAY = WINDOWS.findIndex((w) => w.name === '1d');

/** Counts the limits are compared with; the current order is included. */
function limitValue(name: LimitName, order: Order, facts: FeatureFacts): number {
  const v = facts.velocity;
  switch (name) {
    case 'maxAmount':
      return order.amount;
    case 'maxOrdersPerDevicePerHour':
      return order.deviceId ? v.device[HOUR].orders + 1 : 0;
    case 'maxCustomersPerDevicePerDay':
      return order.deviceId ? v.device[DAY].others + 1 : 0;
    case 'maxOrdersPerIpPerHour':
      return order.ipAddress ? v.ip[HOUR].orders + 1 : 0;
    case 'maxOrdersPerCustomerPerDay':
      return v.customer[DAY].orders + 1;
  }
}

/** Every list and limit the order hits. A block or a limit declines; an allow approves. */
export function evaluateRules(rules: RuleSet, order: Order, facts: FeatureFacts): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const kind of LIST_KINDS) {
    const value = orderValue(order, kind);
    if (value === undefined || value === '') continue;
    if (rules.lists.block[kind].has(value)) {
      hits.push({
        code: `BLOCKLIST_${kind.toUpperCase()}`,
        detail: `${kind} '${value}' is on the block list`,
        action: 'decline',
      });
    } else if (rules.lists.allow[kind].has(value)) {
      hits.push({
        code: `ALLOWLIST_${kind.toUpperCase()}`,
        detail: `${kind} '${value}' is on the allow list`,
        action: 'approve',
      });
    }
  }
  for (const name of LIMIT_NAMES) {
    const limit = rules.limits[name];
    if (limit === undefined) continue;
    const value = limitValue(name, order, facts);
    if (value > limit) {
      hits.push({
        code: 'HARD_LIMIT',
        detail: `${name} is ${limit}, this order makes ${value}`,
        action: 'decline',
      });
    }
  }
  return hits;
}

/** No lists, no limits. */
export function emptyRules(): RuleSet {
  const none = (): Record<ListKind, ReadonlySet<string>> => ({
    device: new Set(),
    ip: new Set(),
    email: new Set(),
    customer: new Set(),
  });
  return { lists: { block: none(), allow: none() }, limits: {} };
}

import { countryName } from './countries';
import { ipToNumber, type IpCountryTable } from './ip-country';
import { normaliseEmail, type Order } from './order';
import {
  ENTITY_KINDS,
  HISTORY_KINDS,
  QUICK_ORDER_MS,
  WINDOWS,
  type CustomerHistory,
  type EntityHistories,
  type EntityKind,
  type Observation,
  type Observed,
  type VelocitySnapshot,
} from './velocity';

/**
 * Features of an order, computed only from what is known when it is placed: the order
 * itself, the customer's earlier orders and the velocity before it. Training, the benchmark
 * and the service all call `buildFeatures`, so offline and online values are the same.
 */
export const CHANNELS = ['seo', 'ads', 'direct'] as const;
export const BROWSERS = ['chrome', 'safari', 'firefox', 'ie', 'opera'] as const;
export const SEXES = ['m', 'f'] as const;
export const AGE_BANDS = [
  { name: 'under25', below: 25 },
  { name: '25to34', below: 35 },
  { name: '35to44', below: 45 },
  { name: '45to54', below: 55 },
  { name: '55plus', below: Infinity },
] as const;

/** Feature names and the reason group each one explains, in vector order. */
export const FEATURES: readonly { name: string; group: string }[] = [
  { name: 'amount_log', group: 'AMOUNT' },
  { name: 'amount_z', group: 'AMOUNT' },
  { name: 'customer_first', group: 'CUSTOMER_HISTORY' },
  { name: 'customer_prior_log', group: 'CUSTOMER_HISTORY' },
  { name: 'signup_known', group: 'SIGNUP_TO_PURCHASE' },
  { name: 'signup_gap_log', group: 'SIGNUP_TO_PURCHASE' },
  { name: 'signup_gap_under_2m', group: 'SIGNUP_TO_PURCHASE' },
  { name: 'hour_sin', group: 'TIME_OF_DAY' },
  { name: 'hour_cos', group: 'TIME_OF_DAY' },
  { name: 'hour', group: 'TIME_OF_DAY' },
  { name: 'weekday', group: 'TIME_OF_DAY' },
  ...[...CHANNELS, 'unknown'].map((c) => ({ name: `channel_${c}`, group: 'CHANNEL' })),
  ...[...BROWSERS, 'unknown'].map((b) => ({ name: `browser_${b}`, group: 'BROWSER' })),
  ...[...SEXES, 'unknown'].map((s) => ({ name: `sex_${s}`, group: 'SEX' })),
  { name: 'age', group: 'AGE' },
  { name: 'age_unknown', group: 'AGE' },
  ...AGE_BANDS.map((b) => ({ name: `age_${b.name}`, group: 'AGE' })),
  { name: 'ip_country_known', group: 'IP_COUNTRY' },
  { name: 'ip_country_risk', group: 'IP_COUNTRY' },
  { name: 'billing_shipping_mismatch', group: 'COUNTRY_MISMATCH' },
  { name: 'ip_billing_mismatch', group: 'COUNTRY_MISMATCH' },
  { name: 'ip_shipping_mismatch', group: 'COUNTRY_MISMATCH' },
  ...ENTITY_KINDS.flatMap((kind) => [
    { name: `${kind}_known`, group: `${kind.toUpperCase()}_VELOCITY` },
    ...WINDOWS.flatMap((w) =>
      ['orders', 'others', 'amount'].map((m) => ({
        name: `${kind}_${w.name}_${m}`,
        group: `${kind.toUpperCase()}_VELOCITY`,
      })),
    ),
  ]),
  ...HISTORY_KINDS.flatMap((kind) =>
    [
      'seen_before',
      'orders_all',
      'accounts_all',
      'first_seen_ago',
      'quick_orders',
      'same_amount',
    ].map((m) => ({ name: `${kind}_${m}`, group: `${kind.toUpperCase()}_HISTORY` })),
  ),
];

export const FEATURE_NAMES = FEATURES.map((f) => f.name);

/** Fraud rates per IP country learnt at training, smoothed towards the overall rate. */
export interface CountryRisk {
  rates: Record<string, number>;
  prior: number;
}

export interface FeatureContext {
  ipTable?: IpCountryTable;
  countryRisk?: CountryRisk;
}

/** What the features were made from, for reasons. */
export interface FeatureFacts {
  ipCountry?: string;
  signupGapSeconds?: number;
  amountZ: number;
  priorOrders: number;
  /** Values that fell into an "unknown" bucket, as `field 'value'`. */
  unknowns: string[];
  velocity: VelocitySnapshot;
  entities: EntityHistories;
}

export interface FeatureVector {
  values: Float64Array;
  facts: FeatureFacts;
}

/** The velocity observation of an order: the entities it is counted under. */
export function observationOf(order: Order): Observation {
  const entities: Partial<Record<EntityKind, string>> = { customer: order.customerId };
  if (order.deviceId) entities.device = order.deviceId.trim();
  if (order.ipAddress) entities.ip = order.ipAddress.trim();
  const email = normaliseEmail(order.email);
  if (email) entities.email = email;
  const signedUp = order.accountCreatedAt;
  return {
    transactionId: order.transactionId,
    customerId: order.customerId,
    amount: order.amount,
    at: order.createdAt,
    entities,
    quick: signedUp !== undefined && order.createdAt - signedUp < QUICK_ORDER_MS,
  };
}

function oneHot<T extends string>(
  vocabulary: readonly T[],
  raw: string | undefined,
  field: string,
  unknowns: string[],
): number[] {
  const value = raw?.trim().toLowerCase();
  const index = value === undefined ? -1 : vocabulary.indexOf(value as T);
  if (raw !== undefined && index < 0) unknowns.push(`${field} '${raw}'`);
  return [...vocabulary.map((_, i) => (i === index ? 1 : 0)), index < 0 ? 1 : 0];
}

function zScore(amount: number, history: CustomerHistory): number {
  if (history.count < 2) return 0;
  const mean = history.sum / history.count;
  const variance = Math.max(0, history.sumSq / history.count - mean * mean);
  const sd = Math.max(Math.sqrt(variance), 1, 0.05 * Math.abs(mean));
  return Math.max(-10, Math.min(10, (amount - mean) / sd));
}

function country(
  raw: string | undefined,
  field: string,
  context: FeatureContext,
  unknowns: string[],
): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const name = countryName(raw, context.ipTable?.countryNames);
  if (name === undefined) unknowns.push(`${field} '${raw}'`);
  return name;
}

function mismatch(a: string | undefined, b: string | undefined): number {
  return a !== undefined && b !== undefined && a !== b ? 1 : 0;
}

/**
 * The feature vector of an order given what the velocity store knew before it: the
 * customer's history, the windows and the whole history of its device, IP and email.
 */
export function buildFeatures(
  order: Order,
  observed: Observed,
  context: FeatureContext,
): FeatureVector {
  const { history, velocity, entities } = observed;
  const unknowns: string[] = [];
  const when = new Date(order.createdAt);
  const hour = when.getUTCHours() + when.getUTCMinutes() / 60;

  const gap =
    order.accountCreatedAt === undefined
      ? undefined
      : Math.max(0, (order.createdAt - order.accountCreatedAt) / 1000);

  const age = order.customerAge;
  const ageKnown = age !== undefined && Number.isFinite(age) && age >= 10 && age <= 110;
  if (age !== undefined && !ageKnown) unknowns.push(`customerAge '${age}'`);
  const band = ageKnown ? AGE_BANDS.findIndex((b) => age < b.below) : -1;

  let ipCountry: string | undefined;
  if (order.ipAddress !== undefined) {
    const ip = ipToNumber(order.ipAddress);
    const found = ip === undefined ? undefined : context.ipTable?.lookup(ip);
    if (found === undefined) unknowns.push(`ipAddress '${order.ipAddress}' (no country)`);
    else ipCountry = found.toLowerCase();
  }
  const risk = context.countryRisk;
  const countryRisk = risk === undefined ? 0 : (risk.rates[ipCountry ?? ''] ?? risk.prior);

  const billing = country(order.billingCountry, 'billingCountry', context, unknowns);
  const shipping = country(order.shippingCountry, 'shippingCountry', context, unknowns);
  const ipName =
    ipCountry === undefined ? undefined : countryName(ipCountry, context.ipTable?.countryNames);
  const amountZ = zScore(order.amount, history);

  const values = [
    Math.log1p(order.amount),
    amountZ,
    history.count === 0 ? 1 : 0,
    Math.log1p(history.count),
    gap === undefined ? 0 : 1,
    gap === undefined ? 0 : Math.log1p(gap),
    gap !== undefined && gap < 120 ? 1 : 0,
    Math.sin((2 * Math.PI * hour) / 24),
    Math.cos((2 * Math.PI * hour) / 24),
    when.getUTCHours(),
    when.getUTCDay(),
    ...oneHot(CHANNELS, order.channel, 'channel', unknowns),
    ...oneHot(BROWSERS, order.browser, 'browser', unknowns),
    ...oneHot(SEXES, order.customerSex, 'customerSex', unknowns),
    ageKnown ? age : 0,
    ageKnown ? 0 : 1,
    ...AGE_BANDS.map((_, i) => (i === band ? 1 : 0)),
    ipCountry === undefined ? 0 : 1,
    countryRisk,
    mismatch(billing, shipping),
    mismatch(ipName, billing),
    mismatch(ipName, shipping),
  ];
  const given = observationOf(order).entities;
  for (const kind of ENTITY_KINDS) {
    values.push(given[kind] === undefined ? 0 : 1);
    for (const stats of velocity[kind]) {
      values.push(Math.log1p(stats.orders), Math.log1p(stats.others), Math.log1p(stats.amount));
    }
  }
  for (const kind of HISTORY_KINDS) {
    const e = entities[kind];
    const ago = e.firstSeenAt === undefined ? 0 : Math.max(0, order.createdAt - e.firstSeenAt);
    values.push(
      e.orders > 0 ? 1 : 0,
      Math.log1p(e.orders),
      Math.log1p(e.accounts),
      Math.log1p(ago / 1000),
      Math.log1p(e.quickOrders),
      Math.log1p(e.sameAmount),
    );
  }

  return {
    values: Float64Array.from(values, (v) => (Number.isFinite(v) ? v : 0)),
    facts: {
      ipCountry,
      signupGapSeconds: gap,
      amountZ,
      priorOrders: history.count,
      unknowns,
      velocity,
      entities,
    },
  };
}

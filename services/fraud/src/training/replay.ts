import type { FraudPurchase } from '@qm/datasets';
import {
  buildFeatures,
  FEATURE_NAMES,
  observationOf,
  type CountryRisk,
  type FeatureContext,
} from '../domain/features';
import { numberToIp } from '../domain/ip-country';
import type { Order } from '../domain/order';
import { MemoryVelocityStore } from '../domain/velocity';

/** A purchase of the data set as the service receives it through `POST /v1/fraud/score`. */
export function purchaseToOrder(p: FraudPurchase): Order {
  return {
    transactionId: `fraud-ecommerce:${p.row}`,
    customerId: p.userId,
    amount: p.purchaseValue,
    currency: 'USD',
    createdAt: p.purchaseTime.getTime(),
    accountCreatedAt: p.signupTime.getTime(),
    deviceId: p.deviceId,
    ipAddress: numberToIp(p.ipAddress),
    channel: p.source,
    browser: p.browser,
    customerAge: p.age,
    customerSex: p.sex,
  };
}

/** Purchases in time order, file order breaking ties, as the evaluation sends them. */
export function inTimeOrder(purchases: FraudPurchase[]): FraudPurchase[] {
  return [...purchases].sort(
    (a, b) => a.purchaseTime.getTime() - b.purchaseTime.getTime() || a.row - b.row,
  );
}

export interface ReplayedSet {
  purchases: FraudPurchase[];
  rows: Float64Array[];
  labels: Uint8Array;
  /** Lower-case IP country per purchase, '' when unknown. */
  countries: string[];
}

/**
 * Replays purchases in time order through the same velocity logic and feature builder as the
 * service, so each row holds only what was known when its order was placed.
 */
export function replay(purchases: FraudPurchase[], context: FeatureContext): ReplayedSet {
  const ordered = inTimeOrder(purchases);
  const store = new MemoryVelocityStore();
  const rows: Float64Array[] = [];
  const countries: string[] = [];
  for (const p of ordered) {
    const order = purchaseToOrder(p);
    const built = buildFeatures(order, store.observeNow(observationOf(order), 'replace'), context);
    rows.push(built.values);
    countries.push(built.facts.ipCountry ?? '');
  }
  const labels = Uint8Array.from(ordered, (p) => (p.fraud ? 1 : 0));
  return { purchases: ordered, rows, labels, countries };
}

const RISK_COLUMN = FEATURE_NAMES.indexOf('ip_country_risk');

/** Fraud rate per IP country over the given rows, smoothed towards the overall rate. */
export function fitCountryRisk(set: ReplayedSet, members: number[], strength = 50): CountryRisk {
  const counts = new Map<string, { n: number; fraud: number }>();
  let fraud = 0;
  for (const i of members) {
    fraud += set.labels[i];
    const c = counts.get(set.countries[i]) ?? { n: 0, fraud: 0 };
    c.n += 1;
    c.fraud += set.labels[i];
    counts.set(set.countries[i], c);
  }
  const prior = members.length === 0 ? 0 : fraud / members.length;
  const rates: Record<string, number> = {};
  for (const [country, c] of counts) {
    if (country !== '') rates[country] = (c.fraud + strength * prior) / (c.n + strength);
  }
  return { rates, prior };
}

/** Copies of the rows with the country-risk column filled from `risk`. */
export function withCountryRisk(set: ReplayedSet, risk: CountryRisk): Float64Array[] {
  return set.rows.map((row, i) => {
    const copy = Float64Array.from(row);
    copy[RISK_COLUMN] = risk.rates[set.countries[i]] ?? risk.prior;
    return copy;
  });
}

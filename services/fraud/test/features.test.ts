import { buildFeatures, FEATURE_NAMES, FEATURES, observationOf } from '../src/domain/features';
import { IpCountryTable, ipToNumber, numberToIp } from '../src/domain/ip-country';
import type { Order } from '../src/domain/order';
import { emptyObserved } from '../src/domain/velocity';

const table = new IpCountryTable([
  { lower: 100, upper: 199, country: 'France' },
  { lower: 200, upper: 299, country: 'Japan' },
  { lower: 400, upper: 499, country: 'Brazil' },
]);

const base: Order = {
  transactionId: 't',
  customerId: 'c',
  amount: 50,
  createdAt: Date.parse('2026-03-02T10:00:00Z'),
};
const value = (v: Float64Array, name: string) => v[FEATURE_NAMES.indexOf(name)];

describe('IpCountryTable', () => {
  it('finds the range holding an address by binary search, and nothing in a gap', () => {
    expect(table.lookup(100)).toBe('France');
    expect(table.lookup(250)).toBe('Japan');
    expect(table.lookup(499)).toBe('Brazil');
    expect(table.lookup(300)).toBeUndefined();
    expect(table.lookup(50)).toBeUndefined();
    expect(table.lookup(1000)).toBeUndefined();
  });

  it('reads dotted quads and integers, and refuses anything else', () => {
    expect(ipToNumber('1.2.3.4')).toBe(16909060);
    expect(numberToIp(16909060)).toBe('1.2.3.4');
    expect(ipToNumber('300')).toBe(300);
    expect(ipToNumber('1.2.3.256')).toBeUndefined();
    expect(ipToNumber('fe80::1')).toBeUndefined();
  });
});

describe('buildFeatures', () => {
  it('gives one finite value per declared feature', () => {
    const { values } = buildFeatures(base, emptyObserved(), {});
    expect(values).toHaveLength(FEATURES.length);
    expect([...values].every(Number.isFinite)).toBe(true);
  });

  it('marks a purchase within two minutes of signup', () => {
    const quick = buildFeatures(
      { ...base, accountCreatedAt: base.createdAt - 60_000 },
      emptyObserved(),
      {},
    );
    const slow = buildFeatures(
      { ...base, accountCreatedAt: base.createdAt - 86_400_000 },
      emptyObserved(),
      {},
    );
    expect(value(quick.values, 'signup_gap_under_2m')).toBe(1);
    expect(value(slow.values, 'signup_gap_under_2m')).toBe(0);
    expect(quick.facts.signupGapSeconds).toBe(60);
  });

  it('puts unknown channels, browsers and countries in the unknown bucket and lists them', () => {
    const { values, facts } = buildFeatures(
      { ...base, channel: 'kiosk', browser: 'Chrome', billingCountry: 'ZZ', shippingCountry: 'FR' },
      emptyObserved(),
      { ipTable: table },
    );
    expect(value(values, 'channel_unknown')).toBe(1);
    expect(value(values, 'browser_chrome')).toBe(1);
    expect([...facts.unknowns].sort()).toEqual(["billingCountry 'ZZ'", "channel 'kiosk'"]);
  });

  it('sees a mismatch between the IP country and the billing country, by code or by name', () => {
    const order = {
      ...base,
      ipAddress: '0.0.0.150',
      billingCountry: 'JP',
      shippingCountry: 'France',
    };
    const { values, facts } = buildFeatures(order, emptyObserved(), { ipTable: table });
    expect(facts.ipCountry).toBe('france');
    expect(value(values, 'ip_billing_mismatch')).toBe(1);
    expect(value(values, 'ip_shipping_mismatch')).toBe(0);
    expect(value(values, 'billing_shipping_mismatch')).toBe(1);
  });

  it('places the amount in the customer history as a z-score', () => {
    const history = { count: 4, sum: 40, sumSq: 4 * 100 + 4 * 4 };
    const { facts } = buildFeatures({ ...base, amount: 30 }, { ...emptyObserved(), history }, {});
    expect(facts.amountZ).toBeCloseTo(10, 5);
    const first = buildFeatures(base, emptyObserved(), {});
    expect(value(first.values, 'customer_first')).toBe(1);
  });

  it("reads the device's whole history: its age, accounts, quick orders and same amounts", () => {
    const observed = emptyObserved();
    observed.entities.device = {
      orders: 3,
      accounts: 2,
      firstSeenAt: base.createdAt - 3600_000,
      quickOrders: 2,
      sameAmount: 1,
    };
    const { values } = buildFeatures({ ...base, deviceId: 'd' }, observed, {});
    expect(value(values, 'device_seen_before')).toBe(1);
    expect(value(values, 'device_orders_all')).toBeCloseTo(Math.log1p(3), 9);
    expect(value(values, 'device_accounts_all')).toBeCloseTo(Math.log1p(2), 9);
    expect(value(values, 'device_first_seen_ago')).toBeCloseTo(Math.log1p(3600), 9);
    expect(value(values, 'device_quick_orders')).toBeCloseTo(Math.log1p(2), 9);
    expect(value(values, 'device_same_amount')).toBeCloseTo(Math.log1p(1), 9);
    expect(value(values, 'ip_seen_before')).toBe(0);
  });

  it('counts an order as quick when it comes within two minutes of signup', () => {
    const at = base.createdAt;
    expect(observationOf({ ...base, accountCreatedAt: at - 119_000 }).quick).toBe(true);
    expect(observationOf({ ...base, accountCreatedAt: at - 120_000 }).quick).toBe(false);
    expect(observationOf(base).quick).toBe(false);
  });
});

import { dataFile, readCsv } from './files';

/** One labelled first purchase of the e-commerce fraud set. */
export interface FraudPurchase {
  /** 0-based row number in the file, a stable tie-break for equal times. */
  row: number;
  userId: string;
  signupTime: Date;
  purchaseTime: Date;
  purchaseValue: number;
  deviceId: string;
  source: string;
  browser: string;
  sex: string;
  age: number;
  /** The IP address as an integer (the file rounds it to one decimal; the fraction is dropped). */
  ipAddress: number;
  fraud: boolean;
}

/** One IP range of the shipped IP-to-country table. */
export interface IpCountryRange {
  lower: number;
  upper: number;
  country: string;
}

export const FRAUD_PURCHASES_FILE = ['fraud-ecommerce', 'fraud_data_train.csv.gz'];
export const IP_COUNTRY_FILE = ['fraud-ecommerce', 'IpAddress_to_Country_partial.csv.gz'];

/** Reads `M/D/YYYY H:MM` (as Excel saved the file) as UTC. */
export function parseSheetDate(text: string): Date {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return new Date(text.replace(' ', 'T') + 'Z');
  const [, m, d, y, hh, mm, ss] = match;
  return new Date(Date.UTC(+y, +m - 1, +d, +hh, +mm, ss === undefined ? 0 : +ss));
}

/** Loads every purchase of the fraud set in file order; malformed rows are skipped and counted. */
export async function loadFraudPurchases(
  dataDir: string,
): Promise<{ purchases: FraudPurchase[]; skipped: number }> {
  const purchases: FraudPurchase[] = [];
  let skipped = 0;
  let row = -1;
  const path = dataFile(dataDir, ...FRAUD_PURCHASES_FILE);
  for await (const record of readCsv<string[]>(path, { from_line: 2 })) {
    row += 1;
    const [user, signup, purchase, value, device, source, browser, sex, age, ip, label] = record;
    const item: FraudPurchase = {
      row,
      userId: user,
      signupTime: parseSheetDate(signup),
      purchaseTime: parseSheetDate(purchase),
      purchaseValue: Number(value),
      deviceId: device,
      source,
      browser,
      sex,
      age: Number(age),
      ipAddress: Math.floor(Number(ip)),
      fraud: label === '1',
    };
    const times = [item.signupTime.getTime(), item.purchaseTime.getTime()];
    const bad = record.length < 11 || times.some(Number.isNaN);
    if (bad || !Number.isFinite(item.purchaseValue) || !Number.isFinite(item.ipAddress))
      skipped += 1;
    else purchases.push(item);
  }
  return { purchases, skipped };
}

/**
 * Loads the IP-to-country ranges, sorted. A few lower bounds were saved in scientific
 * notation (`1.02E+09`) and lost digits; those start right after the previous range instead.
 */
export async function loadIpCountryRanges(dataDir: string): Promise<IpCountryRange[]> {
  const ranges: (IpCountryRange & { rounded: boolean })[] = [];
  const path = dataFile(dataDir, ...IP_COUNTRY_FILE);
  for await (const [lower, upper, country] of readCsv<string[]>(path, { from_line: 2 })) {
    const range = {
      lower: Number(lower),
      upper: Number(upper),
      country,
      rounded: /e/i.test(lower),
    };
    if (Number.isFinite(range.lower) && Number.isFinite(range.upper)) ranges.push(range);
  }
  ranges.sort((a, b) => a.upper - b.upper);
  return ranges.map(({ rounded, ...range }, i) => {
    const previous = ranges[i - 1];
    if (rounded && previous !== undefined) range.lower = Math.max(range.lower, previous.upper + 1);
    return range;
  });
}

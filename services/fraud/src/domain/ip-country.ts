/** A sorted IP-range table answering "which country is this address in" by binary search. */
export interface IpRange {
  lower: number;
  upper: number;
  country: string;
}

/** Parses a dotted quad (or a plain integer) to a 32-bit number; undefined when not an IPv4. */
export function ipToNumber(ip: string): number | undefined {
  const text = ip.trim();
  if (/^\d{1,10}$/.test(text)) {
    const n = Number(text);
    return n <= 0xffffffff ? n : undefined;
  }
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Formats a 32-bit number as a dotted quad. */
export function numberToIp(value: number): string {
  const n = Math.floor(value) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class IpCountryTable {
  private readonly lowers: Float64Array;
  private readonly uppers: Float64Array;
  private readonly countries: string[];
  /** Country names as the table spells them, in lower case. */
  readonly countryNames: ReadonlySet<string>;

  /** Ranges must be sorted by lower bound and not overlap, as the shipped table is. */
  constructor(ranges: readonly IpRange[]) {
    this.lowers = Float64Array.from(ranges, (r) => r.lower);
    this.uppers = Float64Array.from(ranges, (r) => r.upper);
    this.countries = ranges.map((r) => r.country);
    this.countryNames = new Set(this.countries.map((c) => c.toLowerCase()));
  }

  get size(): number {
    return this.countries.length;
  }

  /** The country of an address, or undefined when no range holds it. */
  lookup(ip: number): string | undefined {
    let lo = 0;
    let hi = this.lowers.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lowers[mid] <= ip) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && ip <= this.uppers[hi] ? this.countries[hi] : undefined;
  }
}

/**
 * Country values arrive as ISO 3166 alpha-2 codes (`FR`) or English names (`France`, as the
 * IP table spells them). Both are brought to one English name so they can be compared.
 */
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

const KNOWN_NAMES: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      const name = regionNames.of(a + b);
      if (name !== undefined && name !== a + b && name !== 'Unknown Region') {
        names.add(name.toLowerCase());
      }
    }
  }
  return names;
})();

/**
 * The lower-case English name of a country, or undefined when the value is not a country.
 * `extraNames` (lower case) adds spellings of the IP table that differ from the ISO names.
 */
export function countryName(value: string, extraNames?: ReadonlySet<string>): string | undefined {
  const text = value.trim();
  if (/^[A-Za-z]{2}$/.test(text)) {
    const name = regionNames.of(text.toUpperCase());
    if (name === undefined || name === text.toUpperCase() || name === 'Unknown Region') {
      return undefined;
    }
    return name.toLowerCase();
  }
  const lower = text.toLowerCase();
  if (KNOWN_NAMES.has(lower)) return lower;
  return extraNames?.has(lower) === true ? lower : undefined;
}

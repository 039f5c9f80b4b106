import { mulberry32, seededRandom, shuffled } from '../src';

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const random = seededRandom(7);
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });
});

describe('mulberry32', () => {
  it('gives the sequence the trained models were made with', () => {
    expect(Array.from({ length: 3 }, mulberry32(7))).toEqual([
      0.011704753153026104, 0.06195825757458806, 0.97690763277933,
    ]);
    expect(Array.from({ length: 3 }, mulberry32(42))).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099,
    ]);
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const draws = Array.from({ length: 10_000 }, mulberry32(7));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });
});

describe('shuffled', () => {
  it('keeps every item once, leaves the input alone and repeats for a seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const once = shuffled(items, seededRandom(3));
    expect([...once].sort((x, y) => x - y)).toEqual(items);
    expect(once).not.toEqual(items);
    expect(items[0]).toBe(0);
    expect(shuffled(items, seededRandom(3))).toEqual(once);
  });
});

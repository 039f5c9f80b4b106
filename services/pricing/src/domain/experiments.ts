import { createHash } from 'node:crypto';
import { tCritical95, tTwoSidedP, zTwoSidedP } from './stats';

const Z95 = 1.959964;

/** One price of an experiment and its share of the traffic. */
export interface Arm {
  name: string;
  price: number;
  weight: number;
}

/**
 * The arm of a user or session: a hash of experiment and unit mapped onto the arms' cumulative
 * weights, so a unit keeps its arm for the whole experiment on every server.
 */
export function assignArm(experimentId: string, unitId: string, arms: Arm[]): Arm {
  const digest = createHash('sha256').update(`${experimentId}:${unitId}`).digest();
  const u = digest.readUInt32BE(0) / 2 ** 32;
  const total = arms.reduce((s, a) => s + a.weight, 0);
  let edge = 0;
  for (const arm of arms) {
    edge += arm.weight / total;
    if (u < edge) return arm;
  }
  return arms[arms.length - 1];
}

/** What an arm collected: visitors, converting visitors and revenue (with its square sum). */
export interface ArmTotals {
  visitors: number;
  conversions: number;
  revenue: number;
  /** Sum over visitors of their revenue squared, for the variance of revenue per visitor. */
  revenueSquares: number;
}

export interface Comparison {
  /** Difference in conversion rate (arm minus control), its 95% interval and z-test. */
  conversionDiff: number;
  conversionDiffCi: [number, number];
  conversionLift: number | null;
  z: number;
  pConversion: number;
  /** Difference in revenue per visitor, its 95% interval and Welch t-test. */
  rpvDiff: number;
  rpvDiffCi: [number, number];
  rpvLift: number | null;
  t: number;
  df: number;
  pRevenue: number;
}

export interface ArmReport extends ArmTotals {
  name: string;
  price: number;
  conversionRate: number;
  revenuePerVisitor: number;
  vsControl: Comparison | null;
}

const rate = (num: number, den: number) => (den > 0 ? num / den : 0);

function variance(t: ArmTotals): number {
  if (t.visitors < 2) return 0;
  const mean = t.revenue / t.visitors;
  return Math.max(0, (t.revenueSquares - t.visitors * mean * mean) / (t.visitors - 1));
}

/** Compares an arm with the control: two-proportion z-test and Welch's t-test. */
export function compareArms(control: ArmTotals, arm: ArmTotals): Comparison | null {
  const n0 = control.visitors;
  const n1 = arm.visitors;
  if (n0 < 2 || n1 < 2) return null;
  const p0 = control.conversions / n0;
  const p1 = arm.conversions / n1;
  const diff = p1 - p0;
  const seDiff = Math.sqrt((p0 * (1 - p0)) / n0 + (p1 * (1 - p1)) / n1);
  const pooled = (control.conversions + arm.conversions) / (n0 + n1);
  const seTest = Math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1));
  const z = seTest > 0 ? diff / seTest : 0;

  const m0 = control.revenue / n0;
  const m1 = arm.revenue / n1;
  const a = variance(control) / n0;
  const b = variance(arm) / n1;
  const seRpv = Math.sqrt(a + b);
  const t = seRpv > 0 ? (m1 - m0) / seRpv : 0;
  const df = a + b > 0 ? (a + b) ** 2 / (a ** 2 / (n0 - 1) + b ** 2 / (n1 - 1)) : n0 + n1 - 2;
  const tc = tCritical95(df);

  return {
    conversionDiff: diff,
    conversionDiffCi: [diff - Z95 * seDiff, diff + Z95 * seDiff],
    conversionLift: p0 > 0 ? diff / p0 : null,
    z,
    pConversion: seTest > 0 ? zTwoSidedP(z) : 1,
    rpvDiff: m1 - m0,
    rpvDiffCi: [m1 - m0 - tc * seRpv, m1 - m0 + tc * seRpv],
    rpvLift: m0 > 0 ? (m1 - m0) / m0 : null,
    t,
    df,
    pRevenue: seRpv > 0 ? tTwoSidedP(t, df) : 1,
  };
}

/** Per-arm figures; the first arm is the control. */
export function reportArms(arms: Arm[], totals: Map<string, ArmTotals>): ArmReport[] {
  const empty: ArmTotals = { visitors: 0, conversions: 0, revenue: 0, revenueSquares: 0 };
  const control = totals.get(arms[0].name) ?? empty;
  return arms.map((arm, i) => {
    const t = totals.get(arm.name) ?? empty;
    return {
      name: arm.name,
      price: arm.price,
      ...t,
      conversionRate: rate(t.conversions, t.visitors),
      revenuePerVisitor: rate(t.revenue, t.visitors),
      vsControl: i === 0 ? null : compareArms(control, t),
    };
  });
}

export type StopMetric = 'revenuePerVisitor' | 'conversion';

/**
 * Arms to stop: once both it and the control have `minVisitors`, an arm whose 95% interval
 * of the difference lies wholly below zero on the chosen metric is losing. The control
 * is never stopped. Checking repeatedly inflates false stops a little; the minimum sample
 * keeps early noise out.
 */
export function losingArms(reports: ArmReport[], metric: StopMetric, minVisitors: number) {
  const control = reports[0];
  if (!control || control.visitors < minVisitors) return [];
  return reports
    .slice(1)
    .filter((r) => r.visitors >= minVisitors && r.vsControl !== null)
    .filter((r) => {
      const c = r.vsControl as Comparison;
      return metric === 'conversion' ? c.conversionDiffCi[1] < 0 : c.rpvDiffCi[1] < 0;
    })
    .map((r) => r.name);
}

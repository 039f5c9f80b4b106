import type { Logger } from 'pino';
import { inTransaction, type Pool } from '@qm/kit';
import {
  applyClicks,
  armTotals,
  experimentById,
  insertExperiment,
  runningExperiments,
  stopArms,
  type ClickInput,
  type ExperimentRow,
} from './adapters/store';
import { assignArm, losingArms, reportArms, type StopMetric } from './domain/experiments';
import { PricingErrors } from './errors';

export interface ExperimentInput {
  sku: string;
  arms: { name: string; price: number; weight?: number }[];
  metric?: StopMetric;
  minVisitors?: number;
}

/** The arm a unit sees: its hashed arm, or the control once that arm or the test stopped. */
function effectiveArm(exp: ExperimentRow, unitId: string) {
  const arm = assignArm(exp.id, unitId, exp.arms);
  const stopped = exp.status === 'stopped' || exp.stoppedArms.includes(arm.name);
  return { assigned: arm, shown: stopped ? exp.arms[0] : arm, stopped };
}

/** Whether stopping `arms` as well leaves no treatment arm (all but the first) running. */
function everyTreatmentStopped(exp: ExperimentRow, arms: string[]): boolean {
  const stopped = new Set([...exp.stoppedArms, ...arms]);
  return exp.arms.slice(1).every((a) => stopped.has(a.name));
}

/** Price experiments: creation, assignment, exposure counting, reports and stop rules. */
export function createExperiments(deps: { pool: Pool; log: Logger }) {
  const { pool } = deps;

  /**
   * Stops arms of a running experiment, or all of it when `arms` is undefined. Whether that
   * leaves no treatment arm running is decided on the locked row, so that concurrent stops of
   * the last two arms stop the test.
   */
  async function stopRunning(id: string, arms: string[] | undefined): Promise<void> {
    await inTransaction(pool, async (client) => {
      const exp = await experimentById(client, id, true);
      if (exp?.status !== 'running') return;
      const toStop = arms ?? [];
      const all = arms === undefined || everyTreatmentStopped(exp, toStop);
      await stopArms(client, id, toStop, all);
    });
  }

  async function get(id: string): Promise<ExperimentRow> {
    const exp = await experimentById(pool, id);
    if (!exp) throw PricingErrors.EXPERIMENT_NOT_FOUND(`no experiment ${id}`, { field: 'id' });
    return exp;
  }

  async function create(input: ExperimentInput) {
    const names = new Set(input.arms.map((a) => a.name));
    if (input.arms.length < 2 || names.size !== input.arms.length) {
      throw PricingErrors.INVALID_EXPERIMENT('at least two arms with distinct names', {
        field: 'arms',
      });
    }
    const bad = input.arms.findIndex((a) => !(a.price > 0));
    if (bad >= 0) {
      throw PricingErrors.INVALID_PRICE('an arm price must be above 0', {
        field: `arms/${bad}/price`,
      });
    }
    const exp = await insertExperiment(pool, {
      sku: input.sku,
      arms: input.arms.map((a) => ({ name: a.name, price: a.price, weight: a.weight ?? 1 })),
      metric: input.metric ?? 'revenuePerVisitor',
      minVisitors: input.minVisitors ?? 1000,
    });
    if (!exp) {
      const [running] = await runningExperiments(pool, [input.sku]);
      throw PricingErrors.EXPERIMENT_RUNNING(`an experiment is already running on ${input.sku}`, {
        field: 'sku',
        details: { experimentId: running?.id },
      });
    }
    deps.log.info({ experiment: exp.id, sku: exp.sku }, 'experiment created');
    return exp;
  }

  /** The report; a running experiment first stops the arms its stop rule finds losing. */
  async function report(id: string) {
    let exp = await get(id);
    let arms = reportArms(exp.arms, await armTotals(pool, id));
    const losing = losingArms(arms, exp.metric, exp.minVisitors).filter(
      (name) => !exp.stoppedArms.includes(name),
    );
    if (exp.status === 'running' && losing.length > 0) {
      await stopRunning(id, losing);
      deps.log.info({ experiment: id, losing }, 'losing arms stopped');
      exp = await get(id);
      arms = reportArms(exp.arms, await armTotals(pool, id));
    }
    return { ...exp, control: exp.arms[0].name, results: arms };
  }

  async function assignment(id: string, unitId: string) {
    const exp = await get(id);
    const { assigned, shown, stopped } = effectiveArm(exp, unitId);
    return {
      experimentId: id,
      sku: exp.sku,
      unitId,
      arm: shown.name,
      price: shown.price,
      assignedArm: assigned.name,
      stopped,
    };
  }

  /**
   * Stops the given treatment arms, or the whole test when none are given; stopping every
   * treatment arm stops the test. A stopped test stays as it was stopped.
   */
  async function stop(id: string, arms: string[] | undefined) {
    const exp = await get(id);
    const unknown = (arms ?? []).find((a) => !exp.arms.some((x) => x.name === a));
    if (unknown) {
      throw PricingErrors.INVALID_EXPERIMENT(`no arm ${unknown}`, { field: 'arms' });
    }
    if (arms?.includes(exp.arms[0].name)) {
      throw PricingErrors.INVALID_EXPERIMENT('stopping control stops the test; send no arms', {
        field: 'arms',
      });
    }
    await stopRunning(id, arms);
    return report(id);
  }

  /** Counts exposures (views) and purchases of running experiments, then applies stop rules. */
  async function applyClickBatch(clicks: ClickInput[]): Promise<number> {
    const touched = await inTransaction(pool, (client) =>
      applyClicks(client, clicks, (exp, unitId) => effectiveArm(exp, unitId).shown.name),
    );
    // The stop rule runs as data arrives, not only when someone reads a report.
    for (const id of touched) await report(id);
    return touched.size;
  }

  return { create, report, assignment, stop, applyClickBatch };
}

export type Experiments = ReturnType<typeof createExperiments>;

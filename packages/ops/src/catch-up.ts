import type { Pool } from '@qm/kit';
import type { ConsumerStats, EventBus } from '@qm/events';
import { listConsumerGroups, serviceGroupPrefixes } from '@qm/events';

export interface CatchUpResult {
  consumers: ConsumerStats[];
  caughtUp: boolean;
  waitedMs: number;
}

/** The service consumer groups of the bus's deployment, dead-letter topics left out. */
async function pollConsumers(bus: EventBus): Promise<ConsumerStats[]> {
  const groups = await listConsumerGroups(await bus.admin(), serviceGroupPrefixes(bus.topicPrefix));
  return (await bus.pipelineStatus(groups)).consumers.filter((c) => !c.topic.endsWith('.dlq'));
}

/** Calls `quiet` once a second until it is true on two polls in a row, or the deadline. */
async function untilQuiet(deadlineMs: number, quiet: () => Promise<boolean>): Promise<boolean> {
  const started = Date.now();
  let quietPolls = 0;
  while (Date.now() - started < deadlineMs) {
    quietPolls = (await quiet()) ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

/**
 * Polls every service consumer group until each has no lag on two polls in a row
 * (a group may still be joining on the first), or the deadline passes.
 */
export async function waitForCatchUp(
  bus: EventBus,
  deadlineMs: number,
  onPoll: (consumers: ConsumerStats[]) => void,
): Promise<CatchUpResult> {
  const started = Date.now();
  let consumers: ConsumerStats[] = [];
  const caughtUp = await untilQuiet(deadlineMs, async () => {
    consumers = await pollConsumers(bus);
    onPoll(consumers);
    return consumers.length > 0 && consumers.every((c) => c.lag === 0);
  });
  return { consumers, caughtUp, waitedMs: Date.now() - started };
}

/** Work derived from consumed events that the services have still to do. */
export interface DerivedBacklog {
  /** SKUs whose stored forecast is older than their demand history, or missing. */
  forecasts: number;
  /** SKUs and warehouses whose policy was put off while sales were loading. */
  policies: number;
  /** Messages not yet consumed, over every service group (forecasts going to inventory). */
  lag: number;
}

/** Reads the derived backlog from the services' schemas; a schema not migrated owes nothing. */
export async function derivedBacklog(pool: Pool): Promise<Omit<DerivedBacklog, 'lag'>> {
  const { rows } = await pool.query<{ forecasts: boolean; policies: boolean }>(
    `SELECT to_regclass('forecasting.demand_versions') IS NOT NULL AS forecasts,
            to_regclass('inventory.stale_policies') IS NOT NULL AS policies`,
  );
  const count = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0].n;
  return {
    forecasts: rows[0].forecasts
      ? await count(
          `SELECT count(*)::int AS n FROM forecasting.demand_versions d
           LEFT JOIN forecasting.forecasts f USING (sku)
           WHERE f.sku IS NULL OR f.demand_version < d.version`,
        )
      : 0,
    policies: rows[0].policies
      ? await count('SELECT count(*)::int AS n FROM inventory.stale_policies')
      : 0,
  };
}

/**
 * After the catch-up: waits until every SKU's forecast is from its latest sales, no policy
 * waits, and inventory has consumed the forecasts, on two polls in a row.
 */
export async function waitForDerivedWork(
  bus: EventBus,
  pool: Pool,
  deadlineMs: number,
  onPoll: (backlog: DerivedBacklog) => void,
): Promise<{
  settled: boolean;
  waitedMs: number;
  backlog: DerivedBacklog;
  consumers: ConsumerStats[];
}> {
  const started = Date.now();
  let backlog: DerivedBacklog = { forecasts: 0, policies: 0, lag: 0 };
  let consumers: ConsumerStats[] = [];
  const settled = await untilQuiet(deadlineMs, async () => {
    consumers = await pollConsumers(bus);
    const lag = consumers.reduce((n, c) => n + c.lag, 0);
    backlog = { ...(await derivedBacklog(pool)), lag };
    onPoll(backlog);
    return backlog.forecasts === 0 && backlog.policies === 0 && backlog.lag === 0;
  });
  return { settled, waitedMs: Date.now() - started, backlog, consumers };
}

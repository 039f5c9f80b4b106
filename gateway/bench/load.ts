/**
 * The load generator of the gateway benchmark, in a process of its own so that its CPU time
 * is neither counted against the gateway nor hidden: `proxy.ts` sends it one run at a time
 * and gets back its figures with the CPU time this process spent on the run. Saturated runs
 * are autocannon's (closed loop, as fast as answers come); runs at a fixed rate are open-loop
 * at a steady pace (`pace.ts`), which autocannon's fixed rate is not.
 */
import autocannon from 'autocannon';
import { figures, pace } from './pace';

/** One measurement: fixed connections, one request at a time on each (no pipelining). */
export interface LoadRun {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** Requests per second across all connections; saturating when absent. */
  rate?: number;
}

export interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of this process during the run (user + system, µs). */
  cpu: number;
}

async function paced(spec: LoadRun, rate: number): Promise<LoadResult> {
  const before = process.cpuUsage();
  const { origin, pathname, search } = new URL(spec.url);
  const result = await pace({
    url: origin,
    headers: spec.headers,
    rate,
    seconds: spec.seconds,
    connections: spec.connections,
    call: () => ({ path: pathname + search }),
  });
  const used = process.cpuUsage(before);
  const f = figures(result, spec.seconds);
  return {
    rps: f.rps,
    total: f.calls,
    p50: f.p50,
    p99: f.p99,
    errors: f.failed,
    cpu: used.user + used.system,
  };
}

async function run(spec: LoadRun): Promise<LoadResult> {
  if (spec.rate !== undefined) return paced(spec, spec.rate);
  const before = process.cpuUsage();
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.seconds,
    headers: spec.headers,
  });
  const used = process.cpuUsage(before);
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    cpu: used.user + used.system,
  };
}

process.on('message', (spec: LoadRun) => {
  run(spec).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
process.send?.('ready');

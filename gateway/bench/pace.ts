/**
 * An open-loop load at a fixed rate: call k is due at `k / rate` seconds, whatever happened
 * to earlier calls. Its latency runs from the moment it is handed to the client to the end of
 * its answer, so a call that waited for a free connection counts the wait. Timers fire up to
 * a millisecond late, which is the load generator's delay and not the server's: it is kept
 * apart, as `lateness` (how long after its due time each call was handed over).
 *
 * autocannon's `overallRate` is not used: it sends each connection's share of a second as a
 * burst at the start of the second, and corrects for coordinated omission with an expected
 * interval of 1 ms, which adds made-up samples to every answer slower than that.
 */
import { Pool, type Dispatcher } from 'undici';
import { performance } from 'node:perf_hooks';

export interface PaceOptions {
  /** Base URL of the service or gateway. */
  url: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  /** Most calls in flight at once (keep-alive connections). */
  connections: number;
  /** The k-th call: a GET of `path`, or a POST of a JSON `body` to it. */
  call: (k: number) => { path: string; body?: string };
}

/** Summary figures of a run, latencies in ms. */
export interface PaceFigures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** The load generator's own delay at p99, in ms: large values void the run. */
  lateP99: number;
  /** Calls answered per second over the run. */
  rps: number;
  calls: number;
  failed: number;
}

export interface PaceResult {
  calls: number;
  failed: number;
  /** Latencies in ms, sorted. */
  latencies: Float64Array;
  /** How late each call was handed to the client, in ms, sorted. */
  lateness: Float64Array;
}

/** The latency at quantile `q` (0 to 1) of sorted latencies. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** The percentiles of a run that took `seconds`. */
export function figures(result: PaceResult, seconds: number): PaceFigures {
  const at = (q: number) => quantile(result.latencies, q);
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    lateP99: quantile(result.lateness, 0.99),
    rps: (result.calls - result.failed) / seconds,
    calls: result.calls,
    failed: result.failed,
  };
}

/** Sends `rate * seconds` calls at their due times and waits for every answer. */
export function pace(options: PaceOptions): Promise<PaceResult> {
  // undici rather than node:http: its client costs less per call, which is time on the clock.
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1 });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies = new Float64Array(total);
  const lateness = new Float64Array(total);
  let failed = 0;
  let done = 0;
  let sent = 0;

  return new Promise((resolve) => {
    const finish = (k: number, handed: number, ok: boolean) => {
      latencies[k] = performance.now() - handed;
      if (!ok) failed += 1;
      done += 1;
      if (done === total) {
        void pool.close();
        resolve({ calls: total, failed, latencies: latencies.sort(), lateness: lateness.sort() });
      }
    };
    const send = (k: number, due: number) => {
      const { path, body } = options.call(k);
      const json: Record<string, string> =
        body === undefined ? {} : { 'content-type': 'application/json' };
      const handed = performance.now();
      lateness[k] = handed - due;
      pool
        .request({
          path,
          method: body === undefined ? 'GET' : 'POST',
          headers: { ...json, ...options.headers },
          body,
        })
        .then(async (res: Dispatcher.ResponseData) => {
          await res.body.dump();
          finish(k, handed, res.statusCode === 200);
        })
        .catch(() => finish(k, handed, false));
    };
    const start = performance.now();
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        send(sent, start + sent * interval);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - now));
    };
    tick();
  });
}

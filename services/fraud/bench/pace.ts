/**
 * An open-loop load at a fixed rate: call k is due at `k / rate` seconds, whatever happened
 * to earlier calls, and its latency runs from that due time to the end of its answer, so a
 * call that waited for a free connection (or for this process) counts the wait.
 *
 * autocannon's `overallRate` is not used: it sends each connection's share of a second as a
 * burst at the start of the second, and corrects for coordinated omission with an expected
 * interval of 1 ms, which adds made-up samples to every answer slower than that.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface PaceOptions {
  /** Base URL of the service or gateway. */
  url: string;
  path: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  /** Most calls in flight at once (keep-alive connections). */
  connections: number;
  body: () => string;
}

export interface PaceResult {
  calls: number;
  failed: number;
  /** Latencies in ms, sorted. */
  latencies: Float64Array;
}

/** The latency at quantile `q` (0 to 1) of sorted latencies. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Sends `rate * seconds` calls at their due times and waits for every answer. */
export function pace(options: PaceOptions): Promise<PaceResult> {
  const { hostname, port } = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies = new Float64Array(total);
  let failed = 0;
  let done = 0;
  let sent = 0;

  return new Promise((resolve) => {
    const finish = (k: number, due: number, ok: boolean) => {
      latencies[k] = performance.now() - due;
      if (!ok) failed += 1;
      done += 1;
      if (done === total) {
        agent.destroy();
        resolve({ calls: total, failed, latencies: latencies.sort() });
      }
    };
    const send = (k: number, due: number) => {
      const body = options.body();
      const req = request(
        {
          agent,
          hostname,
          port,
          path: options.path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...options.headers,
          },
        },
        (res) => {
          res.resume();
          res.once('end', () => finish(k, due, res.statusCode === 200));
        },
      );
      req.once('error', () => finish(k, due, false));
      req.end(body);
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

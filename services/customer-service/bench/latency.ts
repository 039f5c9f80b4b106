/**
 * Latency of POST /v1/support/messages at a fixed rate, through the gateway (a real key,
 * its scope, the shared rate limit, metrics and access log) and direct to the service, in
 * alternating rounds so that drifting load from other work hits both alike. Service,
 * gateway and load generator (this process, an open-loop load at a steady rate:
 * `gateway/bench/pace.ts`) are separate processes; each path also shows the CPU time per
 * message of each process serving it, which busy machines disturb far less than latencies.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { figures, pace } from '../../../gateway/bench/pace';
import {
  cpuMeter,
  serverNodeFlags,
  startChild,
  stopChildren,
} from '../../../gateway/bench/processes';

const TEXTS = [
  'where is my order 536365?',
  'I want to cancel my purchase',
  'how do I get a refund for a damaged item',
  'can I pay with paypal',
  'I need to talk to a real person',
  'i forgot my password pls help',
  'I would like to change the delivery address of order 536365',
  'how long does shipping to Canada take?',
];

export interface LatencyOptions {
  rate: number;
  seconds: number;
  rounds: number;
}

interface Figures {
  /** How late the load generator handed messages over, at p99 (its own delay). */
  late: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  bad: number;
  /** CPU time per message (user + system, µs) of each serving process. */
  cpu: Record<string, number>;
}

/** Starts a serving process as production does and resolves with its first message. */
function start<T>(file: string, args: string[], started: ChildProcess[]): Promise<T> {
  return startChild<T>(join(__dirname, file), args, started, serverNodeFlags());
}

async function load(
  url: string,
  headers: Record<string, string>,
  serving: Record<string, ChildProcess>,
  rate: number,
  seconds: number,
): Promise<Figures> {
  const meter = await cpuMeter(serving);
  const bodies = TEXTS.map((text) => JSON.stringify({ text }));
  const result = await pace({
    url,
    headers,
    rate,
    seconds,
    connections: 10,
    call: (k) => ({ path: '/v1/support/messages', body: bodies[k % bodies.length] }),
  });
  const f = figures(result, seconds);
  const cpu = await meter.perCall(f.calls);
  return {
    late: f.lateP99,
    p50: f.p50,
    p90: f.p90,
    p99: f.p99,
    max: f.max,
    requests: f.calls,
    bad: f.failed,
    cpu,
  };
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function line(label: string, f: Figures): string {
  const cpu = Object.entries(f.cpu)
    .map(([name, us]) => `${name} ${us.toFixed(0)} µs`)
    .join(', ');
  return (
    `${label.padEnd(16)} p50 ${ms(f.p50)}  p90 ${ms(f.p90)}  p99 ${ms(f.p99)}  ` +
    `max ${ms(f.max)}  messages ${f.requests}  failed ${f.bad}  CPU per message: ${cpu}  ` +
    `(load generator late by ${ms(f.late)} at p99)`
  );
}

/** Runs the rounds and prints each; returns the worst p99 through the gateway. */
export async function latency(o: LatencyOptions): Promise<number> {
  const started: ChildProcess[] = [];
  try {
    const { address } = await start<{ address: string }>('serve.ts', [], started);
    const gateway = await start<{ url: string; key: string }>('gateway.ts', [address], started);
    const [service, gatewayProc] = started;
    const through = { 'x-api-key': gateway.key };
    // JIT, connection pools and the key cache warm up before anything is measured.
    await load(gateway.url, through, { gatewayProc }, o.rate, 2);
    let worst = 0;
    for (let round = 1; round <= o.rounds; round++) {
      const g = await load(
        gateway.url,
        through,
        { gateway: gatewayProc, service },
        o.rate,
        o.seconds,
      );
      const d = await load(address, {}, { service }, o.rate, o.seconds);
      console.log(line(`round ${round} gateway`, g));
      console.log(line(`round ${round} direct`, d));
      worst = Math.max(worst, g.p99);
    }
    return worst;
  } finally {
    await stopChildren(started);
  }
}

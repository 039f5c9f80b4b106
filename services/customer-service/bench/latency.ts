/**
 * Latency of POST /v1/support/messages at a fixed rate, through the gateway (a real key,
 * its scope, the shared rate limit, metrics and access log) and direct to the service, in
 * alternating rounds so that drifting load from other work hits both alike. Service,
 * gateway and load generator (this process) are separate processes; each path also shows
 * the CPU time per message of each process serving it, which busy machines disturb far
 * less than latencies.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';

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
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  bad: number;
  /** CPU time per message (user + system, µs) of each serving process. */
  cpu: Record<string, number>;
}

/** Starts a bench process and resolves with the first message it sends. */
function start<T>(file: string, args: string[], started: ChildProcess[]): Promise<T> {
  const child = fork(join(__dirname, file), args, { execArgv: ['--import', 'tsx'] });
  started.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listen = (message: { cpu?: NodeJS.CpuUsage }): void => {
      if (message.cpu === undefined) return;
      child.off('message', listen);
      resolve(message.cpu.user + message.cpu.system);
    };
    child.on('message', listen);
    child.send('cpu');
  });
}

async function load(
  url: string,
  headers: Record<string, string>,
  serving: Record<string, ChildProcess>,
  rate: number,
  seconds: number,
): Promise<Figures> {
  const procs = Object.entries(serving);
  const before = await Promise.all(procs.map(([, p]) => cpuOf(p)));
  const result = await autocannon({
    url: `${url}/v1/support/messages`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: TEXTS.map((text) => ({ body: JSON.stringify({ text }) })),
    connections: 10,
    overallRate: rate,
    duration: seconds,
  });
  const after = await Promise.all(procs.map(([, p]) => cpuOf(p)));
  const calls = Math.max(1, result.requests.total);
  const l = result.latency;
  return {
    p50: l.p50,
    p90: l.p90,
    p99: l.p99,
    max: l.max,
    requests: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
    cpu: Object.fromEntries(procs.map(([name], i) => [name, (after[i] - before[i]) / calls])),
  };
}

function line(label: string, f: Figures): string {
  const cpu = Object.entries(f.cpu)
    .map(([name, us]) => `${name} ${us.toFixed(0)} µs`)
    .join(', ');
  return (
    `${label.padEnd(16)} p50 ${f.p50} ms  p90 ${f.p90} ms  p99 ${f.p99} ms  max ${f.max} ms  ` +
    `messages ${f.requests}  failed ${f.bad}  CPU per message: ${cpu}`
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
    await Promise.all(
      started.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

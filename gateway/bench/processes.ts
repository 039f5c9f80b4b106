import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The benches run each part (service, gateway, load generator) in a process of its own, so
 * that the CPU time each spends per call can be told apart. A child runs one role of a
 * roles file, sends what its parent needs once it is ready, answers `cpu` with the CPU time
 * it has used, and cleans up on SIGTERM.
 */

/** The V8 flags `deploy/services.sh` starts the services and the gateway with. */
export function serverNodeFlags(): string[] {
  const file = join(__dirname, '..', '..', 'deploy', 'node-flags');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Forks `script` (TypeScript, through tsx); resolves with the first message it sends. */
export function startChild<T>(
  script: string,
  args: string[],
  started: ChildProcess[],
  execArgv: string[] = [],
): Promise<T> {
  const proc = fork(script, args, { execArgv: ['--import', 'tsx', ...execArgv], stdio: 'inherit' });
  started.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('message', (info) => resolve(info as T));
    proc.once('exit', (code) => reject(new Error(`${args[0] ?? script} exited with ${code}`)));
  });
}

/** Stops the children (they clean up on SIGTERM) and waits until they are gone. */
export async function stopChildren(started: ChildProcess[]): Promise<void> {
  await Promise.all(
    started.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        }),
    ),
  );
}

/** What a child reports: its CPU time so far (µs), and that of PostgreSQL serving it, if any. */
export interface ChildCpu {
  cpu: number;
  database?: number;
}

/** Sends `request` to a child and resolves with the first of its replies `pick` accepts. */
export function ask<M, T>(
  proc: ChildProcess,
  request: Serializable,
  pick: (message: M) => T | undefined,
): Promise<T> {
  return new Promise((resolve) => {
    const listen = (message: M) => {
      const answer = pick(message);
      if (answer === undefined) return;
      proc.off('message', listen);
      resolve(answer);
    };
    proc.on('message', listen);
    proc.send(request);
  });
}

/** Asks a child for the CPU time it has used so far. */
export function cpuOf(proc: ChildProcess): Promise<ChildCpu> {
  return ask(proc, 'cpu', (m: Partial<ChildCpu>) =>
    m.cpu === undefined ? undefined : { cpu: m.cpu, database: m.database },
  );
}

/** CPU time so far (µs) of each process by name, and of PostgreSQL as `postgres` where reported. */
async function cpuByName(serving: Record<string, ChildProcess>): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(serving).map(async ([name, proc]) => {
      const { cpu, database } = await cpuOf(proc);
      return database === undefined
        ? [[name, cpu]]
        : [
            [name, cpu],
            ['postgres', database],
          ];
    }),
  );
  return Object.fromEntries(entries.flat());
}

/** A path a bench loads: direct to a service or through a proxy, and who serves it. */
export interface BenchTarget {
  label: string;
  url: string;
  headers: Record<string, string>;
  /** The processes that serve a call on this path, by name. */
  serving: Record<string, ChildProcess>;
}

/** The CPU time the processes serving a load spend on it, read before and after. */
export interface CpuMeter {
  /** CPU time per call (µs) of each serving process since the meter started, by name. */
  perCall(calls: number): Promise<Record<string, number>>;
}

/** Reads the CPU time of the processes serving a load (by name) before the load starts. */
export async function cpuMeter(serving: Record<string, ChildProcess>): Promise<CpuMeter> {
  const before = await cpuByName(serving);
  return {
    async perCall(calls) {
      const after = await cpuByName(serving);
      const n = Math.max(1, calls);
      return Object.fromEntries(
        Object.keys(after).map((name) => [name, (after[name] - before[name]) / n]),
      );
    },
  };
}

/** In a child: runs `cleanUp` on SIGTERM, then exits. */
export function onTerm(cleanUp: () => Promise<unknown>): void {
  process.once('SIGTERM', () => {
    void cleanUp()
      .catch((error: unknown) => console.error(error))
      .finally(() => process.exit(0));
  });
}

/** In a child: answers the parent's `cpu` requests; `database` adds PostgreSQL's time. */
export function answerCpu(database?: () => number | undefined): void {
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const own = process.cpuUsage();
    const db = database?.();
    process.send?.({ cpu: own.user + own.system, ...(db === undefined ? {} : { database: db }) });
  });
}

/**
 * In a child: runs the role named by the first argument (the second is its argument), sends
 * its result to the parent, and answers `cpu` requests; `database` adds PostgreSQL's time.
 */
export function runRole(
  roles: Record<string, (arg: string) => Promise<unknown>>,
  database?: () => number | undefined,
): void {
  answerCpu(database);
  const [role, arg] = process.argv.slice(2);
  roles[role](arg ?? '')
    .then((info) => process.send?.(info))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}

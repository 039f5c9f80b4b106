/**
 * CPU time and peak memory of the other processes on the ingest path, read from /proc: the
 * Kafka broker (a java process running `kafka.Kafka`) and the PostgreSQL backends serving the
 * bench's database. On a machine without /proc they are reported as unknown.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux build we run on. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) of a process in ms, or undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Peak resident memory (VmHWM) of a process in bytes, or undefined once it is gone. */
export function processPeakRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/** The pid of the local Kafka broker, found by its main class on the command line. */
export function findBrokerPid(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('kafka.Kafka')) return Number(entry);
    } catch {
      // The process ended while the list was read.
    }
  }
  return undefined;
}

/** CPU and peak memory of one process over the measured window. */
export interface ProcessUse {
  cpuMs: number;
  peakRssBytes: number;
}

/** Measures one long-running process from `start()` on. */
export class ProcessMeter {
  private readonly startCpu: number | undefined;

  constructor(private readonly pid: number | undefined) {
    this.startCpu = pid === undefined ? undefined : processCpuMs(pid);
  }

  /** Use since construction, or undefined when the process cannot be read. */
  read(): ProcessUse | undefined {
    if (this.pid === undefined || this.startCpu === undefined) return undefined;
    const cpu = processCpuMs(this.pid);
    const rss = processPeakRss(this.pid);
    if (cpu === undefined || rss === undefined) return undefined;
    return { cpuMs: cpu - this.startCpu, peakRssBytes: rss };
  }
}

/**
 * Follows the PostgreSQL backends of one database (pooled connections come and go, and
 * autovacuum workers join): each poll reads the CPU of every backend seen, so a backend that
 * ends between two polls loses only its last interval.
 */
export class PostgresMeter {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private peakRss = 0;
  private readable = true;

  constructor(
    private readonly pool: Pool,
    private readonly database: string,
  ) {}

  /** Records the backends present before the measured work, so their past CPU is left out. */
  async begin(): Promise<void> {
    for (const pid of await this.backends()) {
      const cpu = processCpuMs(pid);
      if (cpu === undefined) this.readable = false;
      else this.start.set(pid, cpu);
    }
  }

  async poll(): Promise<void> {
    for (const pid of await this.backends()) {
      const cpu = processCpuMs(pid);
      if (cpu === undefined) continue;
      this.last.set(pid, cpu);
      this.peakRss = Math.max(this.peakRss, processPeakRss(pid) ?? 0);
    }
  }

  /** CPU of all backends since `begin()`, and the largest peak RSS of any one of them. */
  read(): (ProcessUse & { backends: number }) | undefined {
    if (!this.readable || this.last.size === 0) return undefined;
    let cpuMs = 0;
    for (const [pid, cpu] of this.last) cpuMs += cpu - (this.start.get(pid) ?? 0);
    return { cpuMs, peakRssBytes: this.peakRss, backends: this.last.size };
  }

  private async backends(): Promise<number[]> {
    const { rows } = await this.pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [this.database],
    );
    return rows.map((r) => r.pid);
  }
}

import { SingleBar, Presets } from 'cli-progress';
import type { Logger } from 'pino';
import type { ReplaySummary, SetProgress } from './replay';

/** Shows a replay's progress: a bar on a terminal, else a log line every few seconds. */
export interface ProgressView {
  startSet(set: string, expectedRows: number): void;
  update(progress: SetProgress): void;
  stop(): void;
}

/** A bar per set with the rate, written to stderr so stdout stays for the summary. */
export function progressBar(): ProgressView {
  let bar: SingleBar | undefined;
  let started = 0;
  return {
    startSet(set, expectedRows) {
      bar?.stop();
      started = performance.now();
      bar = new SingleBar(
        {
          format: `${set.padEnd(13)} [{bar}] {percentage}% | {value}/{total} rows | {rate} ev/s`,
          hideCursor: true,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      bar.start(Math.max(1, expectedRows), 0, { rate: 0 });
    },
    update(p) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(p.produced / seconds) : 0;
      if (bar !== undefined && p.read > bar.getTotal()) bar.setTotal(p.read);
      bar?.update(p.read, { rate });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** Periodic log lines, for when the output is not a terminal. */
export function progressLog(log: Logger, everyMs = 5000): ProgressView {
  let started = 0;
  let lastLog = 0;
  let expected = 0;
  return {
    startSet(set, expectedRows) {
      started = performance.now();
      lastLog = started;
      expected = expectedRows;
      log.info({ set, ...(expectedRows > 0 ? { expectedRows } : {}) }, 'replay of set started');
    },
    update(p) {
      const now = performance.now();
      if (now - lastLog < everyMs) return;
      lastLog = now;
      const rate = Math.round((p.produced * 1000) / (now - started));
      const total = expected > 0 && Number.isFinite(expected) ? { expected } : {};
      log.info({ set: p.set, read: p.read, ...total, produced: p.produced, rate }, 'replaying');
    },
    stop() {
      lastLog = 0;
    },
  };
}

/** The final summary as a few readable lines. */
export function formatSummary(summary: ReplaySummary): string {
  const lines = summary.sets.map((s) => {
    const topics = Object.entries(s.byTopic)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ');
    const head =
      `${s.set.padEnd(13)} read ${s.read}, produced ${s.produced} (${topics || 'none'}), ` +
      `rejected at source ${s.rejected}, ${(s.elapsedMs / 1000).toFixed(1)} s`;
    const reasons = Object.entries(s.reasons).map(
      ([reason, r]) =>
        `    ${r.count} × ${reason} (rows ${r.rows.join(', ')}` +
        `${r.count > r.rows.length ? ', ...' : ''})`,
    );
    return [head, ...reasons].join('\n');
  });
  lines.push(
    `total         read ${summary.read}, produced ${summary.produced}, ` +
      `rejected at source ${summary.rejected}, ${(summary.elapsedMs / 1000).toFixed(1)} s, ` +
      `${summary.eventsPerSecond} events/s, ` +
      `peak RSS ${Math.round(summary.peakRssBytes / 2 ** 20)} MiB`,
  );
  return lines.join('\n');
}

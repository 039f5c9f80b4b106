/**
 * Intent quality on splits of our own (see `quality.ts`), entity spans, then the latency
 * of POST /v1/support/messages through the gateway at a fixed rate (see `latency.ts`).
 *
 *   pnpm bench:support [--families Z,Q,M,P] [--rate 200] [--seconds 15] [--rounds 2]
 *                      [--quality-only | --latency-only]
 *
 * The latency part serves the trained model in .qm/models (trained first when missing).
 */
import { cpus, loadavg } from 'node:os';
import { loadBitextQa, loadBitextUtterances, resolveDataDir } from '@qm/datasets';
import { readConfig } from '../src/config';
import { latency } from './latency';
import { entities, flagFamilies, groupedFolds, otherWriter, qaFolds } from './quality';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const busy = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function quality(dataDir: string): Promise<void> {
  const base = await loadBitextUtterances(dataDir);
  const qa = await loadBitextQa(dataDir);
  const folds = qaFolds(qa);
  console.log('intent quality (best guess; fallback under the calibrated rule)');
  await otherWriter(base, qa, folds);
  await groupedFolds(base, qa, folds);
  await flagFamilies([...base, ...qa], arg('families', 'Z,Q,M,P').split(','));
  entities(qa);
}

async function main(): Promise<void> {
  const dataDir = resolveDataDir(readConfig().QM_DATA_DIR);
  console.log(`${cpus().length} cores, load average at start ${busy()}`);
  if (!process.argv.includes('--latency-only')) await quality(dataDir);
  if (!process.argv.includes('--quality-only')) {
    const rate = Number(arg('rate', '200'));
    const seconds = Number(arg('seconds', '15'));
    console.log(`latency POST /v1/support/messages at ${rate} msg/s, rounds of ${seconds} s`);
    const p99 = await latency({ rate, seconds, rounds: Number(arg('rounds', '2')) });
    console.log(`worst p99 through the gateway ${p99.toFixed(1)} ms (target <= 20 ms)`);
  }
  console.log(`load average at the end ${busy()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

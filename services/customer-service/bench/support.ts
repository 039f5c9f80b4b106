/**
 * Intent quality on held-out variation families and on the other Bitext sample, then the
 * latency of POST /v1/support/messages on a listening app at a bounded rate.
 *
 *   pnpm bench:support [--families Z,Q,M,P] [--rate 200] [--seconds 15]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  loadBitextQa,
  loadBitextUtterances,
  resolveDataDir,
  type SupportUtterance,
} from '@qm/datasets';
import { extractEntities } from '../src/domain/entities';
import { readConfig } from '../src/config';
import { CALIBRATION } from '../src/nlu/support-model';
import { evaluate, fitTemperature, trainIntentModel, type Scores } from '../src/nlu/training';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function show(label: string, s: Scores, ms: number): void {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  console.log(
    `${label.padEnd(34)} n=${String(s.n).padStart(5)}  accuracy ${pct(s.accuracy)}  ` +
      `macro-F1 ${s.macroF1.toFixed(3)}  fallback ${pct(s.fallbackRate)}  ` +
      `answered-accuracy ${pct(s.answeredAccuracy)}  (trained in ${(ms / 1000).toFixed(1)} s)`,
  );
}

async function quality(dataDir: string): Promise<void> {
  const base = await loadBitextUtterances(dataDir);
  const qa = await loadBitextQa(dataDir);
  const all = [...base, ...qa];
  const families = arg('families', 'Z,Q,M,P').split(',');
  console.log('intent quality (best guess; fallback under the calibrated rule)');

  const pooled = { n: 0, correct: 0, f1: 0 };
  for (const flag of families) {
    const t0 = Date.now();
    const model = trainIntentModel(all.filter((u) => !u.flags.includes(flag)));
    const ms = Date.now() - t0;
    const held = all.filter((u) => u.flags.includes(flag));
    model.temperature = fitTemperature(model, held);
    const s = evaluate(model, held);
    show(`held-out family ${flag} (T=${model.temperature})`, s, ms);
    pooled.n += s.n;
    pooled.correct += s.accuracy * s.n;
    pooled.f1 += s.macroF1;
  }
  console.log(
    `flag families pooled: accuracy ${((pooled.correct / pooled.n) * 100).toFixed(1)}%  ` +
      `mean macro-F1 ${(pooled.f1 / families.length).toFixed(3)}`,
  );

  const t0 = Date.now();
  const crossModel = trainIntentModel(base);
  const ms = Date.now() - t0;
  crossModel.temperature = CALIBRATION.temperature;
  crossModel.rule = { minConfidence: CALIBRATION.minConfidence, minMargin: CALIBRATION.minMargin };
  show('other sample: 20k file -> 4,514 rows', evaluate(crossModel, qa), ms);
  entities(qa);
}

/** Entity spans of the 4,514-row file that our rules find, by value (a leading # aside). */
function entities(qa: SupportUtterance[]): void {
  const ours: Record<string, string> = {
    order_id: 'order_number',
    invoice_id: 'order_number',
    refund_amount: 'amount',
  };
  const counts: Record<string, { n: number; found: number; sameSpan: number }> = {};
  for (const row of qa) {
    const want = row.entity && ours[row.entity.type];
    if (!row.entity || !want) continue;
    const c = (counts[row.entity.type] ??= { n: 0, found: 0, sameSpan: 0 });
    c.n++;
    const expected = row.entity.value.replace(/^#/, '');
    const hit = extractEntities(row.text).find(
      (e) => e.type === want && e.value.replace(/^#/, '').includes(expected),
    );
    if (hit) c.found++;
    if (hit && hit.end === row.entity.end) c.sameSpan++;
  }
  for (const [type, c] of Object.entries(counts)) {
    console.log(
      `entities ${type.padEnd(14)} n=${c.n}  value found ${((c.found / c.n) * 100).toFixed(1)}%` +
        `  same end offset ${((c.sameSpan / c.n) * 100).toFixed(1)}%`,
    );
  }
}

/** Starts `serve.ts` in a child process and resolves with its address. */
function startServer(): Promise<{ child: ChildProcess; address: string }> {
  const child = fork(join(__dirname, 'serve.ts'), [], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { address: string }) => resolve({ child, address: m.address }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

async function latency(): Promise<void> {
  const { child, address } = await startServer();
  const texts = [
    'where is my order 536365?',
    'I want to cancel my purchase',
    'how do I get a refund for a damaged item',
    'can I pay with paypal',
    'I need to talk to a real person',
    'i forgot my password pls help',
  ];
  const rate = Number(arg('rate', '200'));
  const seconds = Number(arg('seconds', '15'));
  try {
    const result = await autocannon({
      url: `${address}/v1/support/messages`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: texts.map((text) => ({ body: JSON.stringify({ text }) })),
      connections: 10,
      overallRate: rate,
      duration: seconds,
    });
    const l = result.latency;
    console.log(
      `latency POST /v1/support/messages at ${rate} msg/s for ${seconds} s: ` +
        `p50 ${l.p50} ms  p90 ${l.p90} ms  p99 ${l.p99} ms  max ${l.max} ms  ` +
        `requests ${result.requests.total}  non-2xx ${result.non2xx}  errors ${result.errors}`,
    );
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const dataDir = resolveDataDir(readConfig().QM_DATA_DIR);
  if (!process.argv.includes('--latency-only')) await quality(dataDir);
  if (!process.argv.includes('--quality-only')) await latency();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { dataFile, readCsv, resolveDataDir } from '@qm/datasets';
import { IdIndex } from '../src/domain/dataset';
import { listQuality, meanQuality, type ListQuality } from '../src/domain/metrics';
import { DEFAULT_SESSION_OPTIONS, SessionModel, type SessionOptions } from '../src/domain/session';
import { DAY_MS, type ScoreMap, topN } from '../src/domain/types';

interface Click {
  session: string;
  item: string;
  at: number;
}

async function clicks(): Promise<Click[]> {
  const path = dataFile(
    resolveDataDir(process.env.QM_DATA_DIR),
    'clickstream-yoochoose-100k',
    'yoochoose-clicks-100k_train_full.tsv.gz',
  );
  const out: Click[] = [];
  for await (const [session, item, time] of readCsv(path, { delimiter: '\t', from_line: 2 })) {
    out.push({
      session: `yoochoose:${session}`,
      item: `yoochoose:${item}`,
      at: Number(time) * 1000,
    });
  }
  return out;
}

/** Sessions in time order of their first click, each its clicks in order. */
function sessionsOf(all: Click[]): { items: string[]; start: number; end: number }[] {
  const map = new Map<string, { items: string[]; start: number; end: number }>();
  for (const c of [...all].sort((a, b) => a.at - b.at)) {
    let s = map.get(c.session);
    if (s === undefined) map.set(c.session, (s = { items: [], start: c.at, end: c.at }));
    s.items.push(c.item);
    s.end = c.at;
  }
  return [...map.values()];
}

interface Split {
  model: (options: SessionOptions) => SessionModel;
  popular: ScoreMap;
  tests: number[][];
}

/** Trains on sessions ending before `cut`, tests on those ending in the day after it. */
function split(sessions: ReturnType<typeof sessionsOf>, cut: number): Split {
  const items = new IdIndex();
  const train = sessions.filter((s) => s.end < cut);
  const sequences = train.map((s) => Int32Array.from(s.items, (i) => items.add(i)));
  const times = Float64Array.from(train, (s) => s.start);
  const popular: ScoreMap = new Map();
  for (const seq of sequences) for (const i of seq) popular.set(i, (popular.get(i) ?? 0) + 1);
  const tests = sessions
    .filter((s) => s.end >= cut && s.end < cut + DAY_MS)
    .map((s) => s.items.map((i) => items.get(i) ?? -1).filter((i) => i >= 0))
    .filter((s) => s.length >= 2);
  return {
    model: (options) => new SessionModel(sequences, times, items.size, options),
    popular,
    tests,
  };
}

function evaluate(tests: number[][], predict: (prefix: number[]) => ScoreMap): ListQuality {
  const all: ListQuality[] = [];
  for (const session of tests) {
    for (let i = 1; i < session.length; i++) {
      const ranked = topN(predict(session.slice(0, i)), 20).map((e) => e[0]);
      all.push(listQuality(ranked, new Set([session[i]]), 20));
    }
  }
  return meanQuality(all);
}

function line(name: string, q: ListQuality): string {
  return `  ${name.padEnd(44)} HR@20 ${q.hit.toFixed(3)}  MRR@20 ${q.rr.toFixed(3)}`;
}

/** YOOCHOOSE: the last day of the shared train file as test, the day before for tuning. */
export async function benchSessions(): Promise<void> {
  const started = Date.now();
  const sessions = sessionsOf(await clicks());
  const last = sessions.reduce((m, s) => Math.max(m, s.end), 0);
  const testCut = last - DAY_MS + 1;
  const valid = split(sessions, testCut - DAY_MS);
  const test = split(sessions, testCut);
  const count = (s: Split): number => s.tests.reduce((n, t) => n + t.length - 1, 0);
  console.log(
    `YOOCHOOSE: tune on the day before the last (${count(valid)} predictions), test on the` +
      ` last day of the train file (${count(test)} predictions), next click`,
  );

  console.log(
    line(
      'popularity',
      evaluate(test.tests, () => test.popular),
    ),
  );
  const plain = { ...DEFAULT_SESSION_OPTIONS, successorWeight: 0 };
  const successorsOnly = test.model({ ...plain, lookahead: 1 });
  console.log(
    line(
      'successors of the last item',
      evaluate(test.tests, (p) => successorsOnly.scores(p).successors),
    ),
  );
  const knn = test.model(plain);
  console.log(
    line(
      'session-kNN, 100 neighbours',
      evaluate(test.tests, (p) => knn.combined(p)),
    ),
  );

  let best = { ...DEFAULT_SESSION_OPTIONS };
  let bestScore = -1;
  const grid: Partial<SessionOptions>[] = [];
  // A small grid around what a wider search found best, to keep the benchmark short.
  for (const neighbours of [200, 500])
    for (const successorWeight of [0.5, 1])
      for (const idfWeight of [0, 0.5]) {
        grid.push({
          neighbours,
          sample: 1000,
          successorWeight,
          lengthPenalty: 0.5,
          idfWeight,
          lookahead: 2,
        });
      }
  const models = new Map<string, SessionModel>();
  for (const point of grid) {
    const options = { ...DEFAULT_SESSION_OPTIONS, ...point };
    const key = String(options.lookahead);
    // The successor table depends only on lookahead; the rest applies at query time.
    let model = models.get(key);
    if (model === undefined) models.set(key, (model = valid.model(options)));
    Object.assign(model.options, options);
    const score = evaluate(valid.tests, (p) => model.combined(p)).hit;
    if (score > bestScore) {
      bestScore = score;
      best = options;
    }
  }
  const tuned = test.model(best);
  console.log(
    line(
      'session-kNN + successors, tuned',
      evaluate(test.tests, (p) => tuned.combined(p)),
    ),
  );
  console.log(`  tuned options ${JSON.stringify(best)}`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (require.main === module) {
  benchSessions().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

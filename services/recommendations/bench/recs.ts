import { benchLatency } from './latency';
import { benchRetail } from './retail';
import { benchSessions } from './sessions';

const PARTS: Record<string, () => Promise<void>> = {
  retail: benchRetail,
  sessions: benchSessions,
  latency: benchLatency,
};

/**
 * Quality on Online Retail and YOOCHOOSE windows of the shared data, then serving latency;
 * `pnpm bench:recs latency` (or `retail`, `sessions`, several at once) runs only those parts.
 */
async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((part) => !(part in PARTS));
  if (unknown.length > 0) {
    throw new Error(`unknown part ${unknown.join(', ')}: use ${Object.keys(PARTS).join(', ')}`);
  }
  for (const [name, run] of Object.entries(PARTS)) {
    if (asked.length === 0 || asked.includes(name)) await run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

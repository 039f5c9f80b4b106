import { benchLatency } from './latency';
import { benchRetail } from './retail';
import { benchSessions } from './sessions';

/** Quality on Online Retail and YOOCHOOSE windows of the shared data, then serving latency. */
async function main(): Promise<void> {
  await benchRetail();
  await benchSessions();
  await benchLatency();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

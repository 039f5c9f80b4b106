/**
 * The gateway of the latency benchmark, in a process of its own, in front of the service
 * at the URL given on the command line, with every check on (`gateway/bench/front.ts`).
 * Sends `{ url, key }` to the parent once listening, answers `cpu` with its CPU time so
 * far, and cleans up on SIGTERM.
 */
import { startBenchGateway } from '../../../gateway/bench/front';

async function main(upstream: string): Promise<void> {
  const front = await startBenchGateway({
    name: 'support',
    env: { QM_SUPPORT_URL: upstream },
    scopes: ['support:write'],
  });

  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  process.once('SIGTERM', () => {
    void front.close().finally(() => process.exit(0));
  });
  process.send?.({ url: front.url, key: front.key });
}

main(process.argv[2] ?? '').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

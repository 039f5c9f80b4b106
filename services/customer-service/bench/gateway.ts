/**
 * The gateway of the latency benchmark, in a process of its own, in front of the service
 * at the URL given on the command line, with every check on (`gateway/bench/front.ts`).
 * Sends `{ url, key }` to the parent once listening, answers `cpu` with its CPU time so
 * far, and cleans up on SIGTERM.
 */
import { startBenchGateway } from '../../../gateway/bench/front';
import { answerCpu, onTerm } from '../../../gateway/bench/processes';

async function main(upstream: string): Promise<void> {
  const front = await startBenchGateway({
    name: 'support',
    env: { QM_SUPPORT_URL: upstream },
    scopes: ['support:write'],
  });

  answerCpu();
  onTerm(() => front.close());
  process.send?.({ url: front.url, key: front.key });
}

main(process.argv[2] ?? '').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

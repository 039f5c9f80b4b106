import { createLogger, listen } from '@qm/kit';
import { readConfig } from './config';
import { composeFraudService } from './service';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('fraud', config.QM_LOG_LEVEL);
  const app = await composeFraudService(config, log);
  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

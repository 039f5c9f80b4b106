import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

export interface ListenOptions {
  host: string;
  port: number;
  /** How long in-flight work may take to finish on shutdown. */
  graceMs?: number;
}

/**
 * Listens, and on SIGINT/SIGTERM closes the app gracefully: Fastify stops accepting,
 * finishes requests in flight, then runs every `onClose` hook (consumers, pools).
 */
export async function listen(app: FastifyInstance, options: ListenOptions): Promise<string> {
  closeWithGrace({ delay: options.graceMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an uncaught error');
    else app.log.info({ signal }, 'closing');
    await app.close();
  });
  return app.listen({ host: options.host, port: options.port });
}

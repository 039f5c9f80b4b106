import type { Logger } from 'pino';
import type { OpenApiDoc, ServiceDoc } from '../domain/openapi';

const MISSING_RETRY_MS = 5000;

export interface DocSource {
  area: string;
  service: string;
  /** The service's base URL; its document is at `/openapi.json`. */
  url: string;
}

/**
 * The services' OpenAPI documents, fetched at start and refreshed periodically. A service
 * that does not answer keeps its last document (or none), and the others are unaffected.
 */
export class ServiceDocs {
  private readonly docs = new Map<string, OpenApiDoc>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Changes whenever a document changes, so merged views can be cached. */
  version = 0;

  constructor(
    private readonly sources: DocSource[],
    private readonly log: Logger,
    private readonly timeoutMs = 3000,
  ) {}

  current(): ServiceDoc[] {
    return this.sources.map((s) => ({
      area: s.area,
      service: s.service,
      doc: this.docs.get(s.service),
    }));
  }

  async refresh(): Promise<void> {
    await Promise.all(this.sources.map((source) => this.fetchOne(source)));
  }

  /** Refreshes every `intervalMs`, and every few seconds while a service is still missing. */
  start(intervalMs: number): void {
    this.stop();
    const schedule = () => {
      const missing = this.sources.some((s) => !this.docs.has(s.service));
      const delay = missing ? Math.min(intervalMs, MISSING_RETRY_MS) : intervalMs;
      this.timer = setTimeout(() => {
        void this.refresh().finally(() => {
          if (this.running) schedule();
        });
      }, delay);
      this.timer.unref();
    };
    this.running = true;
    schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async fetchOne(source: DocSource): Promise<void> {
    try {
      const response = await fetch(`${source.url}/openapi.json`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      const text = await response.text();
      const previous = this.docs.get(source.service);
      if (previous !== undefined && JSON.stringify(previous) === text) return;
      this.docs.set(source.service, JSON.parse(text) as OpenApiDoc);
      this.version += 1;
    } catch (error) {
      if (!this.docs.has(source.service)) {
        this.log.debug(
          { service: source.service, err: (error as Error).message },
          'no api docs yet',
        );
        return;
      }
      this.log.warn({ service: source.service, err: (error as Error).message }, 'api docs stale');
    }
  }
}

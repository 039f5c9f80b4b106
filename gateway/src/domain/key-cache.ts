import { hashKey, sameHash, type KeyRecord } from './keys';

export interface KeyResolverOptions {
  /** Looks a key up by its hash in the store. */
  lookup: (hash: string) => Promise<KeyRecord | undefined>;
  /** How long an answer (found or not) is trusted. */
  ttlMs: number;
  /** The bootstrap key, answered without the store. */
  master?: { key: string; record: KeyRecord };
  /** Bound on cached answers, so random keys cannot grow memory without end. */
  maxEntries?: number;
  now?: () => number;
}

/** A key's record as looked up (undefined: no such key), and until when it is trusted. */
export interface KnownKey {
  record: KeyRecord | undefined;
  until: number;
}

/**
 * Resolves keys to their records with a short in-memory cache. Concurrent lookups of the
 * same key share one query.
 */
export class KeyResolver {
  private readonly entries = new Map<string, KnownKey>();
  private readonly pending = new Map<string, Promise<KeyRecord | undefined>>();
  private readonly masterHash?: string;
  private readonly master?: KnownKey;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: KeyResolverOptions) {
    this.masterHash = options.master ? hashKey(options.master.key) : undefined;
    this.master = options.master && { record: options.master.record, until: Infinity };
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The answer for a key when it is known without asking the store (looked up within the
   * cache time, or the master key), else undefined. Most calls are answered here, with no
   * promise to wait for.
   */
  known(key: string): KnownKey | undefined {
    return this.knownHash(hashKey(key));
  }

  async resolve(key: string): Promise<KeyRecord | undefined> {
    const hash = hashKey(key);
    const known = this.knownHash(hash);
    if (known !== undefined) return known.record;

    const inFlight = this.pending.get(hash);
    if (inFlight !== undefined) return inFlight;

    const lookup = this.options
      .lookup(hash)
      .then((record) => {
        this.remember(hash, record);
        return record;
      })
      .finally(() => this.pending.delete(hash));
    this.pending.set(hash, lookup);
    return lookup;
  }

  private knownHash(hash: string): KnownKey | undefined {
    const cached = this.entries.get(hash);
    if (cached !== undefined && cached.until > this.now()) return cached;
    if (this.masterHash !== undefined && sameHash(hash, this.masterHash)) return this.master;
    return undefined;
  }

  /** Drops every cached answer, e.g. after a key was revoked through this gateway. */
  clear(): void {
    this.entries.clear();
  }

  private remember(hash: string, record: KeyRecord | undefined): void {
    if (this.options.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { record, until: this.now() + this.options.ttlMs });
  }
}

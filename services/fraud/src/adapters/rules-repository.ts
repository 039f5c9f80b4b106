import { inTransaction } from '@qm/kit';
import type { Pool, PoolClient } from 'pg';
import {
  emptyRules,
  LIMIT_NAMES,
  LIST_KINDS,
  normaliseListValue,
  type LimitName,
  type Limits,
  type ListAction,
  type ListKind,
  type RuleSet,
} from '../domain/rules';

export interface ListContents {
  kind: ListKind;
  block: string[];
  allow: string[];
}

/**
 * Lists and limits in PostgreSQL, cached in the process for `ttlMs` so scoring never waits
 * on the database; writes through this repository refresh the cache at once.
 */
export class RulesRepository {
  private cached: { rules: RuleSet; at: number } | undefined;
  private loading: { rules: Promise<RuleSet>; version: number } | undefined;
  /** Counts committed writes: a load begun before one may miss it, so it is not shared. */
  private version = 0;

  constructor(
    private readonly pool: Pool,
    private readonly ttlMs: number,
    private readonly schema = 'fraud',
  ) {}

  /** The current rules; a stale cache is served while it refreshes. */
  async current(): Promise<RuleSet> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.rules;
    if (this.cached) {
      void this.refresh().catch(() => undefined);
      return this.cached.rules;
    }
    return this.refresh();
  }

  private refresh(): Promise<RuleSet> {
    let loading = this.loading;
    if (loading === undefined || loading.version !== this.version) {
      const rules = this.load(this.version).finally(() => {
        if (this.loading?.rules === rules) this.loading = undefined;
      });
      loading = { rules, version: this.version };
      this.loading = loading;
    }
    return loading.rules;
  }

  private async load(version: number): Promise<RuleSet> {
    const [entries, limits] = await Promise.all([
      this.pool.query<{ kind: ListKind; value: string; action: ListAction }>(
        `select kind, value, action from ${this.schema}.list_entries`,
      ),
      this.pool.query<{ name: LimitName; value: number }>(
        `select name, value from ${this.schema}.limits`,
      ),
    ]);
    const rules = emptyRules();
    const block = rules.lists.block as Record<ListKind, Set<string>>;
    const allow = rules.lists.allow as Record<ListKind, Set<string>>;
    for (const e of entries.rows) (e.action === 'block' ? block : allow)[e.kind].add(e.value);
    for (const l of limits.rows) if (LIMIT_NAMES.includes(l.name)) rules.limits[l.name] = l.value;
    if (version === this.version) this.cached = { rules, at: Date.now() };
    return rules;
  }

  /**
   * Makes replacements of the same rows wait for each other until the transaction ends: the
   * second then deletes what the first inserted instead of adding to it (or failing on it).
   */
  private async lock(client: PoolClient, what: string): Promise<void> {
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `qm-fraud-rules:${this.schema}:${what}`,
    ]);
  }

  async list(kind: ListKind): Promise<ListContents> {
    const rules = await this.refresh();
    return {
      kind,
      block: [...rules.lists.block[kind]].sort(),
      allow: [...rules.lists.allow[kind]].sort(),
    };
  }

  /** Replaces one kind's block and allow lists; a value on both is blocked. */
  async replaceList(kind: ListKind, block: string[], allow: string[]): Promise<ListContents> {
    const blocked = [...new Set(block.map((v) => normaliseListValue(kind, v)).filter(Boolean))];
    const allowed = [
      ...new Set(allow.map((v) => normaliseListValue(kind, v)).filter(Boolean)),
    ].filter((v) => !blocked.includes(v));
    await inTransaction(this.pool, async (client) => {
      await this.lock(client, `lists:${kind}`);
      await client.query(`delete from ${this.schema}.list_entries where kind = $1`, [kind]);
      await client.query(
        `insert into ${this.schema}.list_entries (kind, value, action)
         select $1, v, a from unnest($2::text[], $3::text[]) as t(v, a)`,
        [
          kind,
          [...blocked, ...allowed],
          [...blocked.map(() => 'block'), ...allowed.map(() => 'allow')],
        ],
      );
    });
    this.version += 1;
    return this.list(kind);
  }

  async limits(): Promise<Limits> {
    return (await this.refresh()).limits;
  }

  /** Replaces the hard limits; a limit left out is removed. */
  async replaceLimits(limits: Limits): Promise<Limits> {
    const names = LIMIT_NAMES.filter((n) => limits[n] !== undefined);
    await inTransaction(this.pool, async (client) => {
      await this.lock(client, 'limits');
      await client.query(`delete from ${this.schema}.limits`);
      await client.query(
        `insert into ${this.schema}.limits (name, value)
         select n, v from unnest($1::text[], $2::float8[]) as t(n, v)`,
        [names, names.map((n) => limits[n])],
      );
    });
    this.version += 1;
    return this.limits();
  }
}

export { LIST_KINDS };

import type { Pool } from 'pg';
import type { KeyRecord, KeyStore, NewKey } from '../domain/keys';

interface Row {
  id: string;
  name: string;
  scopes: string[];
  rate_limit_per_minute: number;
  allowed_origins: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  'id, name, scopes, rate_limit_per_minute, allowed_origins, expires_at, revoked_at, created_at';

function toRecord(row: Row): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    rateLimitPerMinute: row.rate_limit_per_minute,
    allowedOrigins: row.allowed_origins,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  };
}

/** API keys in PostgreSQL (`<schema>.api_keys`); only hashes are stored. */
export class PgKeyStore implements KeyStore {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    schema = 'gateway',
  ) {
    this.table = `"${schema}".api_keys`;
  }

  async insert(key: NewKey & { hash: string }): Promise<KeyRecord> {
    const { rows } = await this.pool.query<Row>(
      `insert into ${this.table}
         (name, hash, scopes, rate_limit_per_minute, allowed_origins, expires_at)
       values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
      [key.name, key.hash, key.scopes, key.rateLimitPerMinute, key.allowedOrigins, key.expiresAt],
    );
    return toRecord(rows[0]);
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `select ${COLUMNS} from ${this.table} where hash = $1`,
      [hash],
    );
    return rows.length === 0 ? undefined : toRecord(rows[0]);
  }

  async list(): Promise<KeyRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `select ${COLUMNS} from ${this.table} order by created_at, id`,
    );
    return rows.map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<KeyRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `update ${this.table} set revoked_at = coalesce(revoked_at, $2)
       where id = $1 returning ${COLUMNS}`,
      [id, at],
    );
    return rows.length === 0 ? undefined : toRecord(rows[0]);
  }
}

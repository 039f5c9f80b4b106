import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CommonErrors } from '@qm/kit';

/** An API key as stored: never the key itself, only its hash. */
export interface KeyRecord {
  id: string;
  name: string;
  scopes: string[];
  rateLimitPerMinute: number;
  /** Browser origins allowed to use the key; empty means no restriction. */
  allowedOrigins: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const KEY_PREFIX = 'qm_';

/** A new random key (256 bits), shown to its owner once. */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** SHA-256 suffices for keys with 256 bits of entropy: no dictionary to slow down. */
export function hashKey(key: string): string {
  // The one-shot form: a third of the time of a Hash object, and it runs on every call.
  return hash('sha256', key, 'hex');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export type KeyProblem = 'KEY_REVOKED' | 'KEY_EXPIRED';

/** Why a stored key may not be used now, if it may not. */
export function keyProblem(record: KeyRecord, now: Date): KeyProblem | undefined {
  if (record.revokedAt !== null && record.revokedAt <= now) return 'KEY_REVOKED';
  if (record.expiresAt !== null && record.expiresAt <= now) return 'KEY_EXPIRED';
  return undefined;
}

/** The key carried by a request: `x-api-key`, else `Authorization: Bearer`. */
export function keyFromHeaders(apiKey: unknown, authorization: unknown): string | undefined {
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return undefined;
}

/** What a caller asks for when creating a key. */
export interface NewKey {
  name: string;
  scopes: string[];
  rateLimitPerMinute: number;
  allowedOrigins: string[];
  expiresAt: Date | null;
}

/** Where key records live. */
export interface KeyStore {
  insert(key: NewKey & { hash: string }): Promise<KeyRecord>;
  findByHash(hash: string): Promise<KeyRecord | undefined>;
  list(): Promise<KeyRecord[]>;
  /** Marks a key revoked; undefined when there is no such key. */
  revoke(id: string, at: Date): Promise<KeyRecord | undefined>;
}

/**
 * Creates a key: the record is stored with the hash, the key itself is returned once. A key
 * must not be born expired; an expiry Date cannot read (a leap second) is refused too.
 */
export async function createKey(
  store: KeyStore,
  input: NewKey,
  now = new Date(),
): Promise<{ record: KeyRecord; key: string }> {
  const expires = input.expiresAt?.getTime();
  if (expires !== undefined && !(expires > now.getTime())) {
    throw CommonErrors.VALIDATION_FAILED('expiresAt must be a date and time in the future', {
      field: 'expiresAt',
    });
  }
  const key = generateKey();
  const record = await store.insert({ ...input, hash: hashKey(key) });
  return { record, key };
}

import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, interceptors, request } from 'undici';

/** A download that did not complete, in one line: what, from where and why. */
export class DownloadError extends Error {
  readonly code = 'REPLAY_DOWNLOAD_FAILED';

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`cannot download ${url}: ${reason.replace(/\s+/g, ' ').trim()}`);
    this.name = 'DownloadError';
  }
}

/** Bytes received so far, and the total when the server sent a length. */
export type DownloadProgress = (received: number, total: number | undefined) => void;

export interface DownloadOptions {
  onProgress?: DownloadProgress;
  /** Longest wait for a connection, for the response headers, and between body bytes (ms). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Why a request failed, from the codes that undici and the resolver put on their errors. */
function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; cause?: unknown };
  const cause = e.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e.code === 'string' ? e.code : cause?.code;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const detail = message === '' && typeof cause?.message === 'string' ? cause.message : message;
  return typeof code === 'string' && !detail.includes(code) ? `${code} ${detail}` : detail;
}

/**
 * Fetches a URL into a file, following redirects. The bytes go to `<dest>.part`, renamed
 * to `dest` once complete, so an interrupted download never passes for a finished one.
 * Returns the number of bytes written; throws a {@link DownloadError}.
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<number> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dispatcher = new Agent({ connect: { timeout } }).compose(
    interceptors.redirect({ maxRedirections: 5 }),
  );
  const partial = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  try {
    const response = await request(url, {
      dispatcher,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      headers: { 'user-agent': 'quartermaster-replay' },
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new DownloadError(url, `HTTP ${response.statusCode}`);
    }
    const length = Number(response.headers['content-length']);
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        options.onProgress?.(received, total);
        done(null, chunk);
      },
    });
    await pipeline(response.body, count, createWriteStream(partial));
    if (total !== undefined && received !== total) {
      throw new DownloadError(url, `got ${received} of ${total} bytes`);
    }
    await rename(partial, dest);
    return received;
  } catch (error) {
    await rm(partial, { force: true });
    throw error instanceof DownloadError ? error : new DownloadError(url, reasonOf(error));
  } finally {
    await dispatcher.close();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { serverNodeFlags } from '../../gateway/bench/processes';
import { waitFor } from '../support';

const ROOT = resolve(__dirname, '..', '..');

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** A child process with what it printed, kept for the failure message of a test. */
export interface Started {
  name: string;
  child: ChildProcess;
  output: () => string;
}

/** Runs a TypeScript entry point of the repository the way `deploy/services.sh` does. */
export function startEntry(name: string, entry: string, env: Record<string, string>): Started {
  const args = [...serverNodeFlags(), '--import', 'tsx', resolve(ROOT, entry)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, QM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, child, output: () => printed };
}

/** A private redis-server on its own port, so a test can stop it without touching others. */
export function startRedis(port: number): Started {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed = (printed + chunk).slice(-4_000)));
  return { name: `redis:${port}`, child, output: () => printed };
}

/** Stops a child and waits for it to be gone. */
export async function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  const gone = new Promise((done) => started.child.once('exit', done));
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

/** Waits until a URL answers with the given status, reporting the process's output if not. */
export async function waitForStatus(
  url: string,
  status: number,
  started: Started,
  timeoutMs = 90_000,
): Promise<void> {
  try {
    await waitFor(
      `${url} to answer ${status}`,
      async () => {
        if (started.child.exitCode !== null) {
          throw new Error(`${started.name} exited with ${started.child.exitCode}`);
        }
        const res = await fetch(url).catch(() => undefined);
        return res?.status === status ? true : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${started.name} printed:\n${started.output()}`, {
      cause: err,
    });
  }
}

// Starts and stops a throwaway redis-server for tests: on a free port on 127.0.0.1, nothing saved
// unless asked. Used by test/redis.test.ts and the CLI's Redis fault test.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to install the server, for skip and failure messages. */
export const INSTALL_HINT =
  'install it with `apt-get install redis-server` (Debian/Ubuntu) or `brew install redis`';

/** Whether a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  const result = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return result.status === 0;
}

/** A running test server. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The server's working directory (its AOF lives there when `persist` is on). */
  readonly dir: string;
  readonly process: ChildProcess;
  /** Kills the server at once (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
  /** Stops the server (SIGTERM), waits for it to exit, and removes its directory unless kept. */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Port to listen on. @default a free port */
  port?: number;
  /** Directory for the server's files. @default a new temporary directory, removed by stop() */
  dir?: string;
  /** Log every write to an append-only file (fsync always), so a restarted server keeps the data. */
  persist?: boolean;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a server on the port answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `redis-server` on 127.0.0.1 and resolves once it answers PING (within 10 s).
 *
 * @throws if the server exits or does not answer in time (with its output).
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'neardup-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push(
    ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  );
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const started = Date.now();
  while (!(await ping(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

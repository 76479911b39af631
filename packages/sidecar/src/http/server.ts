// Listening: on the unix socket jupyter-server-proxy gives us (production; only
// our user may connect) or on 127.0.0.1:PORT (development), and stopping cleanly.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { ILogger } from '../log.js';

export type ListenTarget = { socket: string } | { port: number };

/** Whether something still answers on a unix socket (then it is not stale). */
function socketInUse(path: string): Promise<boolean> {
  return new Promise(resolve => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) {
    throw new Error(
      `${path} exists and is not a socket; refusing to replace it`
    );
  }
  if (await socketInUse(path)) {
    throw new Error(`Another process is already listening on ${path}`);
  }
  unlinkSync(path);
}

export async function listen(
  handler: RequestListener,
  target: ListenTarget
): Promise<Server> {
  const server = createServer(handler);
  if ('socket' in target) {
    await removeStaleSocket(target.socket);
    // Create the socket owner-only from the start (no window before chmod).
    const umask = process.umask(0o177);
    try {
      await listenOn(server, target.socket);
    } finally {
      process.umask(umask);
    }
    chmodSync(target.socket, 0o600);
  } else {
    await listenOn(server, target.port, '127.0.0.1');
  }
  return server;
}

function listenOn(
  server: Server,
  pathOrPort: string | number,
  host?: string
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (typeof pathOrPort === 'string') {
      server.listen(pathOrPort, done);
    } else {
      server.listen(pathOrPort, host, done);
    }
  });
}

/** Where the server listens, for humans. */
export function describeAddress(server: Server): string {
  const address = server.address();
  if (typeof address === 'string') {
    return address;
  }
  const info = address as AddressInfo;
  return `http://${info.address}:${info.port}`;
}

/**
 * Stop accepting, finish what is in flight, then exit (the socket file is
 * removed on close): on SIGTERM/SIGINT, and when the process that started us
 * (the Jupyter server) is gone, since a Jupyter server that was killed never
 * sends the signal and an orphaned sidecar would live on with its secret.
 */
export function closeOnSignals(
  server: Server,
  logger: ILogger,
  /** Work to put away first (running transfer jobs are suspended, not cancelled). */
  beforeExit: () => Promise<void> = async () => undefined
): void {
  const parent = process.ppid;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info(`${signal}: shutting down`);
    const closed = new Promise<void>(resolve => server.close(() => resolve()));
    void Promise.all([
      closed,
      beforeExit().catch((error: unknown) =>
        logger.error(`shutting down: ${String(error)}`)
      )
    ]).then(() => process.exit(0));
    server.closeIdleConnections();
    // Do not wait forever for a slow client.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  setInterval(() => {
    if (process.ppid !== parent) {
      stop('parent process gone');
    }
  }, 2_000).unref();
}

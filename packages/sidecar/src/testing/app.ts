// The sidecar's app on a free loopback port, for tests that talk HTTP to it.
import type { Server } from 'node:http';
import { TOKEN_HEADER } from '@jupyter-buckets/core';
import type { AddressInfo } from 'node:net';
import { createApp, type IAppOptions } from '../http/app.js';
import { listen } from '../http/server.js';

export interface IRunningApp {
  port: number;
  /**
   * A request as a client through the proxy sends it: the per-launch
   * secret, and JSON for anything that changes state.
   */
  call(
    method: string,
    path: string,
    body?: unknown
  ): Promise<{ status: number; json: unknown }>;
  /** Stop listening and drop kept-alive connections. */
  close(): Promise<void>;
}

export async function startApp(options: IAppOptions): Promise<IRunningApp> {
  const server: Server = await listen(createApp(options), { port: 0 });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    call: async (method, path, body) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          [TOKEN_HEADER]: options.token,
          ...(method !== 'GET' ? { 'content-type': 'application/json' } : {})
        },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
      return { status: response.status, json: await response.json() };
    },
    close: async () => {
      await new Promise(resolve => server.close(resolve));
      server.closeAllConnections();
    }
  };
}

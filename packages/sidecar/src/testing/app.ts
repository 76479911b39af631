// The sidecar's app on a free loopback port, for tests that talk HTTP to it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type IAppOptions } from '../http/app.js';
import { listen } from '../http/server.js';

export interface IRunningApp {
  port: number;
  /** Stop listening and drop kept-alive connections. */
  close(): Promise<void>;
}

export async function startApp(options: IAppOptions): Promise<IRunningApp> {
  const server: Server = await listen(createApp(options), { port: 0 });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise(resolve => server.close(resolve));
      server.closeAllConnections();
    }
  };
}

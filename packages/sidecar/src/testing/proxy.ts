// A proxy on loopback in front of a test store, to make it misbehave: answer
// some requests itself (faults), or change the headers of its answers.
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IStoreProxy {
  /** The proxy's endpoint, to use in place of the store's. */
  url: string;
  close(): Promise<void>;
}

export interface IStoreProxyOptions {
  /** Answer (or drop) a request here instead of passing it on: return true. */
  intercept?(req: IncomingMessage, res: ServerResponse): boolean;
  /** The headers the client gets in place of the store's. */
  answerHeaders?(headers: IncomingHttpHeaders): IncomingHttpHeaders;
}

export async function storeProxy(
  endpoint: string,
  options: IStoreProxyOptions = {}
): Promise<IStoreProxy> {
  const target = new URL(endpoint);
  const server = createServer((req, res) => {
    if (options.intercept?.(req, res)) {
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
        // A connection of its own per request, closed with it: none is left
        // in a pool (or mid-answer) to keep the test's process alive.
        agent: false
      },
      answer => {
        const headers =
          options.answerHeaders?.(answer.headers) ?? answer.headers;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      }
    );
    upstream.on('error', () => res.destroy());
    // A client that hangs up (or close()) ends the request to the store too:
    // an answer left unread would hold its connection open for ever.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  };
}

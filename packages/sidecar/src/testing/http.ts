// A tiny HTTP client for tests: over a unix socket or a TCP port, JSON answers.
import { request } from 'node:http';

export type Target = { socketPath: string } | { port: number };

export interface IAnswer {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export function call(
  target: Target,
  path: string,
  options: {
    headers?: Record<string, string>;
    method?: string;
    body?: string | Buffer;
  } = {}
): Promise<IAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...('socketPath' in target
          ? { socketPath: target.socketPath }
          : { host: '127.0.0.1', port: target.port }),
        path,
        method: options.method ?? 'GET',
        headers: options.headers
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk as Buffer));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            body,
            text,
            headers: res.headers
          });
        });
      }
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

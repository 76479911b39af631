// The S3 client's undici layer against a real HTTP server on 127.0.0.1: what
// it sends, what it hands back, and how its failures read to the SDK's
// retries and to the user. (Every S3 test also runs through it.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/transport';
import { toApiError } from '../errors.js';
import { UndiciHttpHandler } from './http-handler.js';

interface ISeen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function serve(
  answer: (seen: ISeen, reply: (status: number) => void) => void
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen: ISeen = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString()
      };
      answer(seen, status => {
        response.setHeader('x-amz-meta-kind', ['one', 'two']);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(seen));
      });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function handler(requestTimeoutMs = 5_000): UndiciHttpHandler {
  return new UndiciHttpHandler({
    connectTimeoutMs: 2_000,
    requestTimeoutMs,
    connections: 4
  });
}

/** A plain GET as the SDK hands it to the handler. */
function get(port: number, path: string): HttpRequest {
  return new HttpRequest({
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    method: 'GET',
    path,
    headers: {}
  });
}

async function text(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

test('sends the signed request as the SDK built it and hands back the answer', async () => {
  const { server, port } = await serve((_seen, reply) => reply(200));
  try {
    const { response } = await handler().handle(
      new HttpRequest({
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        method: 'PUT',
        path: '/bucket/a%20b%2Bc',
        query: { partNumber: '2', uploadId: 'x/y+z' },
        headers: {
          'content-type': 'text/plain',
          'content-length': '5',
          expect: '100-continue',
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD'
        },
        body: Buffer.from('hello')
      })
    );
    assert.equal(response.statusCode, 200);
    // Repeated headers arrive joined, as node:http's handler gave them.
    assert.equal(response.headers['x-amz-meta-kind'], 'one, two');
    const seen = JSON.parse(
      await text(response.body as NodeJS.ReadableStream)
    ) as ISeen;
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.url, '/bucket/a%20b%2Bc?partNumber=2&uploadId=x%2Fy%2Bz');
    assert.equal(seen.body, 'hello');
    assert.equal(seen.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
    // Undici refuses Expect; SigV4 never signs it, so it is left out.
    assert.equal(seen.headers.expect, undefined);
  } finally {
    server.close();
  }
});

test('a store that does not answer in time fails as a timeout the SDK retries', async () => {
  const { server, port } = await serve(() => undefined); // never answers
  try {
    const error = await handler(300)
      .handle(get(port, '/bucket/key'))
      .then(
        () => assert.fail('expected a timeout'),
        (reason: unknown) => reason as Error
      );
    assert.equal(error.name, 'TimeoutError');
    const api = toApiError(error, { remote: 'r', endpoint: 'http://x' });
    assert.equal(api.code, 'timeout');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('an endpoint nobody listens on reads as unreachable', async () => {
  const { server, port } = await serve((_seen, reply) => reply(200));
  await new Promise<void>(resolve => server.close(() => resolve()));
  const error = await handler()
    .handle(get(port, '/'))
    .then(
      () => assert.fail('expected a refusal'),
      (reason: unknown) => reason
    );
  const api = toApiError(error, { remote: 'r', endpoint: 'http://x' });
  assert.equal(api.code, 'endpoint_unreachable');
  assert.match(api.message, /connection refused/);
});

test('an aborted request stops at once', async () => {
  const { server, port } = await serve(() => undefined);
  try {
    const controller = new AbortController();
    const pending = handler().handle(get(port, '/slow'), {
      abortSignal: controller.signal
    });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(pending, (error: Error) =>
      /abort/i.test(`${error.name} ${error.message}`)
    );
    assert.ok(Date.now() - started < 2_000);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

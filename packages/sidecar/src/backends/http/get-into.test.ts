// The ranged-read client against local servers that answer well, badly and
// not at all: bytes land in the caller's buffer, connections are kept and
// replaced, and whatever a server sends that is not a plain sized answer is
// refused or handed back (UnsupportedAnswer) instead of being misread.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../../testing/tempdir.js';
import {
  GetIntoPool,
  UnsupportedAnswer,
  type IGetIntoAnswer
} from './get-into.js';

const DATA = randomBytes(3 * 1024 * 1024 + 17);

async function listen(server: Server | ReturnType<typeof createNetServer>) {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A server of DATA's ranges, counting the connections it accepted. */
async function rangeServer() {
  const state = { connections: 0 };
  const server = createHttpServer((req, res) => {
    const [, from, to] =
      /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '') ?? [];
    if (req.url === '/missing') {
      const body = '<Error><Code>NoSuchKey</Code></Error>';
      res.writeHead(404, {
        'content-type': 'application/xml',
        'content-length': body.length
      });
      res.end(body);
      return;
    }
    if (req.url === '/chunked-error') {
      res.writeHead(503); // no length: sent chunked
      res.end('<Error><Code>SlowDown</Code></Error>');
      return;
    }
    if (req.url === '/long-error') {
      res.writeHead(500, { 'content-length': 200 * 1024 });
      res.end(Buffer.alloc(200 * 1024, 'x'));
      return;
    }
    if (req.url === '/chunked') {
      res.writeHead(206, { 'transfer-encoding': 'chunked' });
      res.end(DATA.subarray(0, 10));
      return;
    }
    const start = Number(from);
    const end = Number(to);
    res.writeHead(206, {
      'content-range': `bytes ${start}-${end}/${DATA.length}`,
      'content-length': end - start + 1
    });
    res.end(DATA.subarray(start, end + 1));
  });
  server.on('connection', () => (state.connections += 1));
  const port = await listen(server);
  return { server, state, origin: new URL(`http://127.0.0.1:${port}`) };
}

/** A TCP server that answers each request with `reply(socket, count)`. */
async function rawServer(reply: (socket: Socket, count: number) => void) {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createNetServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', () => reply(socket, ++count));
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  return {
    origin: new URL(`http://127.0.0.1:${port}`),
    close: () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      server.close();
    }
  };
}

const pool = new GetIntoPool({
  connectTimeoutMs: 2_000,
  requestTimeoutMs: 500
});

/** A GET of `length` bytes from a raw server answering with `reply`. */
async function getFromRaw(
  length: number,
  reply: (socket: Socket) => void
): Promise<{ answer: IGetIntoAnswer; into: Buffer }> {
  const raw = await rawServer(reply);
  try {
    const into = Buffer.alloc(length);
    const answer = await pool.get({
      origin: raw.origin,
      path: '/x',
      headers: {},
      into
    });
    return { answer, into };
  } finally {
    raw.close();
  }
}

function range(start: number, end: number) {
  return { range: `bytes=${start}-${end}` };
}

describe('GET into a buffer', async () => {
  const served = await rangeServer();
  after(() => {
    pool.close();
    served.server.closeAllConnections();
    served.server.close();
  });

  test('a range lands in the buffer, and the connection is kept for the next', async () => {
    const before = served.state.connections;
    for (const [start, end] of [
      [0, DATA.length - 1],
      [5, 1_000_004],
      [DATA.length - 3, DATA.length - 1]
    ]) {
      const into = Buffer.alloc(end - start + 1);
      const answer = await pool.get({
        origin: served.origin,
        path: '/data',
        headers: range(start, end),
        into
      });
      assert.equal(answer.status, 206);
      assert.equal(
        answer.headers['content-range'],
        `bytes ${start}-${end}/${DATA.length}`
      );
      assert.ok(into.equals(DATA.subarray(start, end + 1)), 'the same bytes');
    }
    assert.equal(served.state.connections - before, 1, 'one connection');
  });

  test('into a sink that runs out of room, reading pauses and resumes', async () => {
    const length = 1_500_000;
    const got = Buffer.alloc(length);
    let at = 0;
    let pauses = 0;
    let room: Buffer | undefined = Buffer.alloc(10_000);
    const sink = {
      length,
      room: () => room,
      filled(count: number) {
        room!.copy(got, at, 0, count);
        at += count;
        // Every fill leaves the sink full for a moment.
        room = undefined;
      },
      onRoom(wake: () => void) {
        pauses += 1;
        setTimeout(() => {
          room = Buffer.alloc(pauses % 2 ? 10_000 : 100);
          wake();
        }, 1);
      }
    };
    const answer = await pool.get({
      origin: served.origin,
      path: '/data',
      headers: range(7, 7 + length - 1),
      into: sink
    });
    assert.equal(answer.status, 206);
    assert.ok(pauses > 10, `paused (${pauses} times)`);
    assert.ok(got.equals(DATA.subarray(7, 7 + length)), 'the same bytes');
  });

  test('an error answer gives its status and the start of its body', async () => {
    const missing = await pool.get({
      origin: served.origin,
      path: '/missing',
      headers: {},
      into: Buffer.alloc(10)
    });
    assert.equal(missing.status, 404);
    assert.equal(
      missing.errorBody?.toString(),
      '<Error><Code>NoSuchKey</Code></Error>'
    );
    const long = await pool.get({
      origin: served.origin,
      path: '/long-error',
      headers: {},
      into: Buffer.alloc(10)
    });
    assert.equal(long.status, 500);
    assert.equal(long.errorBody?.length, 64 * 1024, 'bounded');
    const chunked = await pool.get({
      origin: served.origin,
      path: '/chunked-error',
      headers: {},
      into: Buffer.alloc(10)
    });
    assert.equal(chunked.status, 503, 'its status, its body unread');
    assert.equal(chunked.errorBody?.length, 0);
  });

  test('a chunked answer is handed back; one of another length is left unread', async () => {
    await assert.rejects(
      pool.get({
        origin: served.origin,
        path: '/chunked',
        headers: range(0, 9),
        into: Buffer.alloc(10)
      }),
      UnsupportedAnswer
    );
    const into = Buffer.alloc(50);
    const other = await pool.get({
      origin: served.origin,
      path: '/data',
      headers: range(0, 99),
      into
    });
    assert.equal(other.status, 206);
    assert.equal(other.unread, true);
    assert.ok(into.equals(Buffer.alloc(50)), 'nothing written');
  });

  test('what a request would smuggle into its head is refused before sending', async () => {
    for (const [path, headers] of [
      ['/a b', {}],
      ['/a\r\nx: y', {}],
      ['/a', { 'x-ok': 'v\r\nInjected: 1' }],
      ['/a', { 'bad name': 'v' }]
    ] as const) {
      await assert.rejects(
        pool.get({
          origin: served.origin,
          path,
          headers,
          into: Buffer.alloc(1)
        }),
        TypeError
      );
    }
  });

  test('an answer that breaks HTTP is refused, named as a connection failure', async () => {
    const answers = [
      'NOT-HTTP\r\n\r\n',
      'HTTP/1.1 206 OK\r\nbad header\r\ncontent-length: 1\r\n\r\nx',
      'HTTP/1.1 206 OK\r\nx-a: 1\r\n folded: 2\r\ncontent-length: 1\r\n\r\nx',
      'HTTP/1.1 206 OK\r\ncontent-length: 2\r\n\r\nabcdef',
      `HTTP/1.1 206 OK\r\nx-big: ${'y'.repeat(70 * 1024)}\r\n`,
      'HTTP/1.1 206 OK\r\ncontent-length: 2\r\n\r\na'
    ];
    for (const text of answers) {
      const raw = await rawServer(socket => {
        socket.write(text);
        if (text.endsWith('\r\n\r\na')) {
          socket.destroy(); // closed mid-body
        }
      });
      try {
        await assert.rejects(
          pool.get({
            origin: raw.origin,
            path: '/x',
            headers: {},
            into: Buffer.alloc(2)
          }),
          (error: NodeJS.ErrnoException) => {
            assert.equal(error.code, 'ECONNRESET', JSON.stringify(text));
            return true;
          }
        );
      } finally {
        raw.close();
      }
    }
  });

  test('a head that comes in pieces (its end split too) is read whole', async () => {
    const pieces = [
      'HTTP/1.1 206 OK\r\ncontent-',
      'length: 4\r\nx-a: b\r',
      '\n\r',
      '\nda',
      'ta'
    ];
    const { answer, into } = await getFromRaw(4, socket =>
      pieces.forEach((piece, index) =>
        setTimeout(() => socket.write(piece), 20 * index)
      )
    );
    assert.equal(answer.status, 206);
    assert.equal(answer.headers['x-a'], 'b');
    assert.equal(into.toString(), 'data');
  });

  test('an interim 100 answer is skipped', async () => {
    const { answer, into } = await getFromRaw(2, socket =>
      socket.write(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 206 OK\r\ncontent-length: 2\r\n\r\nok'
      )
    );
    assert.equal(answer.status, 206);
    assert.equal(into.toString(), 'ok');
  });

  test('a kept connection the server closed meanwhile is replaced', async () => {
    const raw = await rawServer(socket => {
      // Keep-alive by HTTP/1.1's default, then closed after one answer.
      socket.end('HTTP/1.1 206 OK\r\ncontent-length: 2\r\n\r\nok');
    });
    try {
      for (let i = 0; i < 3; i++) {
        const into = Buffer.alloc(2);
        await pool.get({ origin: raw.origin, path: '/x', headers: {}, into });
        assert.equal(into.toString(), 'ok');
      }
    } finally {
      raw.close();
    }
  });

  test('silence times out; a cancel stops the request at once', async () => {
    const raw = await rawServer(() => undefined);
    try {
      const started = Date.now();
      await assert.rejects(
        pool.get({
          origin: raw.origin,
          path: '/x',
          headers: {},
          into: Buffer.alloc(2)
        }),
        { name: 'TimeoutError' }
      );
      assert.ok(Date.now() - started < 2_000, 'within the request timeout');
      const controller = new AbortController();
      const reason = new Error('cancelled by the user');
      setTimeout(() => controller.abort(reason), 50);
      await assert.rejects(
        pool.get({
          origin: raw.origin,
          path: '/x',
          headers: {},
          into: Buffer.alloc(2),
          signal: controller.signal
        }),
        error => error === reason
      );
    } finally {
      raw.close();
    }
  });

  test('over TLS, the bytes land in the buffer too', async () => {
    const dir = tempDir();
    const key = join(dir.path, 'key.pem');
    const cert = join(dir.path, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert
      ],
      { stdio: 'ignore' }
    );
    const server = createHttpsServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (req, res) => {
        res.writeHead(206, { 'content-length': 1_000_000 });
        res.end(DATA.subarray(0, 1_000_000));
      }
    );
    const port = await listen(server);
    const secure = new GetIntoPool({
      connectTimeoutMs: 2_000,
      requestTimeoutMs: 2_000,
      tls: { ca: readFileSync(cert) }
    });
    try {
      const into = Buffer.alloc(1_000_000);
      await secure.get({
        origin: new URL(`https://127.0.0.1:${port}`),
        path: '/x',
        headers: {},
        into
      });
      assert.ok(into.equals(DATA.subarray(0, 1_000_000)));
      // And a server whose certificate is not trusted is refused.
      await assert.rejects(
        pool.get({
          origin: new URL(`https://127.0.0.1:${port}`),
          path: '/x',
          headers: {},
          into
        }),
        (error: NodeJS.ErrnoException) =>
          /CERT|SELF_SIGNED|UNABLE/.test(error.code ?? '')
      );
    } finally {
      secure.close();
      server.closeAllConnections();
      server.close();
      dir.remove();
    }
  });
});

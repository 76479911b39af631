// The HTTP surface without any provider: the secret is required everywhere,
// over a unix socket and over a port, and the logs never show it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { TOKEN_HEADER } from '@jupyter-buckets/core';
import type { ILogger } from '../log.js';
import { remoteStore } from '../remotes/discover.js';
import { call, type Target } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createApp } from './app.js';
import { listen } from './server.js';
import { createServices } from '../services.js';

const TOKEN = 'per-launch-secret-9f8e7d';
const VERSION = (
  JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  ) as { version: string }
).version;

const logLines: string[] = [];
const logger: ILogger = {
  info: line => logLines.push(line),
  error: line => logLines.push(line)
};

let dir: ITempDir;
function app() {
  // No config files at all: these tests never reach a provider.
  const none = join(dir.path, 'none');
  return createApp({
    token: TOKEN,
    services: createServices({
      remotes: remoteStore({
        AWS_SHARED_CREDENTIALS_FILE: none,
        AWS_CONFIG_FILE: none,
        RCLONE_CONFIG: none
      })
    }),
    logger
  });
}

const servers: Server[] = [];
const targets: { name: string; target: Target }[] = [];
let socketPath: string;

before(async () => {
  dir = tempDir();
  socketPath = join(dir.path, 'sidecar.sock');
  const bySocket = await listen(app(), { socket: socketPath });
  const byPort = await listen(app(), { port: 0 });
  servers.push(bySocket, byPort);
  targets.push(
    { name: 'unix socket', target: { socketPath } },
    { name: 'port', target: { port: (byPort.address() as AddressInfo).port } }
  );
});

after(async () => {
  await Promise.all(
    servers.map(server => new Promise(resolve => server.close(resolve)))
  );
  dir.remove();
});

for (const transport of ['unix socket', 'port']) {
  describe(`over a ${transport}`, () => {
    const target = (): Target =>
      (targets.find(t => t.name === transport) as { target: Target }).target;

    for (const path of ['/', '/api/v1/health', '/api/v1/remotes']) {
      test(`${path} without the secret, or with a wrong one, is 403 forbidden`, async () => {
        for (const headers of [
          {} as Record<string, string>,
          { [TOKEN_HEADER]: 'wrong' },
          { [TOKEN_HEADER]: `${TOKEN}x` }
        ]) {
          const answer = await call(target(), path, { headers });
          assert.equal(answer.status, 403);
          assert.equal(
            (answer.body as { error: { code: string } }).error.code,
            'forbidden'
          );
          assertMatchesSpec(path, 403, answer.body);
        }
      });
    }

    test('with the secret, / and /api/v1/health answer {status: ok, version}', async () => {
      for (const path of ['/', '/api/v1/health']) {
        const answer = await call(target(), path, {
          headers: { [TOKEN_HEADER]: TOKEN }
        });
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { status: 'ok', version: VERSION });
        assertMatchesSpec(path, 200, answer.body);
      }
    });

    test('with the secret, the remotes list answers (empty here)', async () => {
      const answer = await call(target(), '/api/v1/remotes', {
        headers: { [TOKEN_HEADER]: TOKEN }
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { remotes: [], problems: [] });
      assertMatchesSpec('/api/v1/remotes', 200, answer.body);
    });
  });
}

test('the unix socket is owner-only (0600)', () => {
  assert.equal(statSync(socketPath).mode & 0o777, 0o600);
});

test('a request that changes something must be JSON (415 otherwise), so forms cannot forge it', async () => {
  const { target } = targets[0];
  const form = await call(target, '/api/v1/remotes', {
    method: 'POST',
    headers: {
      [TOKEN_HEADER]: TOKEN,
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: 'a=b'
  });
  assert.equal(form.status, 415);
  assert.equal(
    (form.body as { error: { code: string } }).error.code,
    'unsupported_media_type'
  );
  // JSON passes the rule (and then the empty remote is refused for what it is).
  const json = await call(target, '/api/v1/remotes', {
    method: 'POST',
    headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' },
    body: '{}'
  });
  assert.equal(json.status, 400);
  assert.equal(
    (json.body as { error: { code: string } }).error.code,
    'invalid_request'
  );
  // Without the secret, the secret check comes first.
  const anonymous = await call(target, '/api/v1/remotes', {
    method: 'POST',
    body: 'a=b'
  });
  assert.equal(anonymous.status, 403);
});

test('an unknown remote is 404 remote_not_found', async () => {
  const answer = await call(targets[1].target, '/api/v1/remotes/nope/buckets', {
    headers: { [TOKEN_HEADER]: TOKEN }
  });
  assert.equal(answer.status, 404);
  assert.equal(
    (answer.body as { error: { code: string } }).error.code,
    'remote_not_found'
  );
  assertMatchesSpec('/api/v1/remotes/{remote}/buckets', 404, answer.body);
});

test('one log line per request: method, path, status, duration; never the secret', () => {
  assert.ok(
    logLines.some(line => /^GET \/api\/v1\/health 200 \d+ms$/.test(line)),
    logLines.join('\n')
  );
  assert.ok(logLines.some(line => /^GET \/ 403 \d+ms$/.test(line)));
  assert.ok(!logLines.some(line => line.includes(TOKEN)));
});

test('a stale socket file left by a crashed sidecar is replaced', async () => {
  const stale = join(dir.path, 'stale.sock');
  // A process that listens and is then killed leaves its socket file behind.
  const child = spawn(process.execPath, [
    '-e',
    "require('net').createServer().listen(process.argv[1], () => console.log('up'))",
    stale
  ]);
  await new Promise(resolve => child.stdout.once('data', resolve));
  child.kill('SIGKILL');
  await new Promise(resolve => child.once('exit', resolve));
  assert.ok(statSync(stale).isSocket());
  const server = await listen(app(), { socket: stale });
  const answer = await call({ socketPath: stale }, '/', {
    headers: { [TOKEN_HEADER]: TOKEN }
  });
  assert.equal(answer.status, 200);
  await new Promise(resolve => server.close(resolve));
});

test('a socket path that is a regular file is refused, not deleted', async () => {
  const file = join(dir.path, 'not-a-socket');
  writeFileSync(file, 'keep me');
  await assert.rejects(listen(app(), { socket: file }), /not a socket/);
  assert.equal(readFileSync(file, 'utf8'), 'keep me');
});

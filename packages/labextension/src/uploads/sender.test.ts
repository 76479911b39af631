/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IUploadFileStatus, IUploadSession } from '@jupyter-buckets/core';

import { isTransient, sendParts, type IPartRequests } from './sender.js';

function session(
  files: Partial<IUploadFileStatus>[],
  parallel = 3
): IUploadSession {
  return {
    job: { id: 'j1' } as IUploadSession['job'],
    parallel,
    files: files.map((file, i) => ({
      path: `f${i}`,
      size: 10,
      lastModified: 1,
      key: `k${i}`,
      partSize: 4,
      parts: 3,
      stored: [],
      state: 'sending',
      ...file
    }))
  };
}

const noSleep = async () => undefined;

function recorder(
  fail: (file: number, part: number, tries: number) => unknown = () => undefined
) {
  const puts: string[] = [];
  const completes: number[] = [];
  const bodies: string[] = [];
  const tries = new Map<string, number>();
  let inFlight = 0;
  let most = 0;
  const requests: IPartRequests = {
    async put(file, part, body) {
      const id = `${file}:${part}`;
      const n = (tries.get(id) ?? 0) + 1;
      tries.set(id, n);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise(resolve => setTimeout(resolve, 1));
      inFlight -= 1;
      const error = fail(file, part, n);
      if (error) {
        throw error;
      }
      puts.push(id);
      bodies.push(await body.text());
    },
    async complete(file) {
      completes.push(file);
    }
  };
  return { requests, puts, completes, bodies, tries, most: () => most };
}

test('only the parts the store lacks are sent, in order, a few at once, each file completed after its last part', async () => {
  const r = recorder();
  const outcome = await sendParts(
    session([{ stored: [1] }, { size: 3, parts: 1 }, { state: 'skipped' }]),
    [new Blob(['abcdefghij']), new Blob(['xyz']), new Blob(['nope'])],
    r.requests,
    { signal: new AbortController().signal, sleep: noSleep }
  );
  assert.equal(outcome, 'done');
  assert.deepEqual(r.puts.sort(), ['0:2', '0:3', '1:1']);
  assert.deepEqual(r.bodies.sort(), ['efgh', 'ij', 'xyz']);
  assert.deepEqual(r.completes.sort(), [0, 1]);
  assert.ok(r.most() <= 3);
});

test('a file whose parts are all stored (a reload after the last part) is only completed', async () => {
  const r = recorder();
  const outcome = await sendParts(
    session([{ stored: [1, 2, 3] }]),
    [new Blob(['abcdefghij'])],
    r.requests,
    { signal: new AbortController().signal, sleep: noSleep }
  );
  assert.equal(outcome, 'done');
  assert.deepEqual(r.puts, []);
  assert.deepEqual(r.completes, [0]);
});

test('a transient failure is tried again; a refusal is not', async () => {
  const r = recorder((file, part, tries) =>
    part === 2 && tries < 3
      ? { code: 'provider_error', status: 502 }
      : undefined
  );
  assert.equal(
    await sendParts(session([{}]), [new Blob(['abcdefghij'])], r.requests, {
      signal: new AbortController().signal,
      sleep: noSleep
    }),
    'done'
  );
  assert.equal(r.tries.get('0:2'), 3);

  const refused = recorder(() => ({ code: 'invalid_request', status: 400 }));
  await assert.rejects(
    sendParts(session([{}]), [new Blob(['abcdefghij'])], refused.requests, {
      signal: new AbortController().signal,
      sleep: noSleep
    }),
    { code: 'invalid_request' }
  );
  assert.deepEqual(refused.completes, []);

  const gone = recorder(() => ({ status: 0 }));
  await assert.rejects(
    sendParts(session([{}]), [new Blob(['abcdefghij'])], gone.requests, {
      signal: new AbortController().signal,
      sleep: noSleep,
      backoff: [1, 1]
    })
  );
  assert.equal(
    gone.tries.get('0:1'),
    3,
    'tried once, then as many times as the backoff says'
  );
});

test('a job cancelled from the Transfers panel ends the sending quietly', async () => {
  const r = recorder((file, part) =>
    part === 2 ? { code: 'upload_ended', status: 409 } : undefined
  );
  const outcome = await sendParts(
    session([{}], 1),
    [new Blob(['abcdefghij'])],
    r.requests,
    { signal: new AbortController().signal, sleep: noSleep }
  );
  assert.equal(outcome, 'ended');
  assert.deepEqual(r.puts, ['0:1']);
  assert.deepEqual(r.completes, []);
});

test('the signal stops it', async () => {
  const controller = new AbortController();
  const r = recorder((file, part) => {
    if (part === 1) {
      controller.abort();
    }
    return undefined;
  });
  const outcome = await sendParts(
    session([{}], 1),
    [new Blob(['abcdefghij'])],
    r.requests,
    { signal: controller.signal, sleep: noSleep }
  );
  assert.equal(outcome, 'stopped');
  assert.deepEqual(r.completes, []);
  assert.ok(r.puts.length <= 1);
});

test('what counts as transient', () => {
  assert.equal(isTransient({ status: 0 }), true);
  assert.equal(isTransient({ status: 503 }), true);
  assert.equal(isTransient({ status: 429 }), true);
  assert.equal(isTransient({ status: 400 }), false);
  assert.equal(isTransient({ status: 409, code: 'upload_ended' }), false);
  assert.equal(isTransient(new TypeError('Failed to fetch')), true);
});

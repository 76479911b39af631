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

function directRecorder(refuse: (url: string, n: number) => unknown) {
  const r = recorder();
  const direct: string[] = [];
  const sent: string[] = [];
  const asked: number[][] = [];
  let tries = 0;
  const requests: IPartRequests = {
    ...r.requests,
    async directUrls(file, parts) {
      asked.push(parts);
      return parts.map(part => `https://store.example/${file}/${part}`);
    },
    async putDirect(url, body) {
      tries += 1;
      const error = refuse(url, tries);
      if (error) {
        throw error;
      }
      direct.push(
        url.slice(url.indexOf('/', 8) + 1) + '=' + (await body.text())
      );
    },
    async sent(file, part) {
      sent.push(`${file}:${part}`);
    }
  };
  return { ...r, requests, direct, sent, asked };
}

test('the direct path sends parts to the store, asks URLs a batch at a time, and tells the sidecar', async () => {
  const r = directRecorder(() => undefined);
  const outcome = await sendParts(
    session([{ direct: 'parts' }, { size: 3, parts: 1 }]),
    [new Blob(['abcdefghij']), new Blob(['xyz'])],
    r.requests,
    { signal: new AbortController().signal, sleep: noSleep, direct: true }
  );
  assert.equal(outcome, 'done');
  assert.deepEqual(r.direct.sort(), ['0/1=abcd', '0/2=efgh', '0/3=ij']);
  assert.deepEqual(r.sent.sort(), ['0:1', '0:2', '0:3']);
  // The file without `direct` (one small part) goes through the sidecar.
  assert.deepEqual(r.puts, ['1:1']);
  assert.deepEqual(r.asked, [[1, 2, 3]]);
  assert.deepEqual(r.completes.sort(), [0, 1]);
});

test('a store the browser cannot reach (CORS) turns the direct path off: every part goes through the sidecar', async () => {
  const refused: unknown[] = [];
  const r = directRecorder(() => new TypeError('Failed to fetch'));
  const outcome = await sendParts(
    session([{ direct: 'parts' }], 1),
    [new Blob(['abcdefghij'])],
    r.requests,
    {
      signal: new AbortController().signal,
      sleep: noSleep,
      direct: true,
      onDirectRefused: error => refused.push(error)
    }
  );
  assert.equal(outcome, 'done');
  assert.deepEqual(r.direct, []);
  assert.deepEqual(r.puts, ['0:1', '0:2', '0:3']);
  assert.equal(refused.length, 1, 'one probe, remembered');
  assert.deepEqual(r.completes, [0]);
});

test('once the direct path worked, a part that fails on it is sent through the sidecar, and the path stays on', async () => {
  const r = directRecorder((url, n) => (n === 2 ? { status: 503 } : undefined));
  const refused: unknown[] = [];
  await sendParts(
    session([{ direct: 'parts' }], 1),
    [new Blob(['abcdefghij'])],
    r.requests,
    {
      signal: new AbortController().signal,
      sleep: noSleep,
      direct: true,
      onDirectRefused: error => refused.push(error)
    }
  );
  assert.deepEqual(r.direct, ['0/1=abcd', '0/3=ij']);
  assert.deepEqual(r.puts, ['0:2']);
  assert.equal(refused.length, 0);
});

test('a session (GCS) takes its parts in order from one worker, with their ranges; the last answer goes to the sidecar', async () => {
  const sent: [string, unknown][] = [];
  const ranges: string[] = [];
  let asked = 0;
  const r = recorder();
  const requests: IPartRequests = {
    ...r.requests,
    async directUrls(file, parts) {
      asked += 1;
      return parts.map(() => 'https://store.example/session');
    },
    async putDirect(url, body, signal, headers) {
      ranges.push(headers?.['Content-Range'] ?? '');
      await new Promise(resolve => setTimeout(resolve, 1));
      return ranges.length === 3 ? { md5Hash: 'x', size: '10' } : undefined;
    },
    async sent(file, part, signal, answer) {
      sent.push([`${file}:${part}`, answer]);
    }
  };
  const outcome = await sendParts(
    session([{ direct: 'session' }], 4),
    [new Blob(['abcdefghij'])],
    requests,
    { signal: new AbortController().signal, sleep: noSleep, direct: true }
  );
  assert.equal(outcome, 'done');
  assert.deepEqual(ranges, ['bytes 0-3/10', 'bytes 4-7/10', 'bytes 8-9/10']);
  assert.deepEqual(sent, [
    ['0:1', undefined],
    ['0:2', undefined],
    ['0:3', { md5Hash: 'x', size: '10' }]
  ]);
  assert.equal(asked, 1, 'one URL for the whole session');
  assert.deepEqual(r.puts, []);
  assert.deepEqual(r.completes, [0]);
});

/// <reference types="node" />
// Node's test runner on how jobs refused for conflicts are asked about and
// started again with the answer (the dialog itself: ui-tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type {
  ITransferConflict,
  ITransferJob,
  ITransferRequest
} from '@jupyter-buckets/core';

import {
  answeredRequest,
  canAskEach,
  conflictsOf,
  conflictTotal,
  startResolvingConflicts,
  type ConflictAnswer,
  type IConflictingJob
} from './conflicts.js';

const conflict = (path: string): ITransferConflict => ({
  path,
  dst: `s3:b/out/${path}`,
  source: { size: 3, modified: '2026-01-02T00:00:00Z' },
  existing: { size: 5, modified: '2026-01-01T00:00:00Z' }
});

/** What the sidecar answers a request with destination files in `existing`. */
function fakeSidecar(existing: Record<string, string[]>) {
  const sent: ITransferRequest[] = [];
  const start = async (request: ITransferRequest): Promise<ITransferJob> => {
    sent.push(request);
    const { onConflict, conflicts = {} } = request.options ?? {};
    const open = (existing[request.src] ?? []).filter(
      path => !onConflict && !(path in conflicts)
    );
    if (open.length) {
      throw Object.assign(new Error('Files exist at the destination'), {
        code: 'destination_exists',
        conflicts: open.map(conflict),
        conflictCount: open.length
      });
    }
    return { id: request.src } as ITransferJob;
  };
  return { sent, start };
}

const copy = (src: string): ITransferRequest => ({
  op: 'copy',
  src,
  dst: 's3:b/out/'
});

test('only destination_exists refusals carry conflicts', () => {
  assert.equal(conflictsOf(new Error('boom')), null);
  assert.equal(conflictsOf({ code: 'not_found' }), null);
  assert.equal(conflictsOf(null), null);
  const found = conflictsOf({
    code: 'destination_exists',
    conflicts: [conflict('a.txt')],
    conflictCount: 1500
  });
  assert.equal(found?.count, 1500);
  assert.deepEqual(
    found?.conflicts.map(c => c.path),
    ['a.txt']
  );
});

test('file by file is offered only when every conflict is listed', () => {
  const listed: IConflictingJob = {
    request: copy('s3:b/x/'),
    conflicts: [conflict('a'), conflict('b')],
    count: 2
  };
  const truncated: IConflictingJob = {
    request: copy('s3:b/y/'),
    conflicts: [conflict('c')],
    count: 1001
  };
  assert.equal(canAskEach([listed]), true);
  assert.equal(canAskEach([listed, truncated]), false);
  assert.equal(conflictTotal([listed, truncated]), 1003);
});

test('an answer goes into the options of the request it belongs to', () => {
  const jobs: IConflictingJob[] = [
    {
      request: { ...copy('s3:b/x/'), options: { exclude: ['*.tmp'] } },
      conflicts: [conflict('a'), conflict('b')],
      count: 2
    },
    { request: copy('s3:b/y/'), conflicts: [conflict('c')], count: 1 }
  ];
  const all: ConflictAnswer = { applyToAll: 'skip' };
  assert.deepEqual(answeredRequest(jobs, 0, all).options, {
    exclude: ['*.tmp'],
    onConflict: 'skip'
  });
  const each: ConflictAnswer = { perFile: ['replace', 'rename', 'skip'] };
  assert.deepEqual(answeredRequest(jobs, 0, each).options, {
    exclude: ['*.tmp'],
    conflicts: { a: 'replace', b: 'rename' }
  });
  assert.deepEqual(answeredRequest(jobs, 1, each).options, {
    conflicts: { c: 'skip' }
  });
});

test('jobs without conflicts start at once; the others are asked about in one question', async () => {
  const sidecar = fakeSidecar({ 's3:b/x': ['x'], 's3:b/z': ['z'] });
  const asked: string[][] = [];
  const outcome = await startResolvingConflicts(
    [copy('s3:b/x'), copy('s3:b/y'), copy('s3:b/z')],
    sidecar.start,
    async jobs => {
      asked.push(jobs.flatMap(job => job.conflicts.map(c => c.path)));
      return { applyToAll: 'rename' };
    }
  );
  // One question for both conflicting jobs: "apply to all" covers them.
  assert.deepEqual(asked, [['x', 'z']]);
  assert.deepEqual(
    outcome.started.map(job => job.id),
    ['s3:b/y', 's3:b/x', 's3:b/z']
  );
  assert.deepEqual(
    sidecar.sent.slice(3).map(request => request.options),
    [{ onConflict: 'rename' }, { onConflict: 'rename' }]
  );
  assert.deepEqual(outcome.refusals, []);
});

test('cancel starts none of the conflicting jobs', async () => {
  const sidecar = fakeSidecar({ 's3:b/x/': ['a', 'b'] });
  const outcome = await startResolvingConflicts(
    [copy('s3:b/x/')],
    sidecar.start,
    async () => null
  );
  assert.deepEqual(outcome.started, []);
  assert.equal(outcome.cancelled, 1);
  assert.equal(sidecar.sent.length, 1, 'nothing sent after the cancel');
});

test('files that appeared after the question are asked about, never the same file twice', async () => {
  const existing: Record<string, string[]> = { 's3:b/x/': ['a'] };
  const sidecar = fakeSidecar(existing);
  const asked: string[][] = [];
  const outcome = await startResolvingConflicts(
    [copy('s3:b/x/')],
    sidecar.start,
    async jobs => {
      const paths = jobs.flatMap(job => job.conflicts.map(c => c.path));
      asked.push(paths);
      // Meanwhile someone writes b at the destination.
      existing['s3:b/x/'] = ['a', 'b'];
      return { perFile: paths.map(() => 'skip' as const) };
    }
  );
  assert.deepEqual(asked, [['a'], ['b']]);
  assert.equal(outcome.started.length, 1);
  assert.deepEqual(sidecar.sent.at(-1)?.options, {
    conflicts: { a: 'skip', b: 'skip' }
  });
});

test('other refusals are reported, and a refusal despite an answer is not asked again', async () => {
  const missing = Object.assign(new Error('no bucket'), {
    code: 'bucket_not_found'
  });
  let calls = 0;
  const outcome = await startResolvingConflicts(
    [copy('s3:nope/x'), copy('s3:b/y')],
    async request => {
      calls += 1;
      if (request.src === 's3:nope/x') {
        throw missing;
      }
      // A sidecar that keeps refusing even with a choice.
      throw Object.assign(new Error('exists'), {
        code: 'destination_exists',
        conflicts: [conflict('y')],
        conflictCount: 1
      });
    },
    async () => ({ applyToAll: 'replace' })
  );
  assert.equal(calls, 3);
  assert.equal(outcome.refusals.length, 2);
  assert.equal(outcome.refusals[0], missing);
});

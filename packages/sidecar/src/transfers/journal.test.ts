// Job journals at start-up: only the last finished jobs are kept (never the
// ones still to resume), they are read without blocking, and a bad journal
// stops nothing. Local copies only: no servers needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_HEADER, type ITransferList } from '@jupyter-buckets/core';
import { remoteStore } from '../remotes/discover.js';
import { call } from '../testing/http.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** A time `minutes` after a fixed start, as journals write it. */
function at(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 1, 0, minutes)).toISOString();
}

/** A journal as a job leaves it: its start, and its end when it ended. */
function writeJournal(
  dir: string,
  id: string,
  created: string,
  finished?: string
): void {
  const start = {
    t: 'job',
    id,
    op: 'copy',
    src: 'src/',
    dst: `dst-${id}/`,
    options: {},
    created
  };
  const lines: unknown[] = [start];
  if (finished) {
    lines.push({
      t: 'end',
      job: {
        id,
        op: 'copy',
        src: 'src/',
        dst: `dst-${id}/`,
        options: {},
        state: 'done',
        created,
        finished,
        totals: { files: 1, bytes: 1 },
        progress: {
          bytes: 1,
          files: 1,
          failed: 0,
          skipped: 0,
          deleted: 0,
          rate: 0,
          current: [],
          streamedBytes: 1,
          serverSideFiles: 0
        },
        errors: []
      }
    });
  }
  writeFileSync(
    join(dir, `${id}.jsonl`),
    lines.map(line => `${JSON.stringify(line)}\n`).join('')
  );
}

/** Journals no reader should trip on. */
function writeBadJournals(dir: string): void {
  writeFileSync(join(dir, 'garbage.jsonl'), '\u0000\u0001{{{ not json\n');
  writeFileSync(join(dir, 'null.jsonl'), 'null\n42\n"text"\n[]\n');
  writeFileSync(join(dir, 'no-fields.jsonl'), '{"t":"job"}\n');
  writeFileSync(join(dir, 'empty.jsonl'), '');
  mkdirSync(join(dir, 'folder.jsonl'));
  // A FIFO: reading it would wait for a writer forever.
  execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
}

const BAD = [
  'empty.jsonl',
  'fifo.jsonl',
  'folder.jsonl',
  'garbage.jsonl',
  'no-fields.jsonl',
  'null.jsonl'
];

function setUp(): { root: ITempDir; state: ITempDir; jobs: string } {
  const root = tempDir();
  const state = tempDir();
  root.write('src/a.txt', 'a');
  const jobs = join(state.path, 'jobs');
  mkdirSync(jobs);
  return { root, state, jobs };
}

function manager(root: string, journalDir: string, keepJobs?: number) {
  const none = join(root, 'none');
  const store = remoteStore({
    AWS_SHARED_CREDENTIALS_FILE: none,
    AWS_CONFIG_FILE: none,
    RCLONE_CONFIG: none
  });
  return createServices({
    remotes: store,
    localRoot: root,
    journalDir,
    keepJobs
  }).transfers;
}

test('start-up keeps the last N finished jobs, removes older journals, and resumes the unfinished ones', async () => {
  const { root, state, jobs } = setUp();
  try {
    // Two unfinished jobs older than every finished one: age does not matter.
    writeJournal(jobs, 'running-0', at(0));
    writeJournal(jobs, 'running-1', at(1));
    for (let i = 0; i < 12; i++) {
      writeJournal(jobs, `done-${i}`, at(10 + i), at(30 + i));
    }
    writeBadJournals(jobs);
    const manager5 = manager(root.path, jobs, 5);
    const resumed = await manager5.resume();
    assert.deepEqual(
      resumed.map(job => job.id),
      ['running-0', 'running-1'],
      'the unfinished jobs were kept and resumed'
    );
    for (const job of resumed) {
      assert.equal((await manager5.wait(job.id)).state, 'done');
    }
    // They finished last: now they are among the last five.
    const expected = ['done-10', 'done-11', 'done-9', 'running-0', 'running-1'];
    assert.deepEqual(
      manager5
        .list()
        .map(job => job.id)
        .sort(),
      expected,
      'the five last finished jobs are listed'
    );
    // A job that ends removes the oldest journal beyond five, in the background.
    const want = [...BAD, ...expected.map(id => `${id}.jsonl`)].sort();
    for (let i = 0; i < 100 && readdirSync(jobs).length > want.length; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    assert.deepEqual(
      readdirSync(jobs).sort(),
      want,
      'older finished journals were removed, bad ones left alone'
    );
  } finally {
    root.remove();
    state.remove();
  }
});

test('journals are read after resume() returns, and listed before the jobs are planned again', async () => {
  const { root, state, jobs } = setUp();
  try {
    writeJournal(jobs, 'done-0', at(0), at(1));
    writeJournal(jobs, 'running-0', at(2));
    const jobManager = manager(root.path, jobs);
    const resuming = jobManager.resume();
    assert.deepEqual(
      jobManager.list(),
      [],
      'nothing was read synchronously (the server listens meanwhile)'
    );
    await jobManager.whenLoaded();
    assert.deepEqual(
      jobManager.list().map(job => [job.id, job.state]),
      [
        ['done-0', 'done'],
        ['running-0', 'queued']
      ]
    );
    await resuming;
    assert.equal((await jobManager.wait('running-0')).state, 'done');
  } finally {
    root.remove();
    state.remove();
  }
});

test('serve answers at once and lists the last JUPYTER_BUCKETS_KEEP_JOBS finished jobs, whatever else is in the journal folder', async () => {
  const { root, state } = setUp();
  // Where serve looks: $XDG_STATE_HOME/jupyter-buckets/jobs.
  const jobs = join(state.path, 'jupyter-buckets', 'jobs');
  mkdirSync(jobs, { recursive: true });
  for (let i = 0; i < 10; i++) {
    writeJournal(jobs, `done-${i}`, at(i), at(20 + i));
  }
  writeBadJournals(jobs);
  const socketPath = join(state.path, 'jb.sock');
  const none = join(state.path, 'none');
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--socket', socketPath],
    {
      env: {
        ...process.env,
        JUPYTER_BUCKETS_TOKEN: 'from-the-proxy',
        JUPYTER_BUCKETS_ROOT: root.path,
        JUPYTER_BUCKETS_KEEP_JOBS: '3',
        XDG_STATE_HOME: state.path,
        AWS_SHARED_CREDENTIALS_FILE: none,
        AWS_CONFIG_FILE: none,
        RCLONE_CONFIG: none
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += String(chunk)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not listening after 10 s: ${stderr}`)),
        10_000
      );
      child.stderr.on('data', () => {
        if (stderr.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code}: ${stderr}`));
      });
    });
    const headers = { [TOKEN_HEADER]: 'from-the-proxy' };
    assert.equal(
      (await call({ socketPath }, '/api/v1/health', { headers })).status,
      200
    );
    const answer = await call({ socketPath }, '/api/v1/transfers', {
      headers
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(
      (answer.body as ITransferList).jobs.map(job => job.id),
      ['done-7', 'done-8', 'done-9']
    );
    assert.deepEqual(
      readdirSync(jobs).sort(),
      [...BAD, 'done-7.jsonl', 'done-8.jsonl', 'done-9.jsonl'].sort()
    );
  } finally {
    child.kill('SIGKILL');
    root.remove();
    state.remove();
  }
});

test('a Zarr store job journals its format: resumed after a restart, it still counts chunks', async () => {
  const { root, state, jobs } = setUp();
  try {
    root.write('store.zarr/zarr.json', '{"zarr_format":3,"node_type":"group"}');
    root.write('store.zarr/t/c/0', 'chunk 0');
    root.write('store.zarr/t/c/1', 'chunk 1');
    const first = manager(root.path, jobs);
    const job = await first.create({
      op: 'copy',
      src: 'store.zarr/',
      dst: 'copy.zarr/'
    });
    assert.equal(job.zarr, 3);
    await first.wait(job.id);
    const line = JSON.parse(
      readFileSync(join(jobs, `${job.id}.jsonl`), 'utf8').split('\n')[0]
    ) as { t: string; zarr?: number };
    assert.deepEqual([line.t, line.zarr], ['job', 3]);

    // An interrupted job of a store (no end line), and one whose zarr is bogus.
    const start = (id: string, zarr: unknown) => ({
      t: 'job',
      id,
      op: 'copy',
      src: 'store.zarr/',
      dst: `${id}/`,
      options: {},
      created: at(0),
      zarr
    });
    writeFileSync(
      join(jobs, 'store-job.jsonl'),
      `${JSON.stringify(start('store-job', 3))}\n`
    );
    writeFileSync(
      join(jobs, 'bogus-zarr.jsonl'),
      `${JSON.stringify(start('bogus-zarr', '<b>4</b>'))}\n`
    );
    const second = manager(root.path, jobs);
    const resumed = await second.resume();
    assert.deepEqual(
      resumed.map(job => job.id),
      ['store-job'],
      'a start line with a bad zarr is not a job'
    );
    const ended = await second.wait('store-job');
    assert.equal(ended.state, 'done');
    assert.equal(ended.zarr, 3, 'still counted in chunks');
    assert.equal(ended.progress.files, 3);
  } finally {
    root.remove();
    state.remove();
  }
});

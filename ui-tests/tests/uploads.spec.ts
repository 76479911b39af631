// Uploads from the user's computer in a real JupyterLab and Chromium: a
// 256 MiB file and a nested folder into S3 and GCS through the sidecar
// (bytes checked with the AWS CLI and rclone), an upload continued after a
// page reload sending only the parts the bucket lacks, a cancelled upload
// leaving no open multipart upload, and an existing object asked about.
import { execFileSync } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import { TRANSFERS_ID } from './jobs';
import { browse } from './panel';
import { aws, openUploads, put, storedParts, useDemoBucket } from './s3';

const RUN = `ui-uploads-${Date.now().toString(36)}`;
const GCS_RUN = `demo-gcs:leap-scratch/${RUN}`;
const MiB = 1024 * 1024;

const rclone = (args: string[]): string =>
  execFileSync('rclone', args, { encoding: 'utf8' });

useDemoBucket(RUN);
test.afterAll(() => {
  rclone(['purge', GCS_RUN]);
});

let dir: string;
let big: string;
let bigSha: string;
let folder: string;

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-uploads-'));
  big = path.join(dir, 'big.bin');
  const hash = createHash('sha256');
  const fd = fs.openSync(big, 'w');
  for (let i = 0; i < 256; i++) {
    const chunk = randomBytes(MiB);
    hash.update(chunk);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  bigSha = hash.digest('hex');
  folder = path.join(dir, 'results');
  fs.mkdirSync(path.join(folder, 'run 1', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'summary.csv'), 'a,b\n1,2\n');
  fs.writeFileSync(path.join(folder, 'run 1', 'log+1%.txt'), 'ok\n');
  fs.writeFileSync(
    path.join(folder, 'run 1', 'deep', 'data.bin'),
    randomBytes(3 * MiB + 5)
  );
});

test.afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The upload jobs of the Transfers panel into folders named `folder`, newest first. */
function uploadJobs(page: Page, folder: string): Locator {
  return page
    .locator(`#${TRANSFERS_ID} .jp-Transfers-job`)
    .filter({ has: page.locator('.jp-Transfers-op', { hasText: /^Upload$/ }) })
    .filter({
      has: page.locator('.jp-Transfers-dst', {
        hasText: new RegExp(`/${RUN}/${folder}/?$`)
      })
    });
}

/** Upload Files… or Upload Folder… from the panel's toolbar, choosing `paths`. */
async function upload(
  page: Page,
  panel: Locator,
  kind: 'Files' | 'Folder',
  paths: string | string[]
): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await panel.locator('.jp-Buckets-upload').click();
  await page
    .locator('.jp-Buckets-uploadMenu .lm-Menu-item', {
      hasText: `Upload ${kind}…`
    })
    .click();
  await (await chooser).setFiles(paths);
}

/** The folder RUN/`name` in the bucket, shown in the panel. */
async function openFolder(
  page: IJupyterLabPageFixture,
  remote: 'demo-s3' | 'demo-gcs',
  name: string
): Promise<Locator> {
  if (remote === 'demo-s3') {
    put(`${RUN}/${name}/.keep`, '');
    return browse(page, remote, 'climate-data', [RUN, name]);
  }
  execFileSync('rclone', ['rcat', `${GCS_RUN}/${name}/.keep`], { input: '' });
  return browse(page, remote, 'leap-scratch', [RUN, name]);
}

/** The part number of a request that sends one, by either path; else null. */
function partOf(url: string, contentRange?: string): number | null {
  const { pathname, searchParams } = new URL(url);
  // Through the sidecar (Jupyter's client adds a cache-busting query).
  const viaSidecar = /\/uploads\/[^/]+\/files\/\d+\/parts\/(\d+)$/.exec(
    pathname
  );
  if (viaSidecar) {
    return Number(viaSidecar[1]);
  }
  // Straight to the store: a presigned UploadPart (S3), or a chunk of a
  // session (GCS) whose range says which part it is.
  const direct = searchParams.get('partNumber');
  if (direct && searchParams.has('uploadId')) {
    return Number(direct);
  }
  const range = /^bytes (\d+)-/.exec(contentRange ?? '');
  return range && searchParams.has('upload_id')
    ? Number(range[1]) / (16 * MiB) + 1
    : null;
}

/**
 * Let the first `count` parts of the page's uploads through (by either
 * path) and hold the others, as a network that stops would: the upload is
 * caught part way.
 */
async function passParts(
  page: IJupyterLabPageFixture,
  count: number
): Promise<void> {
  let passed = 0;
  await page.route(
    url => partOf(url.href) !== null,
    async route => {
      if (route.request().method() !== 'PUT') {
        await route.continue();
        return;
      }
      if (passed < count) {
        passed += 1;
        await route.continue();
      }
      // Else held: never answered, until the page goes or unroute().
    }
  );
}

/** Send uploads of `remote` through the sidecar, as after a refused CORS probe. */
async function viaSidecar(
  page: IJupyterLabPageFixture,
  remote: string
): Promise<void> {
  await page.evaluate(name => {
    window.localStorage.setItem(
      'jupyter-buckets:direct-uploads-refused',
      JSON.stringify({ [name]: Date.now() })
    );
  }, remote);
}

/** The part PUTs the page sends from now on: `direct` (to the store) and `sidecar`. */
function watchParts(page: IJupyterLabPageFixture): {
  direct: Set<number>;
  sidecar: Set<number>;
} {
  const seen = { direct: new Set<number>(), sidecar: new Set<number>() };
  page.page.on('request', request => {
    const part = partOf(request.url(), request.headers()['content-range']);
    if (part !== null && request.method() === 'PUT') {
      const sidecar = new URL(request.url()).pathname.includes('/uploads/');
      seen[sidecar ? 'sidecar' : 'direct'].add(part);
    }
  });
  return seen;
}

// S3 and GCS take parts from the browser itself (SeaweedFS and
// fake-gcs-server answer CORS); the sidecar path is what a bucket without
// CORS gets.
const PATHS = [
  { remote: 'demo-s3', path: 'direct' },
  { remote: 'demo-s3', path: 'sidecar' },
  { remote: 'demo-gcs', path: 'direct' },
  { remote: 'demo-gcs', path: 'sidecar' }
] as const;

for (const { remote, path: route } of PATHS) {
  test(`a 256 MiB file and a nested folder go from this computer into ${remote} (${route} path), whole`, async ({
    page
  }) => {
    test.setTimeout(180000);
    const name = `whole-${route}`;
    if (route === 'sidecar') {
      await viaSidecar(page, remote);
    }
    const panel = await openFolder(page, remote, name);
    const parts = watchParts(page);
    await upload(page, panel, 'Files', big);
    const file = uploadJobs(page, name).first();
    await expect(file.locator('.jp-Transfers-src')).toHaveText(
      'big.bin (this computer)'
    );
    await expect(file).toHaveAttribute('data-state', 'done', {
      timeout: 150000
    });
    // Every part of 16 went by the path expected, none by the other.
    expect(parts[route].size).toBe(16);
    expect(parts[route === 'direct' ? 'sidecar' : 'direct'].size).toBe(0);
    await upload(page, panel, 'Folder', folder);
    const jobs = uploadJobs(page, name).filter({ hasText: remote });
    await expect(jobs).toHaveCount(2);
    await expect(jobs.first()).toHaveAttribute('data-state', 'done');
    // The listing shows them once the jobs end.
    await expect(
      panel.locator('.jp-Buckets-item[data-name="big.bin"]')
    ).toBeVisible();
    await expect(
      panel.locator('.jp-Buckets-item[data-name="results"]')
    ).toBeVisible();

    // Checked by another client, byte for byte.
    const got = path.join(dir, `got-${remote}-${route}`);
    fs.rmSync(got, { recursive: true, force: true });
    if (remote === 'demo-s3') {
      aws([
        's3',
        'cp',
        '--recursive',
        `s3://climate-data/${RUN}/${name}/`,
        got
      ]);
    } else {
      rclone(['copy', `${GCS_RUN}/${name}`, got]);
    }
    expect(sha256(path.join(got, 'big.bin'))).toBe(bigSha);
    for (const name of [
      'summary.csv',
      'run 1/log+1%.txt',
      'run 1/deep/data.bin'
    ]) {
      expect(sha256(path.join(got, 'results', name))).toBe(
        sha256(path.join(folder, name))
      );
    }
    fs.rmSync(got, { recursive: true, force: true });
  });
}

test('an upload interrupted by a page reload continues from the parts the bucket has', async ({
  page
}) => {
  test.setTimeout(180000);
  const panel = await openFolder(page, 'demo-s3', 'resume');
  await passParts(page, 3);
  await upload(page, panel, 'Files', big);
  const running = uploadJobs(page, 'resume').first();
  // Three parts are stored, the others never leave: then the page goes.
  await expect(running.locator('.jp-Transfers-bytes')).toHaveText(
    /^48 MB of 256 MB/,
    { timeout: 60000 }
  );
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await page.reload();
  await page.sidebar.openTab(TRANSFERS_ID);
  const waiting = uploadJobs(page, 'resume').first();
  await expect(waiting).toHaveAttribute('data-state', 'running');
  await expect(waiting.locator('.jp-Transfers-waiting')).toContainText(
    'pick the same files again'
  );
  // What the bucket holds now: the 3 parts let through (whichever reached
  // the route first; four go at once), and any held part the browser had
  // started before the reload cut it off.
  const stored = storedParts(`${RUN}/resume/big.bin`);
  expect(stored.length).toBeGreaterThanOrEqual(3);
  expect(stored.length).toBeLessThan(16);
  const parts = watchParts(page);
  const chooser = page.waitForEvent('filechooser');
  await waiting.locator('.jp-Transfers-continue').click();
  await (await chooser).setFiles(big);
  await expect(waiting).toHaveAttribute('data-state', 'done', {
    timeout: 120000
  });
  // 256 MiB is 16 parts of 16 MiB: only those the bucket lacked were sent.
  const after = new Set([...parts.direct, ...parts.sidecar]);
  expect([...after].sort((a, b) => a - b)).toEqual(
    Array.from({ length: 16 }, (_, i) => i + 1).filter(n => !stored.includes(n))
  );
  const got = path.join(dir, 'got-resume.bin');
  aws(['s3', 'cp', `s3://climate-data/${RUN}/resume/big.bin`, got]);
  expect(sha256(got)).toBe(bigSha);
  fs.rmSync(got);
});

test('a cancelled upload leaves nothing in the bucket, not even an open multipart upload', async ({
  page
}) => {
  test.setTimeout(120000);
  const panel = await openFolder(page, 'demo-s3', 'cancel');
  await passParts(page, 2);
  await upload(page, panel, 'Files', big);
  const running = uploadJobs(page, 'cancel').first();
  await expect(running.locator('.jp-Transfers-bytes')).toHaveText(
    /^32 MB of 256 MB/,
    { timeout: 60000 }
  );
  await running.locator('.jp-Transfers-cancel').click();
  await expect(running).toHaveAttribute('data-state', 'cancelled');
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  expect(openUploads(`${RUN}/cancel/`)).toEqual([]);
  const listed = aws(['s3', 'ls', `s3://climate-data/${RUN}/cancel/`]);
  expect(listed).not.toContain('big.bin');
});

test('uploading onto an existing object asks first; Keep both keeps both', async ({
  page
}) => {
  const panel = await openFolder(page, 'demo-s3', 'conflict');
  put(`${RUN}/conflict/summary.csv`, 'old\n');
  await panel.locator('.jp-Buckets-refresh').click();
  await upload(page, panel, 'Files', path.join(folder, 'summary.csv'));
  const question = page.locator('.jp-Dialog').filter({
    has: page.locator('.jp-Buckets-conflicts')
  });
  await expect(question).toContainText('summary.csv');
  await question
    .locator('.jp-Dialog-footer button', { hasText: /^Keep both$/ })
    .click();
  await expect(uploadJobs(page, 'conflict').first()).toHaveAttribute(
    'data-state',
    'done'
  );
  expect(
    aws(['s3', 'cp', `s3://climate-data/${RUN}/conflict/summary.csv`, '-'])
  ).toBe('old\n');
  expect(
    aws(['s3', 'cp', `s3://climate-data/${RUN}/conflict/summary (1).csv`, '-'])
  ).toBe('a,b\n1,2\n');
});

// Transfers in a real JupyterLab: drag and drop between JupyterLab's file
// browser and the Buckets panel, "Copy to Bucket…", copy and paste across
// remotes, and the Transfers panel (progress, cancel, a page reload). What
// arrived is read back with other clients: the AWS CLI and rclone for the
// buckets, Jupyter's own file server for the Jupyter disk.
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';

import {
  chooseDestination,
  dragVia,
  fileRow,
  job,
  jupyterRoot,
  sideTab,
  TRANSFERS_ID
} from './jobs';
import { browse, contextMenu, BUCKETS_ID, item } from './panel';
import { cat, keys, openUploads, put, useDemoBucket } from './s3';

const RUN = `ui-transfers-${Date.now().toString(36)}`;
const S3_RUN = `demo-s3:climate-data/${RUN}`;

useDemoBucket(RUN);

test('a file dragged from the file browser into a bucket arrives, and the job stays listed after a reload', async ({
  page,
  tmpPath
}) => {
  const text = 'date,tas_K\n2021-01-01,285.5\n2021-01-02,286.0\n';
  put(`${RUN}/drop/existing.txt`, 'already here\n');
  await page.contents.uploadContent(text, 'text', `${tmpPath}/results.csv`);
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'drop']);
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.refresh();

  await dragVia(
    page,
    fileRow(page, 'results.csv'),
    sideTab(page, BUCKETS_ID),
    () => panel.locator('.jp-Buckets-content')
  );

  // The Transfers panel opens on the right and follows the job to its end.
  const row = job(page, `${S3_RUN}/drop/`);
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.locator('.jp-Transfers-src')).toHaveText(
    `/${tmpPath}/results.csv`
  );
  await expect(row.locator('.jp-Transfers-files')).toHaveText('1 of 1 file');
  await expect(row.locator('.jp-Transfers-bar')).toHaveAttribute(
    'aria-valuenow',
    '100'
  );
  await expect(
    page.getByText(/^Copied 1 file \(\d+ B\) to demo-s3:/)
  ).toBeVisible();
  // The bytes, read back with the AWS CLI; the listing shows the new object.
  expect(cat(`${RUN}/drop/results.csv`)).toBe(text);
  await expect(item(panel, 'results.csv')).toBeVisible();

  // Jobs live in the sidecar: a reload lists them again.
  await page.reload({ waitForIsReady: true });
  await page.sidebar.openTab(TRANSFERS_ID);
  await expect(job(page, `${S3_RUN}/drop/`)).toHaveAttribute(
    'data-state',
    'done'
  );
});

test('"Copy to Bucket…" on a folder copies every file in it, and remembers the destination', async ({
  page,
  tmpPath
}) => {
  const files: Record<string, string> = {
    'a.txt': 'first file\n',
    'b.csv': 'x,y\n1,2\n',
    'nested/c with space.txt': 'deeper\n',
    'nested/empty.txt': ''
  };
  for (const [name, body] of Object.entries(files)) {
    await page.contents.uploadContent(
      body,
      'text',
      `${tmpPath}/outputs/${name}`
    );
  }
  await page.filebrowser.refresh();

  await contextMenu(page, fileRow(page, 'outputs'), 'Copy to Bucket…');
  await chooseDestination(page, 'demo-s3', 'climate-data', `${RUN}/copied/`);

  const row = job(page, `${S3_RUN}/copied/outputs/`);
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.locator('.jp-Transfers-files')).toHaveText('4 of 4 files');
  const prefix = `${RUN}/copied/outputs/`;
  expect(keys(prefix)).toEqual(
    Object.keys(files)
      .map(name => `${prefix}${name}`)
      .sort()
  );
  for (const [name, body] of Object.entries(files)) {
    expect(cat(`${prefix}${name}`)).toBe(body);
  }
  // The folder is still on the Jupyter disk (a copy, not a move).
  expect(await page.contents.fileExists(`${tmpPath}/outputs/a.txt`)).toBe(true);

  // The next time, the last destination is offered and preselected.
  await contextMenu(page, fileRow(page, 'outputs'), 'Copy to Bucket…');
  const dialog = page.locator('.jp-Dialog .jp-Buckets-destination');
  await expect(dialog.locator('.jp-Buckets-recentItem')).toHaveText([
    `${S3_RUN}/copied/`
  ]);
  await expect(dialog.locator('input[name="bucket"]')).toHaveValue(
    'climate-data'
  );
  await expect(dialog.locator('input[name="path"]')).toHaveValue(
    `${RUN}/copied/`
  );
  await page.locator('.jp-Dialog .jp-mod-reject').click();
});

test('"Move to Bucket…" takes the file off the Jupyter disk once it is in the bucket', async ({
  page,
  tmpPath
}) => {
  const text = 'notes to keep\n';
  await page.contents.uploadContent(text, 'text', `${tmpPath}/notes.txt`);
  await page.filebrowser.refresh();

  await contextMenu(page, fileRow(page, 'notes.txt'), 'Move to Bucket…');
  await chooseDestination(page, 'demo-s3', 'climate-data', `${RUN}/moved/`);

  const row = job(page, `${S3_RUN}/moved/`);
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.locator('.jp-Transfers-op')).toHaveText('Move');
  expect(cat(`${RUN}/moved/notes.txt`)).toBe(text);
  expect(await page.contents.fileExists(`${tmpPath}/notes.txt`)).toBe(false);
  // The file browser follows without a manual refresh.
  await expect(fileRow(page, 'notes.txt')).toHaveCount(0);
});

test('a running job is cancelled from the Transfers panel and leaves nothing partial', async ({
  page,
  tmpPath
}) => {
  // A file large enough to take a few seconds: it goes as a multipart upload.
  const big = path.join(await jupyterRoot(page), tmpPath, 'big.bin');
  const chunk = randomBytes(16 * 1024 * 1024);
  const fd = fs.openSync(big, 'w');
  try {
    for (let i = 0; i < 64; i++) {
      fs.writeSync(fd, chunk);
    }
  } finally {
    fs.closeSync(fd);
  }
  try {
    await page.filebrowser.refresh();
    await contextMenu(page, fileRow(page, 'big.bin'), 'Copy to Bucket…');
    await chooseDestination(page, 'demo-s3', 'climate-data', `${RUN}/cancel/`);

    const row = job(page, `${S3_RUN}/cancel/`);
    await expect(row).toHaveAttribute('data-state', 'running');
    // The status bar sums up what runs; a click shows the panel.
    const status = page.locator('.jp-Transfers-statusItem');
    await expect(status).toContainText(/^1 transfer · \d+%$/);
    await row.locator('.jp-Transfers-cancel').click();
    await expect(row).toHaveAttribute('data-state', 'cancelled');
    await expect(row.locator('.jp-Transfers-cancel')).toBeHidden();
    await expect(row.locator('.jp-Transfers-retry')).toBeVisible();
    await expect(status).toBeHidden();
    await expect(page.getByText(/cancelled after 0 of 1 file/)).toBeVisible();

    // No object, and no multipart upload left open with parts in it.
    expect(keys(`${RUN}/cancel/`)).toEqual([]);
    expect(openUploads(`${RUN}/cancel/`)).toEqual([]);

    await page.reload({ waitForIsReady: true });
    await page.sidebar.openTab(TRANSFERS_ID);
    await expect(job(page, `${S3_RUN}/cancel/`)).toHaveAttribute(
      'data-state',
      'cancelled'
    );
  } finally {
    fs.rmSync(big, { force: true });
  }
});

test('an object copied in one remote is pasted into another with Ctrl+V', async ({
  page
}) => {
  const source = execFileSync(
    'rclone',
    ['cat', 'demo-gcs:leap-persistent/cmip6/pr/pr_day_2020.csv'],
    { encoding: 'utf8' }
  );
  put(`${RUN}/paste/existing.txt`, 'already here\n');
  let panel = await browse(page, 'demo-gcs', 'leap-persistent', [
    'cmip6',
    'pr'
  ]);
  await item(panel, 'pr_day_2020.csv').click();
  await page.keyboard.press('ControlOrMeta+c');

  panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'paste']);
  await panel.locator('.jp-Buckets-content').focus();
  await page.keyboard.press('ControlOrMeta+v');

  const row = job(page, `${S3_RUN}/paste/`);
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.locator('.jp-Transfers-src')).toHaveText(
    'demo-gcs:leap-persistent/cmip6/pr/pr_day_2020.csv'
  );
  expect(cat(`${RUN}/paste/pr_day_2020.csv`)).toBe(source);
  await expect(item(panel, 'pr_day_2020.csv')).toBeVisible();
});

test('a folder dragged from the Buckets panel onto the file browser arrives on the Jupyter disk', async ({
  page,
  tmpPath
}) => {
  const panel = await browse(page, 'demo-s3', 'climate-data', ['cmip6']);
  await dragVia(page, item(panel, 'tas'), sideTab(page, 'filebrowser'), () =>
    page.locator('#filebrowser .jp-DirListing-content')
  );

  const row = job(page, `/${tmpPath}/tas/`);
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.locator('.jp-Transfers-files')).toHaveText('2 of 2 files');
  for (const year of ['2020', '2021']) {
    const name = `tas/${year}/tas_day_${year}.csv`;
    const copied = await page.request.get(`/files/${tmpPath}/${name}`);
    expect(copied.ok()).toBe(true);
    expect(await copied.text()).toBe(cat(`cmip6/${name}`));
  }
  await expect(fileRow(page, 'tas')).toBeVisible();
});

// Copies on the user's Dask cluster (the harness's LocalCluster, 2 workers on
// loopback): the Buckets panel's Copy to… dialog offers it between buckets
// only, names its scheduler and workers, and the job runs on the workers yet
// shows in the Transfers panel as one job, with its workers and shards. What
// arrived is read back from fake-gcs-server's JSON API; the source is a
// bucket of this file's own on SeaweedFS.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';

import { attach } from './evidence';
import { fileRow, job, jupyterRoot, TRANSFERS_ID } from './jobs';
import { browse, contextMenu, item } from './panel';
import { dropBucket, objectName, requireS3Harness, seedBucket } from './s3';
import { dialog, pickBucket } from './transfer-dialog';

const RUN = `ui-cluster-${Date.now().toString(36)}`;
/** The source: a bucket of its own (SeaweedFS keeps empty folders: climate-data stays as it is). */
const BUCKET = RUN;
const COUNT = 12;
const MiB = 1024 * 1024;
/** 1 to 4 MiB, and each file a size of its own: a mix-up between files shows. */
const size = (i: number): number => (1 + (i % 4)) * MiB + 4096 * i;
const GCS_RUN = `demo-gcs:leap-scratch/${RUN}`;

let home = '';

test.beforeAll(() => {
  requireS3Harness();
  for (const name of ['JB_TEST_GCS_ENDPOINT', 'DASK_SCHEDULER_ADDRESS']) {
    if (!process.env[name]) {
      throw new Error(
        `${name} is not set: run the UI tests through the servers harness (scripts/servers.py), which starts the Dask cluster.`
      );
    }
  }
  home = seedBucket(BUCKET, 'batch', COUNT, size);
});

test.afterAll(() => {
  if (home) {
    dropBucket(home, BUCKET);
  }
  try {
    execFileSync('rclone', ['purge', GCS_RUN], { stdio: 'ignore' });
  } catch {
    // Nothing arrived there (the copy test failed before): nothing to remove.
  }
});

/** Names and sizes of the objects under `prefix` in leap-scratch, from fake-gcs-server's JSON API. */
async function gcsObjects(prefix: string): Promise<Record<string, number>> {
  const url = new URL(
    '/storage/v1/b/leap-scratch/o',
    process.env.JB_TEST_GCS_ENDPOINT
  );
  url.searchParams.set('prefix', prefix);
  const answer = (await (await fetch(url)).json()) as {
    items?: { name: string; size: string }[];
  };
  return Object.fromEntries(
    (answer.items ?? []).map(o => [o.name, Number(o.size)])
  );
}

test('a folder copied to another remote with "Run on Dask cluster" runs on the workers as one job and arrives whole', async ({
  page
}, testInfo) => {
  test.setTimeout(180_000);
  const panel = await browse(page, 'demo-s3', BUCKET, []);
  await contextMenu(page, item(panel, 'batch'), 'Copy to…');
  await expect(dialog(page).locator('.jp-Dialog-header')).toHaveText(
    'Copy the folder batch'
  );
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);

  // The cluster the server found, by its scheduler and workers.
  const option = dialog(page).locator('.jp-Buckets-daskOption');
  await expect(option).toHaveText(
    `Run on Dask cluster (${process.env.DASK_SCHEDULER_ADDRESS}, 2 workers)`
  );
  const box = option.locator('input[type="checkbox"]');
  await expect(box).toBeEnabled();
  await expect(box).not.toBeChecked();
  await box.check();
  await attach(testInfo, 'Copy to… with the Dask cluster', dialog(page));
  await dialog(page).locator('.jp-mod-accept').click();
  await expect(dialog(page)).toHaveCount(0);

  const dst = `${GCS_RUN}/batch/`;
  const row = job(page, dst);
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  // One job for the folder, whatever the number of shards and workers.
  await expect(
    page.locator(`#${TRANSFERS_ID} .jp-Transfers-job`).filter({
      has: page.locator('.jp-Transfers-dst', { hasText: RUN })
    })
  ).toHaveCount(1);
  await expect(row.locator('.jp-Transfers-src')).toHaveText(
    `demo-s3:${BUCKET}/batch/`
  );
  await expect(row.locator('.jp-Transfers-files')).toHaveText(
    `${COUNT} of ${COUNT} files`
  );
  // The server's record says it ran on the cluster: its 2 workers, every shard done.
  await expect(row.locator('.jp-Transfers-engine')).toHaveText(
    /^On Dask cluster · 2 workers · shards (\d+)\/\1$/
  );
  await expect(row.locator('.jp-Transfers-retry')).toBeHidden();
  await attach(testInfo, 'A job done on the Dask cluster', row);

  const expected: Record<string, number> = {};
  for (let i = 0; i < COUNT; i++) {
    expected[`${RUN}/batch/${objectName(i)}`] = size(i);
  }
  expect(await gcsObjects(`${RUN}/`)).toEqual(expected);
});

test('the Dask cluster is offered only between buckets: not for the Jupyter disk as destination, nor as source', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(120_000);
  const panel = await browse(page, 'demo-s3', BUCKET, []);
  const option = dialog(page).locator('.jp-Buckets-daskOption');

  // Sync to… a bucket: offered (once the server has answered: it names the workers).
  await contextMenu(page, item(panel, 'batch'), 'Sync to…');
  await expect(dialog(page).locator('.jp-Dialog-header')).toHaveText(
    'Sync the folder batch'
  );
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/unused/`);
  await expect(option).toBeVisible();
  await expect(option).toContainText('2 workers');
  await dialog(page).locator('.jp-mod-reject').click();

  // Copy to… the Jupyter disk: the bucket field and the cluster go away.
  await contextMenu(page, item(panel, 'batch'), 'Copy to…');
  const picker = dialog(page).locator('.jp-Buckets-destination');
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/unused/`);
  await expect(option).toContainText('2 workers');
  await picker
    .locator('select[name="remote"]')
    .selectOption({ label: 'Jupyter disk (this server)' });
  await expect(picker.locator('input[name="bucket"]')).toBeHidden();
  await expect(option).toBeHidden();
  await picker.locator('input[name="path"]').fill(`${tmpPath}/`);
  await expect(picker.locator('.jp-Buckets-destinationPreview')).toHaveText(
    `/${tmpPath}/`
  );
  await dialog(page).locator('.jp-mod-accept').click();

  // It runs here: no cluster line, every file on the disk.
  const row = job(page, `/${tmpPath}/batch/`);
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(row.locator('.jp-Transfers-files')).toHaveText(
    `${COUNT} of ${COUNT} files`
  );
  await expect(row.locator('.jp-Transfers-engine')).toBeHidden();
  const onDisk = path.join(await jupyterRoot(page), tmpPath, 'batch');
  for (let i = 0; i < COUNT; i++) {
    expect(fs.statSync(path.join(onDisk, objectName(i))).size).toBe(size(i));
  }

  // "Copy to Bucket…" from the file browser: the source is the Jupyter disk.
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.refresh();
  await contextMenu(page, fileRow(page, 'batch'), 'Copy to Bucket…');
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/unused/`);
  await expect(option).toHaveCount(0);
  await dialog(page).locator('.jp-mod-reject').click();
});

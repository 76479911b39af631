// Cloud transfers and the estimate in the Buckets panel's Copy to… dialog.
// Here demo-s3 is an S3-compatible store (SeaweedFS) with no transfer agents
// and demo-gcs an anonymous remote with no Google Cloud project, so Google's
// Storage Transfer Service can never run one: what is tested is what the
// user sees before it would. The checkbox is offered from a bucket into a
// GCS bucket only, and it and the Dask cluster's are one or the other; the
// request carries the answer about existing files, and the sidecar's refusal
// is said, no job started. The estimate's figures are those of the folder
// this file seeds in a bucket of its own on SeaweedFS.
import { expect, test } from '@jupyterlab/galata';
import type { Request } from '@playwright/test';

import { attach } from './evidence';
import { fileRow, TRANSFERS_ID } from './jobs';
import { browse, contextMenu, item } from './panel';
import { dropBucket, requireS3Harness, seedBucket } from './s3';
import { dialog, pickBucket } from './transfer-dialog';

const RUN = `ui-cloud-${Date.now().toString(36)}`;
const BUCKET = RUN;
const COUNT = 7;
const KiB = 1024;
/** 128 KiB × (1 + 2 + … + 7) = 3.5 MiB, which the dialog reads as "3.5 MB". */
const size = (i: number): number => (i + 1) * 128 * KiB;
const SEEDED = '3.5 MB in 7 files';
const RUN_IN_CLOUD =
  'Run as a cloud transfer (Google Storage Transfer Service)';

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
  let total = 0;
  for (let i = 0; i < COUNT; i++) {
    total += size(i);
  }
  expect(total).toBe(3.5 * 1024 * KiB);
  home = seedBucket(BUCKET, 'batch', COUNT, size);
});

test.afterAll(() => {
  if (home) {
    dropBucket(home, BUCKET);
  }
});

/** Copy to… on the seeded folder: the dialog, open. */
async function copyBatch(page: Parameters<typeof browse>[0]): Promise<void> {
  const panel = await browse(page, 'demo-s3', BUCKET, []);
  await contextMenu(page, item(panel, 'batch'), 'Copy to…');
  await expect(dialog(page).locator('.jp-Dialog-header')).toHaveText(
    'Copy the folder batch'
  );
}

/** A POST /transfers, with its body: a dry run (the estimate) or a job. */
function transferPost(request: Request): Record<string, unknown> | null {
  return request.method() === 'POST' &&
    /\/api\/v1\/transfers$/.test(new URL(request.url()).pathname)
    ? (request.postDataJSON() as Record<string, unknown>)
    : null;
}

function isDryRun(body: Record<string, unknown> | null): boolean {
  return (body?.options as { dryRun?: boolean } | undefined)?.dryRun === true;
}

test('the cloud transfer is offered from a bucket into a GCS bucket only, and it and the Dask cluster are one or the other', async ({
  page,
  tmpPath
}, testInfo) => {
  await copyBatch(page);
  const cloud = dialog(page).locator('.jp-Buckets-cloudOption');
  const cloudBox = cloud.locator('input[name="cloud"]');
  const existing = cloud.locator('.jp-Buckets-cloudFollowUp');
  const dask = dialog(page).locator('.jp-Buckets-daskOption');
  const daskBox = dask.locator('input[name="dask"]');
  const picker = dialog(page).locator('.jp-Buckets-destination');

  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);
  await expect(cloud.locator('.jp-Buckets-cloudCheck')).toHaveText(
    RUN_IN_CLOUD
  );
  await expect(cloudBox).not.toBeChecked();
  // What happens to existing files is asked only once the box is ticked.
  await expect(existing).toBeHidden();
  // The cluster, once the server has found it.
  await expect(dask).toContainText('2 workers');

  await daskBox.check();
  await cloudBox.check();
  await expect(daskBox).not.toBeChecked();
  await expect(existing).toBeVisible();
  await expect(existing).toContainText('Files that exist there:');
  // Skip unless told: nothing at the destination is lost by default.
  await expect(existing.getByRole('radio', { name: 'Skip' })).toBeChecked();
  await expect(
    existing.getByRole('radio', { name: 'Replace' })
  ).not.toBeChecked();
  await attach(
    testInfo,
    'Copy to… a GCS bucket as a cloud transfer',
    dialog(page)
  );
  await daskBox.check();
  await expect(cloudBox).not.toBeChecked();
  await expect(existing).toBeHidden();

  // Into an S3 bucket: the cluster still, not the cloud.
  await pickBucket(page, 'demo-s3', 'climate-data', `${RUN}/`);
  await expect(dask).toBeVisible();
  await expect(cloud).toBeHidden();
  // Onto the Jupyter disk: neither.
  await picker
    .locator('select[name="remote"]')
    .selectOption({ label: 'Jupyter disk (this server)' });
  await expect(picker.locator('input[name="bucket"]')).toBeHidden();
  await expect(cloud).toBeHidden();
  await expect(dask).toBeHidden();
  // Back into GCS: offered again.
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);
  await expect(cloud).toBeVisible();
  await dialog(page).locator('.jp-mod-reject').click();

  // A sync replaces the files that differ: the dialog says so, asks nothing.
  const panel = page.locator('#jupyter-buckets-panel');
  await contextMenu(page, item(panel, 'batch'), 'Sync to…');
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);
  await cloudBox.check();
  await expect(existing).toHaveText(
    'Files that differ there are replaced: the service cannot ask first.'
  );
  await expect(existing.getByRole('radio')).toHaveCount(0);
  await dialog(page).locator('.jp-mod-reject').click();

  // "Copy to Bucket…" from the file browser: the source is the Jupyter disk.
  await page.contents.uploadContent('x\n', 'text', `${tmpPath}/notes.txt`);
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.refresh();
  await contextMenu(page, fileRow(page, 'notes.txt'), 'Copy to Bucket…');
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);
  await expect(cloud).toHaveCount(0);
  await dialog(page).locator('.jp-mod-reject').click();
});

test('a cloud transfer the service cannot run here is refused with why, and no job starts', async ({
  page
}, testInfo) => {
  const jobs: Record<string, unknown>[] = [];
  page.on('request', request => {
    const body = transferPost(request);
    if (body && !isDryRun(body)) {
      jobs.push(body);
    }
  });
  await copyBatch(page);
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);
  const cloud = dialog(page).locator('.jp-Buckets-cloudOption');
  await cloud.locator('input[name="cloud"]').check();
  await cloud.getByRole('radio', { name: 'Replace' }).check();
  const answer = page.waitForResponse(
    response =>
      transferPost(response.request()) !== null &&
      !isDryRun(transferPost(response.request()))
  );
  await dialog(page).locator('.jp-mod-accept').click();

  // The request says where it runs and what happens to existing files.
  expect((await answer).status()).toBe(400);
  expect(jobs).toEqual([
    {
      op: 'copy',
      src: `demo-s3:${BUCKET}/batch/`,
      dst: `demo-gcs:leap-scratch/${RUN}/batch/`,
      options: { via: 'cloud', onConflict: 'replace' }
    }
  ]);
  // The sidecar's refusal, with its hint, as any refusal to start.
  const refusal = page.locator('.jp-Dialog').filter({
    has: page.locator('.jp-Dialog-header', {
      hasText: /^The transfer could not start$/
    })
  });
  const body = refusal.locator('.jp-Dialog-body');
  await expect(body).toContainText(
    'Invalid request: Storage Transfer Service reads demo-s3 (an S3-compatible store) only through transfer agents you run.'
  );
  await expect(body).toContainText('"transferAgentPool"');
  await attach(testInfo, 'The refusal of a cloud transfer', refusal);
  await refusal.locator('.jp-Dialog-button').last().click();
  await expect(refusal).toHaveCount(0);

  // No job: none in the sidecar's list, none in the Transfers panel.
  const listed = (await (
    await page.request.get('/jupyter-buckets/api/v1/transfers')
  ).json()) as { jobs: { dst: string }[] };
  expect(listed.jobs.filter(j => j.dst.includes(RUN))).toEqual([]);
  await page.sidebar.openTab(TRANSFERS_ID);
  await expect(page.locator(`#${TRANSFERS_ID}`)).toBeVisible();
  await expect(
    page.locator(`#${TRANSFERS_ID} .jp-Transfers-job`, { hasText: RUN })
  ).toHaveCount(0);
});

test('the estimate says what a copy between buckets would copy, asked once per destination and never in the way', async ({
  page
}, testInfo) => {
  const engines = (await (
    await page.request.get('/jupyter-buckets/api/v1/engines')
  ).json()) as { sidecar: { rate?: number } };
  // Before this server's first large copy there is no rate: the size and
  // count alone. After one (other specs may copy), the time comes first.
  const expected =
    engines.sidecar.rate === undefined
      ? new RegExp(`^${SEEDED}$`)
      : new RegExp(
          `^(About .+|Under a second) on this machine \\(${SEEDED} at .+/s\\)$`
        );
  const dryRuns: string[] = [];
  page.on('request', request => {
    const body = transferPost(request);
    if (isDryRun(body)) {
      dryRuns.push(body!.dst as string);
    }
  });
  // The first dry run is held: the dialog says it is asking, and its
  // buttons work meanwhile.
  let release = (): void => {};
  const held = new Promise<void>(resolve => (release = resolve));
  await page.route(/\/api\/v1\/transfers$/, async route => {
    if (isDryRun(transferPost(route.request()))) {
      await held;
    }
    try {
      await route.fallback();
    } catch {
      // A dry run of a destination passed through, aborted by the dialog.
    }
  });

  await copyBatch(page);
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);
  const line = dialog(page).locator('.jp-Buckets-estimateLine');
  await expect(line).toHaveText('Estimating…');
  await expect(dialog(page).locator('.jp-mod-accept')).toBeEnabled();
  release();
  await expect(line).toHaveText(expected);
  await attach(
    testInfo,
    'The estimate of a copy between buckets',
    dialog(page)
  );
  // Other destinations passed through on the way may have been asked too.
  const gcs = `demo-gcs:leap-scratch/${RUN}/batch/`;
  expect(dryRuns.filter(dst => dst === gcs)).toHaveLength(1);

  // Another destination, then back: its answer is kept, not asked again.
  await pickBucket(page, 'demo-s3', 'climate-data', `${RUN}/`);
  await expect(line).toHaveText(expected);
  await pickBucket(page, 'demo-gcs', 'leap-scratch', `${RUN}/`);
  await expect(line).toHaveText(expected);
  expect(dryRuns.filter(dst => dst === gcs)).toHaveLength(1);

  // Onto the Jupyter disk: not between buckets, no estimate.
  await dialog(page)
    .locator('select[name="remote"]')
    .selectOption({ label: 'Jupyter disk (this server)' });
  await expect(dialog(page).locator('.jp-Buckets-estimate')).toBeHidden();
  await dialog(page).locator('.jp-mod-reject').click();
});

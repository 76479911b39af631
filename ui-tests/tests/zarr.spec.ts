// Zarr stores as one thing in a real JupyterLab: the seeded stores of
// climate-data/zarr/ (sst.zarr v3, tas.zarr v2 consolidated) show as single
// items with their own icon and details, their size is counted, the code that
// opens them goes into the notebook without a secret, and a copy or a
// delete of one is one job counting chunks (checked with the AWS CLI).
import { expect, test } from '@jupyterlab/galata';

import { deleteJob, job } from './jobs';
import { browse, contextMenu, item } from './panel';
import { keys, put, useDemoBucket } from './s3';

const RUN = `ui-zarr-${Date.now().toString(36)}`;

useDemoBucket(RUN);

test('a Zarr store is one item with its own icon and its details; opening it still browses inside', async ({
  page
}) => {
  const panel = await browse(page, 'demo-s3', 'climate-data', ['zarr']);
  await expect(item(panel, 'sst.zarr')).toHaveAttribute('data-zarr', '3');
  await expect(item(panel, 'tas.zarr')).toHaveAttribute('data-zarr', '2');
  await expect(
    item(panel, 'sst.zarr').locator('.jp-Buckets-itemSize')
  ).toHaveText('Zarr v3');
  // A plain folder beside them stays a folder.
  await expect(item(panel, 'not-a-store')).toHaveAttribute(
    'data-kind',
    'prefix'
  );
  await expect(item(panel, 'not-a-store')).not.toHaveAttribute(
    'data-zarr',
    /./
  );

  await contextMenu(page, item(panel, 'sst.zarr'), 'Zarr Store Details…');
  const details = page.locator('.jp-Dialog .jp-Buckets-zarrDetails');
  await expect(details.locator('.jp-Buckets-zarrFacts')).toHaveText(
    'Zarr format 3, metadata not consolidated; 1 group, 1 array'
  );
  await expect(details.locator('tr[data-path="sst"] td')).toHaveText([
    'sst',
    'array',
    '4 × 3',
    'float32',
    '2 × 3',
    'none'
  ]);
  // No notebook is open: nothing to insert into.
  await expect(
    details.getByRole('button', { name: 'Insert into Notebook' })
  ).toBeDisabled();
  await details.getByRole('button', { name: 'Calculate Size' }).click();
  await expect(details.locator('.jp-Buckets-zarrSize')).toHaveText(
    /^4 objects, \d+ B$/
  );
  await page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'Close' })
    .click();

  // The v2 store's details come from its consolidated metadata.
  await contextMenu(page, item(panel, 'tas.zarr'), 'Zarr Store Details…');
  await expect(details.locator('.jp-Buckets-zarrFacts')).toHaveText(
    'Zarr format 2, consolidated metadata; 1 group, 1 array'
  );
  await expect(details.locator('tr[data-path="tas"] td')).toHaveText([
    'tas',
    'array',
    '4',
    '<f4',
    '2',
    'none'
  ]);
  await page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'Close' })
    .click();

  await item(panel, 'sst.zarr').dblclick();
  await expect(item(panel, 'zarr.json')).toBeVisible();
  await expect(item(panel, 'sst')).toBeVisible();
});

test("a folder's size is counted on request", async ({ page }) => {
  const panel = await browse(page, 'demo-s3', 'climate-data', []);
  await contextMenu(page, item(panel, 'many'), 'Calculate Size');
  await expect(page.locator('.jp-Dialog .jp-Buckets-zarrSize')).toHaveText(
    /^1,500 objects, [\d.]+ KB$/
  );
  await page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'Close' })
    .click();
});

test('the code that opens a store goes into the notebook, with the profile and no secret', async ({
  page
}) => {
  await page.notebook.createNew(`${RUN}.ipynb`);
  const panel = await browse(page, 'demo-s3', 'climate-data', ['zarr']);
  await expect(item(panel, 'tas.zarr')).toHaveAttribute('data-zarr', '2');
  await contextMenu(
    page,
    item(panel, 'tas.zarr'),
    'Insert Python Snippet into Notebook'
  );
  await expect
    .poll(() => page.notebook.getCellTextInput(1))
    .toContain(
      'ds = xr.open_zarr("s3://climate-data/zarr/tas.zarr", storage_options=storage_options)'
    );
  const code = await page.notebook.getCellTextInput(1);
  expect(code).toContain('"profile": "demo-s3"');
  expect(code).toContain(
    `"endpoint_url": "${process.env.JB_TEST_S3_ENDPOINT}"`
  );
  expect(code).not.toContain(process.env.JB_TEST_S3_SECRET_KEY!);
});

test('a store copied with Ctrl+C and Ctrl+V is one job counting chunks, and arrives as a store', async ({
  page
}) => {
  put(`${RUN}/copies/readme.txt`, 'where the copies go\n');
  let panel = await browse(page, 'demo-s3', 'climate-data', ['zarr']);
  await expect(item(panel, 'sst.zarr')).toHaveAttribute('data-zarr', '3');
  await item(panel, 'sst.zarr').click();
  await page.keyboard.press('ControlOrMeta+c');

  panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'copies']);
  await panel.locator('.jp-Buckets-content').focus();
  await page.keyboard.press('ControlOrMeta+v');

  const row = job(page, `demo-s3:climate-data/${RUN}/copies/sst.zarr/`);
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.locator('.jp-Transfers-files')).toHaveText('4 of 4 chunks');
  expect(keys(`${RUN}/copies/sst.zarr/`)).toEqual([
    `${RUN}/copies/sst.zarr/sst/c/0/0`,
    `${RUN}/copies/sst.zarr/sst/c/1/0`,
    `${RUN}/copies/sst.zarr/sst/zarr.json`,
    `${RUN}/copies/sst.zarr/zarr.json`
  ]);
  await expect(item(panel, 'sst.zarr')).toHaveAttribute('data-zarr', '3');

  // Deleting the copy is one job too, in the Transfers panel, counting chunks.
  await contextMenu(page, item(panel, 'sst.zarr'), 'Delete');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Buckets-deleteCount')).toHaveText(
    /^4 objects will be deleted/
  );
  await dialog.locator('.jp-mod-accept').click();
  const deleting = deleteJob(
    page,
    `demo-s3:climate-data/${RUN}/copies/sst.zarr/`
  );
  await expect(deleting).toHaveAttribute('data-state', 'done');
  await expect(deleting.locator('.jp-Transfers-files')).toHaveText(
    '4 of 4 chunks'
  );
  await expect(deleting.locator('.jp-Transfers-dst')).toBeHidden();
  await expect.poll(() => keys(`${RUN}/copies/sst.zarr/`)).toEqual([]);
  expect(keys(`${RUN}/copies/`)).toEqual([`${RUN}/copies/readme.txt`]);
});

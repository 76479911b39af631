// The object actions of the Buckets panel (context menu on its rows), on the
// demo S3 remote. Tests write only under their own prefix and remove it;
// what the actions did is checked with another client (the AWS CLI).
import { expect, test } from '@jupyterlab/galata';

import { deleteJob } from './jobs';
import { browse, contextMenu, item } from './panel';
import { aws, keys, put, useDemoBucket } from './s3';

const RUN = `ui-actions-${Date.now().toString(36)}`;

useDemoBucket(RUN);

test('renames and deletes an object with spaces, +, % and # in its name', async ({
  page
}) => {
  const odd = 'odd name +%#.txt';
  const renamed = 'renamed +%# ü.txt';
  put(`${RUN}/rename/${odd}`, 'odd bytes\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'rename']);

  await contextMenu(page, item(panel, odd), 'Rename');
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input').fill(renamed);
  await dialog.locator('.jp-mod-accept').click();
  await expect(item(panel, renamed)).toBeVisible();
  await expect(item(panel, odd)).toHaveCount(0);
  expect(keys(`${RUN}/rename/`)).toEqual([`${RUN}/rename/${renamed}`]);
  expect(
    aws(['s3', 'cp', `s3://climate-data/${RUN}/rename/${renamed}`, '-'])
  ).toBe('odd bytes\n');

  await contextMenu(page, item(panel, renamed), 'Delete');
  await expect(dialog.locator('.jp-Buckets-deleteCount')).toHaveText(
    /^1 object will be deleted/
  );
  await dialog.locator('.jp-mod-accept').click();
  await expect(item(panel, renamed)).toHaveCount(0);
  expect(keys(`${RUN}/rename/`)).toEqual([]);
});

test('deleting a folder says how many objects go, then deletes only them', async ({
  page
}) => {
  for (const name of ['a.txt', 'b.txt', 'deeper/c.txt']) {
    put(`${RUN}/folder/${name}`, name);
  }
  put(`${RUN}/folder-sibling.txt`, 'stays');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN]);

  await contextMenu(page, item(panel, 'folder'), 'Delete');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Buckets-deleteCount')).toHaveText(
    /^3 objects will be deleted/
  );
  // Cancel first: nothing may go.
  await dialog.locator('.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  expect(keys(`${RUN}/folder/`)).toHaveLength(3);

  await contextMenu(page, item(panel, 'folder'), 'Delete');
  await expect(dialog.locator('.jp-Buckets-deleteCount')).toBeVisible();
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  // The objects are gone. (SeaweedFS keeps listing an emptied directory as a
  // prefix, so the row itself is not a reliable witness there.)
  await expect.poll(() => keys(`${RUN}/folder/`)).toEqual([]);
  expect(keys(`${RUN}/folder-sibling.txt`)).toHaveLength(1);
  // As a delete job of the Transfers panel, counting objects.
  const deleting = deleteJob(page, `demo-s3:climate-data/${RUN}/folder/`);
  await expect(deleting).toHaveAttribute('data-state', 'done');
  await expect(deleting.locator('.jp-Transfers-files')).toHaveText(
    '3 of 3 objects'
  );
});

test.describe('clipboard', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('copies the s3:// URI and a Python snippet without a secret', async ({
    page
  }) => {
    const panel = await browse(page, 'demo-s3', 'climate-data', []);
    const readme = item(panel, 'README.md');
    await contextMenu(page, readme, 'Copy s3:// URI');
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe('s3://climate-data/README.md');

    await contextMenu(page, readme, 'Copy Python Snippet');
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toContain('fsspec.open("s3://climate-data/README.md"');
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toContain(`"profile": "demo-s3"`);
    expect(snippet).toContain(process.env.JB_TEST_S3_ENDPOINT!);
    expect(snippet).not.toContain(process.env.JB_TEST_S3_SECRET_KEY!);
  });

  test('copies a share link that opens the object without credentials for the chosen time', async ({
    page
  }) => {
    const panel = await browse(page, 'demo-s3', 'climate-data', ['odd']);
    await contextMenu(page, item(panel, 'hash#tag.txt'), 'Copy Share Link…');
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('select').selectOption('1 day');
    await dialog.locator('.jp-mod-accept').click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toContain('X-Amz-Expires=86400');
    const url = await page.evaluate(() => navigator.clipboard.readText());
    expect(url.startsWith(process.env.JB_TEST_S3_ENDPOINT!)).toBe(true);
    expect(url).not.toContain(process.env.JB_TEST_S3_SECRET_KEY!);
    // Another client, with no credentials and no Jupyter session.
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('a key with a hash\n');
  });
});

test('the properties dialog shows the size and checksums', async ({ page }) => {
  const size = Number(
    aws([
      's3api',
      'head-object',
      '--bucket',
      'climate-data',
      '--key',
      'README.md',
      '--query',
      'ContentLength'
    ])
  );
  const panel = await browse(page, 'demo-s3', 'climate-data', []);
  await contextMenu(page, item(panel, 'README.md'), 'Properties');
  const table = page.locator('.jp-Dialog .jp-Buckets-properties');
  await expect(table.locator('tr[data-field="Size"] td')).toHaveText(
    `${size.toLocaleString('en-US')} bytes`
  );
  await expect(table.locator('tr[data-field="ETag"] td')).not.toBeEmpty();
  await expect(table.locator('tr[data-field="URI"] td')).toHaveText(
    's3://climate-data/README.md'
  );
});

test('downloads to the Jupyter disk and to the computer', async ({
  page,
  tmpPath
}) => {
  const name = 'tas_day_2021.csv';
  const expected = aws([
    's3',
    'cp',
    `s3://climate-data/cmip6/tas/2021/${name}`,
    '-'
  ]);
  const panel = await browse(page, 'demo-s3', 'climate-data', [
    'cmip6',
    'tas',
    '2021'
  ]);

  // Into the file browser's folder (galata's per-test folder), as a transfer
  // job: the sidecar copies it, not the browser, so any size goes.
  await contextMenu(page, item(panel, name), 'Download to Jupyter');
  const job = page
    .locator('#jupyter-buckets-transfers .jp-Transfers-job')
    .filter({
      has: page.locator('.jp-Transfers-dst', { hasText: `/${tmpPath}/` })
    });
  await expect(job).toHaveAttribute('data-state', 'done');
  await expect(job.locator('.jp-Transfers-src')).toHaveText(
    `demo-s3:climate-data/cmip6/tas/2021/${name}`
  );
  expect(await page.contents.fileExists(`${tmpPath}/${name}`)).toBe(true);
  const copied = await page.request.get(`/files/${tmpPath}/${name}`);
  expect(await copied.text()).toBe(expected);

  // Through the browser, as an attachment streamed by the sidecar.
  const download = page.waitForEvent('download');
  await contextMenu(page, item(panel, name), 'Download');
  const file = await download;
  expect(file.suggestedFilename()).toBe(name);
  const stream = await file.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
});

test('downloads a folder to the Jupyter disk with everything in it', async ({
  page,
  tmpPath
}) => {
  const panel = await browse(page, 'demo-s3', 'climate-data', ['cmip6']);
  await contextMenu(page, item(panel, 'tas'), 'Download to Jupyter');
  const job = page
    .locator('#jupyter-buckets-transfers .jp-Transfers-job')
    .filter({
      has: page.locator('.jp-Transfers-dst', { hasText: `/${tmpPath}/tas/` })
    });
  await expect(job).toHaveAttribute('data-state', 'done');
  for (const year of ['2020', '2021']) {
    const key = `cmip6/tas/${year}/tas_day_${year}.csv`;
    const copied = await page.request.get(
      `/files/${tmpPath}/tas/${year}/tas_day_${year}.csv`
    );
    expect(copied.ok()).toBe(true);
    expect(await copied.text()).toBe(
      aws(['s3', 'cp', `s3://climate-data/${key}`, '-'])
    );
  }
});

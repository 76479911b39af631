// The selection of a folder of 100,000 objects is the model's, not the rows
// the virtualized listing happens to render: select-all then Delete names
// all 100,000 and deletes them all, and nothing outside the folder. What is
// left is checked with s5cmd against S3, not through the panel. The bucket
// is this file's own (seeded with s5cmd, deleted afterwards).
import { expect, test } from '@jupyterlab/galata';

import { browse, contextMenu } from './panel';
import {
  dropBucket,
  objectName,
  requireS3Harness,
  s5cmd,
  seedBucket
} from './s3';

const BUCKET = 'ui-select-all-100k';
const COUNT = 100_000;

let home = '';

/** Keys of the bucket under `prefix`, listed by S3 itself. */
function s3Keys(prefix: string): string[] {
  let out: string;
  try {
    out = s5cmd(home, 'ls', `s3://${BUCKET}/${prefix}*`);
  } catch (error) {
    // s5cmd fails on a listing that matches nothing.
    if (String(error).includes('no object found')) {
      return [];
    }
    throw error;
  }
  return out
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => line.trim().split(/\s+/).pop()!);
}

test.beforeAll(() => {
  test.setTimeout(180_000);
  requireS3Harness();
  const started = Date.now();
  home = seedBucket(BUCKET, 'big', COUNT);
  console.log(
    `select-all Delete: seeded 100,000 objects in ${Math.round((Date.now() - started) / 1000)} s`
  );
  // Beside the folder: must survive the folder's select-all Delete.
  s5cmd(home, 'cp', `${home}/big/${objectName(0)}`, `s3://${BUCKET}/keep.txt`);
});

test.afterAll(() => {
  if (home) {
    dropBucket(home, BUCKET);
  }
});

test('select-all then Delete in a folder of 100,000 objects deletes all of them', async ({
  page
}) => {
  test.setTimeout(540_000);
  const panel = await browse(page, 'demo-s3', BUCKET, ['big']);
  const first = panel.locator(`.jp-Buckets-item[data-name="${objectName(0)}"]`);
  await expect(first).toBeVisible();
  // Only the first page is loaded, and only the rows on screen are rendered.
  const count = panel.locator('.jp-Buckets-count');
  await expect(count).toContainText('items loaded, more');

  await first.click();
  await page.keyboard.press('ControlOrMeta+a');
  await expect(count).toContainText('selected');
  const asked = Date.now();
  await contextMenu(page, first, 'Delete');

  const dialog = page.locator('.jp-Dialog');
  // The dialog waits for the rest of the listing (100 pages): the true count.
  await expect(
    dialog.locator('.jp-Buckets-deleteConfirm p').first()
  ).toHaveText(`Delete 100,000 objects from demo-s3:${BUCKET}?`, {
    timeout: 120_000
  });
  await expect(dialog.locator('.jp-Buckets-deleteCount')).toHaveText(
    /^100,000 objects will be deleted/
  );
  console.log(
    `select-all Delete: the dialog came after ${Math.round((Date.now() - asked) / 1000)} s (listing the rest of the folder)`
  );
  const started = Date.now();
  await dialog.locator('.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  // The panel reloads the folder once every delete request has answered
  // (100 of 1000 keys: 76 to 163 s on SeaweedFS on a shared 2-core machine)...
  await expect(panel.locator('.jp-Buckets-empty')).toHaveText(
    'This folder is empty',
    { timeout: 360_000 }
  );
  console.log(
    `select-all Delete: 100,000 objects deleted in ${Math.round((Date.now() - started) / 1000)} s`
  );
  // ...and S3 itself says the folder is empty, and the object beside it stays.
  expect(s3Keys('big/')).toEqual([]);
  expect(s3Keys('keep')).toEqual(['keep.txt']);
});

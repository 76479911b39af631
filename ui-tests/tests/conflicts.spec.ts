// One conflict policy for every write: a copy onto existing files asks first
// (Replace, Keep both, Skip; for all files or one by one) and writes nothing
// until answered. The bytes on each side are read back with other clients:
// the AWS CLI for S3, rclone for GCS, the file system for the Jupyter disk.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import {
  chooseDestination,
  dragVia,
  fileRow,
  jupyterRoot,
  sideTab,
  TRANSFERS_ID
} from './jobs';
import { browse, contextMenu, item } from './panel';
import { cat, keys, put, useDemoBucket } from './s3';

const RUN = `ui-conflicts-${Date.now().toString(36)}`;
const GCS_RUN = `demo-gcs:leap-scratch/${RUN}`;

const rclone = (args: string[], input?: string): string =>
  execFileSync('rclone', args, { encoding: 'utf8', input });

useDemoBucket(RUN);
test.afterAll(() => {
  rclone(['purge', GCS_RUN]);
});

/** The conflict question, while it is shown. */
function question(page: Page): Locator {
  return page.locator('.jp-Dialog').filter({
    has: page.locator('.jp-Buckets-conflicts')
  });
}

/** A file of the question's list, by its path relative to the source. */
function conflictRow(page: Page, name: string): Locator {
  return question(page).locator(
    `.jp-Buckets-conflict[data-path="${name.replace(/"/g, '\\"')}"]`
  );
}

async function answer(
  page: Page,
  choice: 'Replace' | 'Keep both' | 'Skip' | 'Cancel'
): Promise<void> {
  await question(page)
    .locator('.jp-Dialog-footer button', { hasText: new RegExp(`^${choice}$`) })
    .click();
}

/** Jobs of the Transfers panel into `dst`, newest first. */
function jobsInto(page: Page, dst: string): Locator {
  return page.locator(`#${TRANSFERS_ID} .jp-Transfers-job`).filter({
    has: page.locator('.jp-Transfers-dst', { hasText: dst })
  });
}

/** Wait for the `n`-th job into `dst` to end well. */
async function nthJobDone(page: Page, dst: string, n: number): Promise<void> {
  const jobs = jobsInto(page, dst);
  await expect(jobs).toHaveCount(n);
  await expect(jobs.first()).toHaveAttribute('data-state', 'done');
}

test('"Copy to Bucket…" onto an existing object asks, and Skip, Keep both and Replace each do what they say', async ({
  page,
  tmpPath
}) => {
  const local = 'date,tas_K\n2021-01-01,285.5\n';
  const remote = 'an older report\n';
  put(`${RUN}/up/report.csv`, remote);
  await page.contents.uploadContent(local, 'text', `${tmpPath}/report.csv`);
  await page.filebrowser.refresh();
  const dst = `demo-s3:climate-data/${RUN}/up/`;
  const copy = async (): Promise<void> => {
    await contextMenu(page, fileRow(page, 'report.csv'), 'Copy to Bucket…');
    await chooseDestination(page, 'demo-s3', 'climate-data', `${RUN}/up/`);
  };

  // The question names the file with both sides' sizes and dates.
  await copy();
  await expect(question(page).locator('.jp-Dialog-header')).toHaveText(
    'report.csv exists at the destination'
  );
  const row = conflictRow(page, 'report.csv');
  await expect(row.locator('.jp-Buckets-conflictNew')).toContainText(
    `${local.length} B`
  );
  await expect(row.locator('.jp-Buckets-conflictExisting')).toContainText(
    `${remote.length} B`
  );
  // Dates of both sides, the exact time on hover.
  const dates = row.locator('.jp-Buckets-conflictModified');
  await expect(dates).toHaveCount(2);
  for (const date of await dates.all()) {
    await expect(date).not.toHaveText('');
    await expect(date).toHaveAttribute('title', /\d/);
  }
  // One file: nothing to apply to all.
  await expect(question(page).locator('input[name="applyToAll"]')).toHaveCount(
    0
  );

  // Skip: the object in the bucket is untouched.
  await answer(page, 'Skip');
  await nthJobDone(page, dst, 1);
  expect(keys(`${RUN}/up/`)).toEqual([`${RUN}/up/report.csv`]);
  expect(cat(`${RUN}/up/report.csv`)).toBe(remote);

  // Keep both: the new copy is 'report (1).csv', the old one stays.
  await copy();
  await answer(page, 'Keep both');
  await nthJobDone(page, dst, 2);
  expect(keys(`${RUN}/up/`)).toEqual([
    `${RUN}/up/report (1).csv`,
    `${RUN}/up/report.csv`
  ]);
  expect(cat(`${RUN}/up/report (1).csv`)).toBe(local);
  expect(cat(`${RUN}/up/report.csv`)).toBe(remote);

  // Replace: the object now holds the file's bytes.
  await copy();
  await answer(page, 'Replace');
  await nthJobDone(page, dst, 3);
  expect(cat(`${RUN}/up/report.csv`)).toBe(local);
  expect(keys(`${RUN}/up/`)).toHaveLength(2);

  // Cancel starts nothing.
  await copy();
  await answer(page, 'Cancel');
  await expect(question(page)).toHaveCount(0);
  await expect(jobsInto(page, dst)).toHaveCount(3);
});

test('an object dragged onto a Jupyter folder holding an edited file of that name asks, and Skip keeps the file byte for byte', async ({
  page,
  tmpPath
}) => {
  put(`${RUN}/down/notes.txt`, 'the bucket copy\n');
  // Edited on the Jupyter disk, with bytes a text round trip would change.
  const edited = Buffer.from(
    'my local edits\r\n\u00e9t\u00e9\n\u0000end',
    'utf8'
  );
  const file = path.join(await jupyterRoot(page), tmpPath, 'notes.txt');
  fs.writeFileSync(file, edited);
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'down']);

  await dragVia(
    page,
    item(panel, 'notes.txt'),
    sideTab(page, 'filebrowser'),
    () => page.locator('#filebrowser .jp-DirListing-content')
  );
  await expect(question(page).locator('.jp-Dialog-header')).toHaveText(
    'notes.txt exists at the destination'
  );
  await expect(
    conflictRow(page, 'notes.txt').locator('.jp-Buckets-conflictExisting')
  ).toContainText(`${edited.length} B`);
  await answer(page, 'Skip');

  await nthJobDone(page, `/${tmpPath}/`, 1);
  expect(fs.readFileSync(file).equals(edited)).toBe(true);
  expect(fs.readdirSync(path.dirname(file))).toEqual(['notes.txt']);
});

test('an S3 object pasted into a GCS folder holding that name keeps both with Keep both', async ({
  page
}) => {
  const fromS3 = 'station,pr\nA,0.2\n';
  const inGCS = 'the GCS copy\n';
  put(`${RUN}/cross/pr.csv`, fromS3);
  rclone(['rcat', `${GCS_RUN}/pr.csv`], inGCS);

  let panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'cross']);
  await item(panel, 'pr.csv').click();
  await page.keyboard.press('ControlOrMeta+c');
  panel = await browse(page, 'demo-gcs', 'leap-scratch', [RUN]);
  await panel.locator('.jp-Buckets-content').focus();
  await page.keyboard.press('ControlOrMeta+v');

  await expect(conflictRow(page, 'pr.csv')).toBeVisible();
  await answer(page, 'Keep both');
  await nthJobDone(page, `${GCS_RUN}/`, 1);
  expect(rclone(['lsf', GCS_RUN]).trim().split('\n').sort()).toEqual([
    'pr (1).csv',
    'pr.csv'
  ]);
  expect(rclone(['cat', `${GCS_RUN}/pr (1).csv`])).toBe(fromS3);
  expect(rclone(['cat', `${GCS_RUN}/pr.csv`])).toBe(inGCS);
  await expect(item(panel, 'pr (1).csv')).toBeVisible();
});

test('a paste into the folder it was copied from makes a renamed copy without asking', async ({
  page
}) => {
  const text = 'lat,lon\n1,2\n';
  put(`${RUN}/same/grid.csv`, text);
  put(`${RUN}/same/sub/inner.txt`, 'inside\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'same']);
  await item(panel, 'grid.csv').click();
  await page.keyboard.press('ControlOrMeta+c');
  await panel.locator('.jp-Buckets-content').focus();
  await page.keyboard.press('ControlOrMeta+v');

  await nthJobDone(page, `demo-s3:climate-data/${RUN}/same/`, 1);
  await expect(question(page)).toHaveCount(0);
  expect(cat(`${RUN}/same/grid (1).csv`)).toBe(text);
  expect(cat(`${RUN}/same/grid.csv`)).toBe(text);
  await expect(item(panel, 'grid (1).csv')).toBeVisible();

  // A folder pasted beside itself: 'sub (1)/' with the same contents.
  await item(panel, 'sub').click();
  await page.keyboard.press('ControlOrMeta+c');
  await panel.locator('.jp-Buckets-content').focus();
  await page.keyboard.press('ControlOrMeta+v');
  await expect
    .poll(() => keys(`${RUN}/same/sub (1)/`))
    .toEqual([`${RUN}/same/sub (1)/inner.txt`]);
  expect(cat(`${RUN}/same/sub (1)/inner.txt`)).toBe('inside\n');
  expect(keys(`${RUN}/same/sub/`)).toEqual([`${RUN}/same/sub/inner.txt`]);
});

test('select-all pasted into its own folder makes a renamed copy of each entry, not of the folder', async ({
  page
}) => {
  put(`${RUN}/beside/t.csv`, 't\n');
  put(`${RUN}/beside/d/u.txt`, 'u\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'beside']);
  await item(panel, 't.csv').click();
  await page.keyboard.press('ControlOrMeta+a');
  await expect(panel.locator('.jp-Buckets-count')).toContainText('selected');
  await page.keyboard.press('ControlOrMeta+c');
  await panel.locator('.jp-Buckets-content').focus();
  await page.keyboard.press('ControlOrMeta+v');

  await expect
    .poll(() => keys(`${RUN}/`).filter(key => key.includes('beside')))
    .toEqual([
      `${RUN}/beside/d (1)/u.txt`,
      `${RUN}/beside/d/u.txt`,
      `${RUN}/beside/t (1).csv`,
      `${RUN}/beside/t.csv`
    ]);
  await expect(question(page)).toHaveCount(0);
  expect(cat(`${RUN}/beside/t (1).csv`)).toBe('t\n');
  expect(cat(`${RUN}/beside/d (1)/u.txt`)).toBe('u\n');
});

test('two conflicts answered one by one: each file gets its own answer', async ({
  page,
  tmpPath
}) => {
  put(`${RUN}/each/pair/a.txt`, 'old a\n');
  put(`${RUN}/each/pair/b.txt`, 'old b\n');
  await page.contents.uploadContent('new a\n', 'text', `${tmpPath}/pair/a.txt`);
  await page.contents.uploadContent('new b\n', 'text', `${tmpPath}/pair/b.txt`);
  await page.filebrowser.refresh();

  await contextMenu(page, fileRow(page, 'pair'), 'Copy to Bucket…');
  await chooseDestination(page, 'demo-s3', 'climate-data', `${RUN}/each/`);
  const header = question(page).locator('.jp-Dialog-header');
  await expect(header).toHaveText('2 files exist at the destination');
  await expect(conflictRow(page, 'a.txt')).toBeVisible();
  await expect(conflictRow(page, 'b.txt')).toBeVisible();
  const applyToAll = question(page).locator('input[name="applyToAll"]');
  await expect(applyToAll).not.toBeChecked();
  await expect(conflictRow(page, 'a.txt')).toHaveAttribute(
    'aria-current',
    'true'
  );

  // Unchecked: the answer is for a.txt only, and b.txt is asked next.
  await answer(page, 'Replace');
  await expect(header).toHaveText('b.txt exists at the destination (2 of 2)');
  await expect(conflictRow(page, 'a.txt')).toHaveAttribute(
    'data-choice',
    'replace'
  );
  await expect(conflictRow(page, 'b.txt')).toHaveAttribute(
    'aria-current',
    'true'
  );
  await answer(page, 'Skip');

  await nthJobDone(page, `demo-s3:climate-data/${RUN}/each/pair/`, 1);
  expect(cat(`${RUN}/each/pair/a.txt`)).toBe('new a\n');
  expect(cat(`${RUN}/each/pair/b.txt`)).toBe('old b\n');
  expect(keys(`${RUN}/each/`)).toHaveLength(2);
});

test('"Apply to all" answers every file of every job started together, asked once', async ({
  page,
  tmpPath
}) => {
  put(`${RUN}/all/a.txt`, 'old a\n');
  put(`${RUN}/all/b.txt`, 'old b\n');
  await page.contents.uploadContent('new a\n', 'text', `${tmpPath}/a.txt`);
  await page.contents.uploadContent('new b\n', 'text', `${tmpPath}/b.txt`);
  await page.filebrowser.refresh();

  // Two files selected: two jobs, one conflict each, one question.
  await fileRow(page, 'a.txt').click();
  await fileRow(page, 'b.txt').click({ modifiers: ['ControlOrMeta'] });
  await contextMenu(page, fileRow(page, 'b.txt'), 'Copy to Bucket…');
  await chooseDestination(page, 'demo-s3', 'climate-data', `${RUN}/all/`);
  await expect(question(page).locator('.jp-Dialog-header')).toHaveText(
    '2 files exist at the destination'
  );
  await question(page).locator('input[name="applyToAll"]').check();
  await answer(page, 'Keep both');

  const dst = `demo-s3:climate-data/${RUN}/all/`;
  await expect(jobsInto(page, dst)).toHaveCount(2);
  for (const row of await jobsInto(page, dst).all()) {
    await expect(row).toHaveAttribute('data-state', 'done');
  }
  // Not asked again for the second job.
  await expect(question(page)).toHaveCount(0);
  expect(keys(`${RUN}/all/`)).toEqual([
    `${RUN}/all/a (1).txt`,
    `${RUN}/all/a.txt`,
    `${RUN}/all/b (1).txt`,
    `${RUN}/all/b.txt`
  ]);
  expect(cat(`${RUN}/all/a (1).txt`)).toBe('new a\n');
  expect(cat(`${RUN}/all/b (1).txt`)).toBe('new b\n');
  expect(cat(`${RUN}/all/a.txt`)).toBe('old a\n');
  expect(cat(`${RUN}/all/b.txt`)).toBe('old b\n');
});

test('"Download to Jupyter" onto a file of that name asks instead of replacing it', async ({
  page,
  tmpPath
}) => {
  put(`${RUN}/dl/data.csv`, 'from the bucket\n');
  const file = path.join(await jupyterRoot(page), tmpPath, 'data.csv');
  fs.writeFileSync(file, 'kept here\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'dl']);

  await contextMenu(page, item(panel, 'data.csv'), 'Download to Jupyter');
  await expect(conflictRow(page, 'data.csv')).toBeVisible();
  await answer(page, 'Replace');
  await nthJobDone(page, `/${tmpPath}/`, 1);
  expect(fs.readFileSync(file, 'utf8')).toBe('from the bucket\n');
});

test('renaming onto an existing object asks: Cancel keeps both, Replace replaces', async ({
  page
}) => {
  put(`${RUN}/rename/draft.txt`, 'the draft\n');
  put(`${RUN}/rename/final.txt`, 'the final\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'rename']);
  const rename = async (): Promise<void> => {
    await contextMenu(page, item(panel, 'draft.txt'), 'Rename');
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('input').fill('final.txt');
    await dialog.locator('.jp-mod-accept').click();
    await expect(page.locator('.jp-Dialog-header')).toHaveText(
      'Replace final.txt?'
    );
  };

  await rename();
  await page.locator('.jp-Dialog .jp-mod-reject').click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  expect(cat(`${RUN}/rename/draft.txt`)).toBe('the draft\n');
  expect(cat(`${RUN}/rename/final.txt`)).toBe('the final\n');

  await rename();
  await page
    .locator('.jp-Dialog .jp-Dialog-footer button', { hasText: 'Replace' })
    .click();
  await expect(item(panel, 'draft.txt')).toHaveCount(0);
  expect(keys(`${RUN}/rename/`)).toEqual([`${RUN}/rename/final.txt`]);
  expect(cat(`${RUN}/rename/final.txt`)).toBe('the draft\n');
});

test('more conflicts than the sidecar lists: "and N more", and only one choice for all', async ({
  page,
  tmpPath
}) => {
  // 2,500 existing files are slow to make for real; the refusal's shape is
  // the contract (at most 1,000 listed, the count of all), so it is played
  // back for the first request and the answer goes to the real sidecar.
  await page.contents.uploadContent('x\n', 'text', `${tmpPath}/many/f.txt`);
  await page.filebrowser.refresh();
  const listed = Array.from({ length: 1000 }, (_, i) => ({
    path: `f${String(i).padStart(4, '0')}.txt`,
    dst: `demo-s3:climate-data/${RUN}/many/many/f${i}.txt`,
    source: { size: 2, modified: new Date().toISOString() },
    existing: { size: 3, modified: new Date().toISOString() }
  }));
  const sent: Record<string, unknown>[] = [];
  await page.route(/\/api\/v1\/transfers(\?[^/]*)?$/, async route => {
    const request = route.request();
    if (request.method() !== 'POST') {
      return route.fallback();
    }
    const body = request.postDataJSON() as Record<string, unknown>;
    sent.push(body);
    if (sent.length > 1) {
      return route.fallback();
    }
    await route.fulfill({
      status: 409,
      contentType: 'application/json',
      body: JSON.stringify({
        error: {
          code: 'destination_exists',
          message: '2500 files exist at the destination.',
          hint: 'Choose what to do with them.',
          conflicts: listed,
          conflictCount: 2500
        }
      })
    });
  });

  await contextMenu(page, fileRow(page, 'many'), 'Copy to Bucket…');
  await chooseDestination(page, 'demo-s3', 'climate-data', `${RUN}/many/`);
  await expect(question(page).locator('.jp-Dialog-header')).toHaveText(
    '2,500 files exist at the destination'
  );
  await expect(question(page).locator('.jp-Buckets-conflict')).toHaveCount(
    1000
  );
  await expect(question(page).locator('.jp-Buckets-conflictMore')).toHaveText(
    'and 1,500 more'
  );
  const applyToAll = question(page).locator('input[name="applyToAll"]');
  await expect(applyToAll).toBeChecked();
  await expect(applyToAll).toBeDisabled();
  await answer(page, 'Skip');

  await expect(question(page)).toHaveCount(0);
  await nthJobDone(page, `demo-s3:climate-data/${RUN}/many/many/`, 1);
  expect(sent).toHaveLength(2);
  const options = sent[1].options as Record<string, unknown>;
  expect(options.onConflict).toBe('skip');
  expect(options.conflicts).toBeUndefined();
});

test("JupyterLab's Duplicate of a bucket object never replaces an earlier duplicate, and its rename refuses an existing name", async ({
  page
}) => {
  put(`${RUN}/dup/plot.py`, 'print("plot")\n');
  put(`${RUN}/dup/other.py`, 'print("other")\n');
  // The bucket drives appear once the panel has listed the remotes.
  await browse(page, 'demo-s3', 'climate-data', [RUN, 'dup']);
  const folder = `bucket-demo-s3:climate-data/${RUN}/dup`;
  // What the file browser's Duplicate does: contents.copy(path, its folder).
  const duplicate = (): Promise<string> =>
    page.evaluate(
      async dir =>
        (
          await window.jupyterapp.serviceManager.contents.copy(
            `${dir}/plot.py`,
            dir
          )
        ).name,
      folder
    );

  expect(await duplicate()).toBe('plot-Copy.py');
  put(`${RUN}/dup/plot-Copy.py`, 'print("edited duplicate")\n');
  expect(await duplicate()).toBe('plot-Copy (1).py');
  expect(cat(`${RUN}/dup/plot-Copy.py`)).toBe('print("edited duplicate")\n');
  expect(cat(`${RUN}/dup/plot-Copy (1).py`)).toBe('print("plot")\n');

  // A rename through JupyterLab's contents API onto an existing name is
  // refused with a clear message, and nothing changes.
  const refusal = await page.evaluate(
    dir =>
      window.jupyterapp.serviceManager.contents
        .rename(`${dir}/plot.py`, `${dir}/other.py`)
        .then(
          () => 'renamed',
          (error: Error) => error.message
        ),
    folder
  );
  expect(refusal).toBe(`other.py exists already in climate-data/${RUN}/dup/.`);
  expect(cat(`${RUN}/dup/plot.py`)).toBe('print("plot")\n');
  expect(cat(`${RUN}/dup/other.py`)).toBe('print("other")\n');
});

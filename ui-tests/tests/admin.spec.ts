// A hub admin's rules in the panel (jupyter_server_test_config.py writes the
// jupyter_buckets.json): hub-pubs is read-only, hub-persistent takes writes
// only under climate-data/ui-admin/{username}/ and is purged after 7 days.
import * as os from 'os';

import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import { chooseDestination, fileRow, job } from './jobs';
import { browse, contextMenu, item } from './panel';
import { aws, keys, put, useDemoBucket } from './s3';

test.use({ autoGoto: true });

const RUN = 'ui-admin';
// The sidecar runs as this user, so {username} is this name.
const USER = process.env.JUPYTERHUB_USER || os.userInfo().username;
const MINE = `${RUN}/${USER}/`;

useDemoBucket(RUN);

test.beforeAll(() => {
  put(`${MINE}mine.txt`, 'my notes\n');
  put(`${RUN}/someone-else/theirs.txt`, 'not yours\n');
});

/** Right-click `row`: the context menu's item whose label starts with `label`. */
async function menuItem(
  page: Page,
  row: Locator,
  label: string
): Promise<Locator> {
  await row.click({ button: 'right' });
  return page.locator('.lm-Menu .lm-Menu-item').filter({
    has: page.locator('.lm-Menu-itemLabel', {
      hasText: new RegExp(`^${label}`)
    })
  });
}

test('a read-only remote: its write actions are disabled with the reason, and the API refuses a forced write', async ({
  page
}) => {
  const panel = await browse(page, 'hub-pubs', 'climate-data', []);
  const badge = panel.locator('.jp-Buckets-badge.jp-mod-readOnly');
  await expect(badge).toHaveText('Read-only');
  await expect(badge).toHaveAttribute(
    'title',
    /Remote hub-pubs is read-only \(set by the hub admin in .*jupyter_buckets\.json\)/
  );

  const remove = await menuItem(page, item(panel, 'README.md'), 'Delete');
  await expect(remove).toHaveClass(/lm-mod-disabled/);
  await expect(remove).toContainText('Delete (read-only)');
  await page.keyboard.press('Escape');
  const rename = await menuItem(page, item(panel, 'README.md'), 'Rename');
  await expect(rename).toHaveClass(/lm-mod-disabled/);
  await page.keyboard.press('Escape');
  // A move deletes what it copied: refused too; a copy elsewhere is not.
  const move = await menuItem(page, item(panel, 'README.md'), 'Move to…');
  await expect(move).toHaveClass(/lm-mod-disabled/);
  await expect(move).toContainText('Move to… (read-only)');
  await page.keyboard.press('Escape');
  const copyTo = await menuItem(page, item(panel, 'README.md'), 'Copy to…');
  await expect(copyTo).not.toHaveClass(/lm-mod-disabled/);
  await page.keyboard.press('Escape');
  const newFolder = panel.locator(
    '.jp-Buckets-toolbar [data-command="jupyter-buckets:new-folder"]'
  );
  // A <jp-button>: its state is in aria-disabled.
  await expect(newFolder).toHaveAttribute('aria-disabled', 'true');
  await expect(newFolder).toHaveAttribute('title', /is read-only/);

  // A file of a read-only remote opens read-only: JupyterLab's Save says
  // so and points to Save As.
  await item(panel, 'README.md').dblclick();
  const editor = page.locator('.jp-FileEditor .cm-content');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('Control+s');
  await expect(
    page.locator('.jp-toast-message', { hasText: 'is read-only' })
  ).toBeVisible();

  // What the panel does not offer, the server refuses: a rename forced
  // through the API is a 403 that names the rule, and nothing is written.
  const forced = await page.request.post(
    '/jupyter-buckets/api/v1/remotes/hub-pubs/buckets/climate-data/copy',
    { data: { fromKey: 'README.md', toKey: `${RUN}/forced.txt` } }
  );
  expect(forced.status()).toBe(403);
  const body = await forced.json();
  expect(body.error.code).toBe('read_only');
  expect(body.error.message).toContain('jupyter_buckets.json');
  expect(keys(`${RUN}/forced`)).toEqual([]);
});

test('a writablePrefixes remote with {username}: writes only in the user folder, a purge badge, and the Copy dialog refuses or warns', async ({
  page,
  tmpPath
}) => {
  // The admin's bookmark, with {username} filled in, is offered at the root.
  await page.sidebar.openTab('jupyter-buckets-panel');
  const panel = page.locator('#jupyter-buckets-panel');
  await panel
    .locator('.jp-Buckets-remotePicker')
    .selectOption('hub-persistent');
  await expect(
    panel.locator(
      `.jp-Buckets-item[data-kind="bookmark"][data-path="climate-data/${MINE}"]`
    )
  ).toBeVisible();
  const purge = panel.locator('.jp-Buckets-badge.jp-mod-purge');
  await expect(purge).toHaveText('Purged after 7 days');
  await expect(purge).toHaveAttribute(
    'title',
    /Files here are deleted after 7 days/
  );

  // Someone else's folder: read-only here, with the reason.
  await browse(page, 'hub-persistent', 'climate-data', [RUN, 'someone-else']);
  const here = panel.locator('.jp-Buckets-badge.jp-mod-readOnly');
  await expect(here).toHaveText('Read-only here');
  await expect(here).toHaveAttribute(
    'title',
    new RegExp(`takes writes only under climate-data/${MINE}`)
  );
  const theirs = await menuItem(page, item(panel, 'theirs.txt'), 'Delete');
  await expect(theirs).toHaveClass(/lm-mod-disabled/);
  await expect(theirs).toContainText('Delete (not writable here)');
  await page.keyboard.press('Escape');

  // The user's own folder: no badge, delete allowed.
  await browse(page, 'hub-persistent', 'climate-data', [RUN, USER]);
  await expect(here).toHaveCount(0);
  const mine = await menuItem(page, item(panel, 'mine.txt'), 'Delete');
  await expect(mine).not.toHaveClass(/lm-mod-disabled/);
  await page.keyboard.press('Escape');

  // Copy to Bucket: outside the folder OK is disabled with the reason;
  // inside, it warns about the purge and copies.
  await page.contents.uploadContent('results\n', 'text', `${tmpPath}/out.txt`);
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.refresh();
  await contextMenu(page, fileRow(page, 'out.txt'), 'Copy to Bucket…');
  const dialog = page.locator('.jp-Dialog .jp-Buckets-destination');
  // A read-only remote cannot be chosen at all.
  await expect(
    dialog.locator('select[name="remote"] option[value="hub-pubs"]')
  ).toBeDisabled();
  await dialog.locator('select[name="remote"]').selectOption('hub-persistent');
  await dialog.locator('input[name="bucket"]').fill('climate-data');
  await dialog.locator('input[name="path"]').fill(`${RUN}/someone-else/`);
  const notice = dialog.locator('.jp-Buckets-destinationNotice');
  await expect(notice).toHaveClass(/jp-mod-refused/);
  await expect(notice).toContainText(
    `takes writes only under climate-data/${MINE}`
  );
  await expect(page.locator('.jp-Dialog .jp-mod-accept')).toBeDisabled();
  await page.locator('.jp-Dialog .jp-mod-reject').click();

  await contextMenu(page, fileRow(page, 'out.txt'), 'Copy to Bucket…');
  await dialog.locator('select[name="remote"]').selectOption('hub-persistent');
  await dialog.locator('input[name="bucket"]').fill('climate-data');
  await dialog.locator('input[name="path"]').fill(MINE);
  await expect(notice).toHaveClass(/jp-mod-warning/);
  await expect(notice).toHaveText('Files here are deleted after 7 days.');
  await chooseDestination(page, 'hub-persistent', 'climate-data', MINE);
  await expect(
    job(page, `hub-persistent:climate-data/${MINE}`)
  ).toHaveAttribute('data-state', 'done');
  expect(aws(['s3', 'cp', `s3://climate-data/${MINE}out.txt`, '-'])).toBe(
    'results\n'
  );
});

// The file browser's habits in the Buckets panel: Delete, F2 and Backspace
// (declared in schema/plugin.json, so they can be rebound in the settings),
// and breadcrumbs that keep the last folders whole in a narrow sidebar.
import { expect, test } from '@jupyterlab/galata';

import { browse, item } from './panel';
import { keys, put, useDemoBucket } from './s3';

test.use({ autoGoto: true });

const RUN = `ui-keys-${Date.now().toString(36)}`;
const CURRENT = '.jp-Buckets-breadcrumbs .jp-Buckets-crumb.jp-mod-current';

useDemoBucket(RUN);

test('the shortcuts come from the settings schema', async ({ page }) => {
  const bindings = await page.evaluate(() =>
    window.jupyterapp.commands.keyBindings
      .filter(b => b.command.startsWith('jupyter-buckets:'))
      .map(b => `${b.command} ${b.keys.join(' ')}`)
  );
  for (const expected of [
    'jupyter-buckets:delete Delete',
    'jupyter-buckets:rename F2',
    'jupyter-buckets:go-up Backspace'
  ]) {
    expect(bindings).toContain(expected);
  }
});

test('F2 renames, Delete deletes, Backspace goes up a folder', async ({
  page
}) => {
  put(`${RUN}/f/a.txt`, 'a\n');
  put(`${RUN}/f/b.txt`, 'b\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'f']);

  await item(panel, 'a.txt').click();
  await page.keyboard.press('F2');
  const input = page.locator('.jp-Dialog input');
  await expect(input).toHaveValue('a.txt');
  await input.fill('renamed.txt');
  await page.keyboard.press('Enter');
  await expect(item(panel, 'renamed.txt')).toBeVisible();
  await expect(item(panel, 'a.txt')).toHaveCount(0);

  await item(panel, 'b.txt').click();
  await page.keyboard.press('Delete');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('b.txt');
  await dialog.locator('.jp-mod-accept').click();
  await expect(item(panel, 'b.txt')).toHaveCount(0);
  expect(keys(`${RUN}/f/`)).toEqual([`${RUN}/f/renamed.txt`]);

  await item(panel, 'renamed.txt').click();
  await page.keyboard.press('Backspace');
  await expect(panel.locator(CURRENT)).toHaveText(RUN);
  await page.keyboard.press('Backspace');
  await expect(panel.locator(CURRENT)).toHaveText('climate-data');
});

test('a narrow sidebar keeps the remote and the current folder whole and collapses the middle', async ({
  page
}) => {
  const folders = [RUN, 'first-level-folder', 'second-level-folder', 'last'];
  put(`${folders.join('/')}/deep.txt`, 'deep\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', folders);
  await page.sidebar.setWidth(260);
  const crumbs = panel.locator('.jp-Buckets-breadcrumbs');
  const more = crumbs.locator('.jp-Buckets-crumbMore');
  await expect(more).toBeVisible();
  await expect(crumbs.locator('.jp-Buckets-crumb').first()).toHaveText(
    'demo-s3'
  );
  const current = panel.locator(CURRENT);
  await expect(current).toHaveText('last');
  // Whole: not cut with an ellipsis.
  expect(
    await current.evaluate(node => node.scrollWidth <= node.clientWidth)
  ).toBe(true);
  // Everything fits, and "…" leads to the deepest folder it hides.
  expect(
    await crumbs.evaluate(node => node.scrollWidth <= node.clientWidth)
  ).toBe(true);
  const hidden = (await more.getAttribute('title'))!.split('/');
  await more.click();
  await expect(current).toHaveText(hidden[hidden.length - 1]);

  // Wide again: every crumb is shown.
  await page.sidebar.setWidth(900);
  await expect(more).toHaveCount(0);
});

test('New Folder in the toolbar makes an empty folder that stays', async ({
  page
}) => {
  put(`${RUN}/nf/seed.txt`, 'seed\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'nf']);
  const button = panel.locator(
    '.jp-Buckets-toolbar [data-command="jupyter-buckets:new-folder"]'
  );
  // A <jp-button>: its state is in aria-disabled.
  await expect(button).not.toHaveAttribute('aria-disabled', 'true');
  await button.click();
  const input = page.locator('.jp-Dialog input');
  await input.fill('made here');
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  const made = panel.locator(
    '.jp-Buckets-item[data-kind="prefix"][data-name="made here"]'
  );
  await expect(made).toBeVisible();
  expect(keys(`${RUN}/nf/made here/`)).toEqual([`${RUN}/nf/made here/`]);
  await made.dblclick();
  await expect(panel.locator(CURRENT)).toHaveText('made here');
  await expect(panel.locator('.jp-Buckets-empty')).toHaveText(
    'This folder is empty'
  );
});

test('the sort headers are reached with Tab and sort with Enter', async ({
  page
}) => {
  const panel = await browse(page, 'demo-s3', 'climate-data', []);
  // Wide enough for the Size column (a narrow panel hides it).
  await page.sidebar.setWidth(500);
  const size = panel.locator('.jp-Buckets-sortable[data-sort="size"]');
  await size.focus();
  await expect(size).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(size).toHaveAttribute('aria-sort', 'ascending');
  await page.keyboard.press(' ');
  await expect(size).toHaveAttribute('aria-sort', 'descending');
  // Tab reaches the next header.
  await page.keyboard.press('Tab');
  await expect(
    panel.locator('.jp-Buckets-sortable[data-sort="modified"]')
  ).toBeFocused();
});

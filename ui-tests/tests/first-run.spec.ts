// A first run that guides: loading says loading, no remote shows a welcome
// with "Add a remote" and the presets, a saved remote is one click from its
// buckets, the panel comes back where it was after a reload, and a document
// saved into the folder shown appears in the listing.
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { fileRow } from './jobs';
import { browse, contextMenu, item } from './panel';
import { cat, put, useDemoBucket } from './s3';

test.use({ autoGoto: true });

const RUN = `ui-first-run-${Date.now().toString(36)}`;
const PANEL_ID = 'jupyter-buckets-panel';

useDemoBucket(RUN);

function panelOf(page: IJupyterLabPageFixture): Locator {
  return page.locator(`#${PANEL_ID}`);
}

test('loading says loading; with no remote, a welcome offers each kind of remote', async ({
  page
}) => {
  // The sidecar's answer is held back, then says there is no remote.
  let release: () => void = () => {};
  const held = new Promise<void>(resolve => (release = resolve));
  await page.route(/\/jupyter-buckets\/api\/v1\/remotes(\?|$)/, async route => {
    await held;
    await route.fulfill({ json: { remotes: [], problems: [] } });
  });
  await page.sidebar.openTab(PANEL_ID);
  const panel = panelOf(page);
  const picker = panel.locator('.jp-Buckets-remotePicker');
  await expect(picker.locator('option').first()).toHaveText('Loading remotes…');
  await expect(panel.locator('.jp-Buckets-welcome')).toHaveCount(0);
  release();

  const welcome = panel.locator('.jp-Buckets-welcome');
  await expect(welcome).toBeVisible();
  await expect(welcome).toContainText('Connect a bucket');
  await expect(panel.locator('.jp-Buckets-error')).toHaveCount(0);
  await expect(picker.locator('option').first()).toHaveText('No remotes');
  await expect(welcome.locator('.jp-Buckets-welcomePreset')).toHaveText([
    'Amazon S3',
    'Open Storage Network pod',
    'Google Cloud Storage',
    'S3-compatible',
    'Public bucket'
  ]);

  // A preset opens the credentials panel on its form.
  await welcome.locator('.jp-Buckets-welcomePreset[data-preset="osn"]').click();
  const credentials = page.locator('#jupyter-buckets-credentials');
  await expect(credentials).toBeVisible();
  // The OSN form: a pod field, and the endpoint it makes.
  await expect(credentials.locator('input[name="pod"]')).toBeVisible();
  await expect(credentials.locator('input[name="endpoint"]')).toHaveAttribute(
    'placeholder',
    'https://<pod>.osn.mghpcc.org'
  );

  // "Add a remote" opens the chooser.
  await page.sidebar.openTab(PANEL_ID);
  await welcome.locator('.jp-Buckets-welcomeAdd').click();
  await expect(credentials.locator('.jp-Credentials-preset')).toHaveCount(5);
});

test('a remote shown in the credentials panel is one click from its buckets', async ({
  page
}) => {
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('jupyter-buckets:manage-remotes')
  );
  const credentials = page.locator('#jupyter-buckets-credentials');
  await credentials
    .locator('.jp-Credentials-remotes li', { hasText: 'demo-s3' })
    .click();
  await credentials.getByRole('button', { name: 'Browse' }).click();
  const panel = panelOf(page);
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-Buckets-remotePicker')).toHaveValue(
    'demo-s3'
  );
  await expect(item(panel, 'climate-data')).toBeVisible();
});

test('after a reload the panel shows the remote, bucket and folder it showed', async ({
  page
}) => {
  put(`${RUN}/deep/er/kept.txt`, 'kept\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [
    RUN,
    'deep',
    'er'
  ]);
  await expect(item(panel, 'kept.txt')).toBeVisible();
  // JupyterLab writes its state database to the workspace 750 ms after the
  // last change: reloading sooner would test the debounce, not the panel.
  await page.waitForTimeout(1500);
  await page.reload();
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
  await page.sidebar.openTab(PANEL_ID);
  await expect(
    panel.locator('.jp-Buckets-breadcrumbs .jp-Buckets-crumb.jp-mod-current')
  ).toHaveText('er');
  await expect(panel.locator('.jp-Buckets-remotePicker')).toHaveValue(
    'demo-s3'
  );
  await expect(item(panel, 'kept.txt')).toBeVisible();
});

test('a document saved into the folder shown appears in the listing', async ({
  page
}) => {
  put(`${RUN}/save/notes.txt`, 'first\n');
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN, 'save']);
  const size = item(panel, 'notes.txt').locator('.jp-Buckets-itemSize');
  await expect(size).toHaveText('6 B');
  await item(panel, 'notes.txt').dblclick();
  const editor = page.locator('.jp-FileEditor .cm-content');
  await expect(editor).toContainText('first');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('second line\n');
  await page.keyboard.press('Control+s');
  await expect
    .poll(() => cat(`${RUN}/save/notes.txt`))
    .toBe('first\nsecond line\n');
  // The listing shows the saved size without a manual refresh.
  await expect(size).toHaveText('18 B');
});

test('Copy to Bucket… with no remote yet offers to add one', async ({
  page,
  tmpPath
}) => {
  await page.route(/\/jupyter-buckets\/api\/v1\/remotes(\?|$)/, route =>
    route.fulfill({ json: { remotes: [], problems: [] } })
  );
  await page.contents.uploadContent('x\n', 'text', `${tmpPath}/first.txt`);
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.refresh();
  await contextMenu(page, fileRow(page, 'first.txt'), 'Copy to Bucket…');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('No remote to copy to yet');
  await dialog.getByRole('button', { name: 'Add a remote' }).click();
  await expect(
    page.locator('#jupyter-buckets-credentials .jp-Credentials-preset')
  ).toHaveCount(5);
});

// Opening and saving objects in JupyterLab's own editors, straight from the
// demo buckets (SeaweedFS for S3, fake-gcs-server for GCS). Every test works
// on a copy under its own prefix and removes it afterwards; the bytes saved
// are read back with another client (the AWS CLI, rclone).
import { execFileSync } from 'child_process';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

const PANEL_ID = 'jupyter-buckets-panel';
const RUN = `ui-drive-${Date.now().toString(36)}`;

interface IStore {
  remote: string;
  bucket: string;
  /** Copy, read and delete with a client other than jupyter-buckets. */
  copy(fromKey: string, toKey: string): void;
  cat(key: string): string;
  removePrefix(prefix: string): void;
}

const aws = (...args: string[]): string =>
  execFileSync('aws', ['--profile', 'demo-s3', ...args], {
    encoding: 'utf8'
  });
const rclone = (...args: string[]): string =>
  execFileSync('rclone', args, { encoding: 'utf8' });

const S3: IStore = {
  remote: 'demo-s3',
  bucket: 'climate-data',
  copy: (from, to) =>
    void aws(
      's3',
      'cp',
      `s3://climate-data/${from}`,
      `s3://climate-data/${to}`
    ),
  cat: key => aws('s3', 'cp', `s3://climate-data/${key}`, '-'),
  removePrefix: prefix =>
    void aws('s3', 'rm', '--recursive', `s3://climate-data/${prefix}`)
};

const GCS: IStore = {
  remote: 'demo-gcs',
  bucket: 'leap-persistent',
  copy: (from, to) =>
    void rclone(
      'copyto',
      `demo-gcs:leap-persistent/${from}`,
      `demo-gcs:leap-persistent/${to}`
    ),
  cat: key => rclone('cat', `demo-gcs:leap-persistent/${key}`),
  removePrefix: prefix =>
    void rclone('purge', `demo-gcs:leap-persistent/${prefix}`)
};

test.beforeAll(() => {
  for (const name of ['JB_TEST_S3_ENDPOINT', 'JB_TEST_GCS_ENDPOINT']) {
    if (!process.env[name]) {
      throw new Error(
        `${name} is not set: run the UI tests through the servers harness, ` +
          '`.venv/bin/python scripts/servers.py run -- npm run test --workspace=@jupyter-buckets/ui-tests`.'
      );
    }
  }
});

function item(panel: Locator, name: string): Locator {
  return panel.locator(`.jp-Buckets-item[data-name="${name}"]`);
}

/** The panel showing `store`'s bucket at `folders`, one double-click per level. */
async function browse(
  page: IJupyterLabPageFixture,
  store: IStore,
  folders: string[]
): Promise<Locator> {
  await page.sidebar.openTab(PANEL_ID);
  const panel = page.locator(`#${PANEL_ID}`);
  await panel.locator('.jp-Buckets-remotePicker').selectOption(store.remote);
  for (const name of [store.bucket, ...folders]) {
    await item(panel, name).dblclick();
    await expect(
      panel.locator('.jp-Buckets-breadcrumbs .jp-Buckets-crumb.jp-mod-current')
    ).toHaveText(name);
  }
  return panel;
}

function mainTab(page: IJupyterLabPageFixture, name: string): Locator {
  return page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: name });
}

for (const store of [S3, GCS]) {
  test.describe(`documents in ${store.remote}`, () => {
    const prefix = `${RUN}-${store.remote}`;

    test.beforeAll(() => {
      store.copy('notebooks/analysis.ipynb', `${prefix}/analysis.ipynb`);
    });

    test.afterAll(() => {
      store.removePrefix(`${prefix}/`);
    });

    test('a notebook opens, runs with a kernel and saves back to the bucket', async ({
      page
    }) => {
      const panel = await browse(page, store, [prefix]);
      await item(panel, 'analysis.ipynb').dblclick();
      await expect(mainTab(page, 'analysis.ipynb')).toBeVisible();
      const notebook = page.locator('.jp-NotebookPanel').last();
      await expect(notebook.locator('.jp-Cell').first()).toContainText(
        'Daily temperature'
      );

      const marker = `saved from ${store.remote} ${Date.now()}`;
      await page.notebook.setCell(
        1,
        'code',
        `print(${JSON.stringify(marker)})`
      );
      await page.notebook.runCell(1);
      await expect(
        notebook.locator('.jp-Cell').nth(1).locator('.jp-OutputArea-output')
      ).toContainText(marker);

      await page.notebook.save();
      await expect
        .poll(() => store.cat(`${prefix}/analysis.ipynb`), { timeout: 15000 })
        .toContain(marker);
      const saved = JSON.parse(store.cat(`${prefix}/analysis.ipynb`));
      expect(saved.nbformat).toBe(4);
      // nbformat allows a string or a list of lines.
      expect([saved.cells[1].outputs[0].text].flat().join('')).toContain(
        marker
      );
    });
  });
}

test('a CSV and a Markdown file open in JupyterLab from the bucket', async ({
  page
}) => {
  let panel = await browse(page, S3, ['cmip6', 'tas', '2020']);
  await item(panel, 'tas_day_2020.csv').dblclick();
  await expect(mainTab(page, 'tas_day_2020.csv')).toBeVisible();
  // The CSV viewer draws on a canvas: its presence is what can be checked.
  await expect(page.locator('.jp-CSVViewer').last()).toBeVisible();

  panel = await browse(page, GCS, []);
  await item(panel, 'README.md').click();
  await page.keyboard.press('Enter');
  await expect(mainTab(page, 'README.md')).toBeVisible();
  await expect(page.locator('.jp-FileEditor').last()).toContainText('climate');
});

test('a save the bucket refuses shows why and keeps the edits unsaved', async ({
  page
}) => {
  const prefix = `${RUN}-readonly`;
  S3.copy('README.md', `${prefix}/README.md`);
  try {
    const panel = await browse(page, S3, [prefix]);
    await item(panel, 'README.md').dblclick();
    const editor = page.locator('.jp-FileEditor').last();
    await expect(editor).toContainText('climate-data');
    // The sidecar answers as it does for a read-only bucket (a policy that
    // allows reads only): what matters here is what JupyterLab does with it.
    await page.route('**/jupyter-buckets/api/v1/**/content?*', route =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 403,
            contentType: 'application/json',
            body: JSON.stringify({
              error: {
                code: 'access_denied',
                message: 'demo-s3 may not write to climate-data.',
                hint: 'Ask for write access or save elsewhere.'
              }
            })
          })
        : route.continue()
    );
    await editor.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nunsaved line');
    await page.keyboard.press('Control+s');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('may not write to climate-data');
    await dialog.locator('.jp-Dialog-button').last().click();
    await expect(dialog).toHaveCount(0);
    await expect(mainTab(page, 'README.md')).toHaveClass(/jp-mod-dirty/);
    expect(S3.cat(`${prefix}/README.md`)).not.toContain('unsaved line');
  } finally {
    S3.removePrefix(`${prefix}/`);
  }
});

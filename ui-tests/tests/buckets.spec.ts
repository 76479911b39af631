// The Buckets panel in a real JupyterLab, browsing the demo remotes that
// scripts/servers.py serves (SeaweedFS for S3, fake-gcs-server for GCS).
import * as fs from 'fs';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { attach } from './evidence';

const PANEL_ID = 'jupyter-buckets-panel';
const README_SCREENSHOT = path.resolve(
  __dirname,
  '..',
  '..',
  'docs',
  'buckets-panel.png'
);

test.beforeAll(() => {
  // Without the servers' environment the panel would only show "no remotes":
  // fail loudly instead of testing nothing.
  for (const name of ['JB_TEST_S3_ENDPOINT', 'JB_TEST_GCS_ENDPOINT']) {
    if (!process.env[name]) {
      throw new Error(
        `${name} is not set: run the UI tests through the servers harness, ` +
          '`.venv/bin/python scripts/servers.py run -- npm run test --workspace=@jupyter-buckets/ui-tests`.'
      );
    }
  }
});

async function openPanel(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(PANEL_ID);
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel).toBeVisible();
  return panel;
}

function item(panel: Locator, name: string): Locator {
  return panel.locator(`.jp-Buckets-item[data-name="${name}"]`);
}

/** Double-click each name in turn, waiting for the next level each time. */
async function openPath(panel: Locator, names: string[]): Promise<void> {
  for (const name of names) {
    await item(panel, name).dblclick();
    await expect(
      panel.locator('.jp-Buckets-breadcrumbs .jp-Buckets-crumb.jp-mod-current')
    ).toHaveText(name);
  }
}

async function chooseRemote(panel: Locator, remote: string): Promise<void> {
  await panel.locator('.jp-Buckets-remotePicker').selectOption(remote);
}

test.describe('Buckets panel', () => {
  test('browses an S3 remote down to a nested object and back', async ({
    page
  }, testInfo) => {
    const panel = await openPanel(page);
    // Wide enough for the whole path: a narrower panel folds its middle
    // into "…" (keys.spec.ts), and this test goes back by a middle crumb.
    await page.sidebar.setWidth(420);
    await chooseRemote(panel, 'demo-s3');
    await expect(item(panel, 'climate-data')).toBeVisible();
    await expect(item(panel, 'scratch')).toBeVisible();
    await expect(item(panel, 'climate-data')).toHaveAttribute(
      'data-kind',
      'bucket'
    );
    await attach(testInfo, 'S3 buckets', panel);

    await openPath(panel, ['climate-data', 'cmip6', 'tas', '2020']);
    const csv = item(panel, 'tas_day_2020.csv');
    await expect(csv).toHaveAttribute('data-kind', 'object');
    await expect(csv.locator('.jp-Buckets-itemSize')).toHaveText(
      /^\d+(\.\d)? (B|KB|MB)$/
    );
    await expect(csv.locator('.jp-Buckets-itemModified')).not.toBeEmpty();
    await expect(panel.locator('.jp-Buckets-breadcrumbs')).toHaveText(
      'demo-s3/climate-data/cmip6/tas/2020'
    );
    await attach(testInfo, 'A nested object', panel);

    // Back to the bucket root through its breadcrumb.
    await panel
      .locator('.jp-Buckets-crumb', { hasText: 'climate-data' })
      .click();
    await expect(item(panel, 'cmip6')).toHaveAttribute('data-kind', 'prefix');
    await expect(item(panel, 'README.md')).toHaveAttribute(
      'data-kind',
      'object'
    );
    await expect(item(panel, 'notebooks')).toBeVisible();
  });

  test('pages through a prefix with more objects than one page', async ({
    page
  }, testInfo) => {
    const panel = await openPanel(page);
    await chooseRemote(panel, 'demo-s3');
    await openPath(panel, ['climate-data', 'many']);

    // Rows are virtualized: only a window of them is in the page.
    const rows = panel.locator('.jp-Buckets-item');
    await expect(item(panel, 'item-00000.txt')).toBeVisible();
    expect(await rows.count()).toBeLessThan(200);
    const count = panel.locator('.jp-Buckets-count');
    await expect(count).toHaveText('1,000 items loaded, more…');
    await attach(testInfo, 'First page', panel);

    // Scrolling near the end fetches the next page by itself (no button).
    const content = panel.locator('.jp-Buckets-content');
    await content.evaluate(node => (node.scrollTop = node.scrollHeight));
    await expect(count).toHaveText('1,500 items');
    await content.evaluate(node => (node.scrollTop = node.scrollHeight));
    await expect(item(panel, 'item-01499.txt')).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Load more' })).toHaveCount(
      0
    );
  });

  test('keeps exact names for keys with spaces, plus signs and Unicode', async ({
    page
  }, testInfo) => {
    const panel = await openPanel(page);
    await chooseRemote(panel, 'demo-s3');
    await openPath(panel, ['climate-data', 'odd']);
    for (const name of [
      'with space.txt',
      'plus+sign.txt',
      'percent%41.txt',
      'hash#tag.txt',
      'ünïcødé.txt'
    ]) {
      await expect(
        item(panel, name).locator('.jp-Buckets-itemName')
      ).toHaveText(name);
    }
    await attach(testInfo, 'Odd keys', panel);
  });

  test('browses a GCS remote', async ({ page }, testInfo) => {
    const panel = await openPanel(page);
    await chooseRemote(panel, 'demo-gcs');
    await expect(item(panel, 'leap-persistent')).toBeVisible();
    await expect(item(panel, 'leap-scratch')).toBeVisible();
    await openPath(panel, ['leap-persistent', 'cmip6', 'pr']);
    await expect(item(panel, 'pr_day_2020.csv')).toHaveAttribute(
      'data-kind',
      'object'
    );
    await attach(testInfo, 'GCS nested object', panel);
  });

  test('moves with the keyboard like the file browser', async ({ page }) => {
    const panel = await openPanel(page);
    await chooseRemote(panel, 'demo-s3');
    await expect(item(panel, 'climate-data')).toBeVisible();
    await panel.locator('.jp-Buckets-content').focus();
    await page.keyboard.press('ArrowDown');
    await expect(item(panel, 'climate-data')).toHaveClass(/jp-mod-selected/);
    await page.keyboard.press('Enter');
    await expect(item(panel, 'cmip6')).toBeVisible();
  });

  test('says why a remote whose endpoint is down cannot be listed', async ({
    page
  }, testInfo) => {
    const panel = await openPanel(page);
    await chooseRemote(panel, 'unreachable');
    const error = panel.locator('.jp-Buckets-error');
    await expect(error).toBeVisible({ timeout: 30000 });
    await expect(error.locator('.jp-Buckets-errorTitle')).toHaveText(
      "Can't reach the endpoint"
    );
    await expect(error.locator('.jp-Buckets-errorHint')).not.toBeEmpty();
    await expect(error.getByRole('button', { name: 'Retry' })).toBeVisible();
    await attach(testInfo, 'Unreachable endpoint', panel);

    // The other remotes still work from the same panel.
    await chooseRemote(panel, 'demo-s3');
    await expect(error).toHaveCount(0);
    await expect(item(panel, 'climate-data')).toBeVisible();
  });

  test('says the server part is missing instead of showing a blank panel', async ({
    page
  }, testInfo) => {
    // What Jupyter answers when jupyter-buckets' proxy route is not installed.
    await page.route('**/jupyter-buckets/api/v1/**', route =>
      route.fulfill({
        status: 404,
        contentType: 'text/html',
        body: '<html><head><title>404: Not Found</title></head><body>404: Not Found</body></html>'
      })
    );
    await page.reload({ waitForIsReady: true });
    const panel = await openPanel(page);
    const error = panel.locator('.jp-Buckets-error');
    await expect(error).toBeVisible();
    await expect(error).toContainText('not installed');
    await expect(error).toContainText('pip install jupyter-buckets');
    await expect(error.getByRole('button', { name: 'Retry' })).toBeVisible();
    await attach(testInfo, 'Server part missing', panel);
  });

  test('says the server part and the panel come from different releases', async ({
    page
  }) => {
    await page.route('**/jupyter-buckets/api/v1/health*', route =>
      route.fulfill({ json: { status: 'ok', version: '0.0.1' } })
    );
    await page.reload({ waitForIsReady: true });
    const panel = await openPanel(page);
    const error = panel.locator('.jp-Buckets-error');
    await expect(error.locator('.jp-Buckets-errorTitle')).toHaveText(
      'Version mismatch'
    );
    await expect(error).toContainText('server part is version 0.0.1');
    await expect(error).toContainText('restart JupyterLab');
  });

  test('a slow answer for a remote left behind never replaces the current one', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await expect(panel.locator('.jp-Buckets-remotePicker')).toBeEnabled();
    // Hold demo-gcs's bucket list back until demo-s3 has been shown.
    let release: () => void = () => {};
    const held = new Promise<void>(resolve => (release = resolve));
    await page.route('**/api/v1/remotes/demo-gcs/buckets*', async route => {
      await held;
      await route.continue();
    });
    await chooseRemote(panel, 'demo-gcs');
    // The spinner shows while the answer is pending (after a short delay).
    await expect(panel.locator('.jp-Buckets-spinner')).toBeVisible();
    await chooseRemote(panel, 'demo-s3');
    await expect(item(panel, 'climate-data')).toBeVisible();
    const late = page.waitForResponse('**/api/v1/remotes/demo-gcs/buckets*');
    release();
    await late;
    await page.waitForTimeout(300);
    await expect(item(panel, 'leap-persistent')).toHaveCount(0);
    await expect(item(panel, 'climate-data')).toBeVisible();
    await expect(panel.locator('.jp-Buckets-remotePicker')).toHaveValue(
      'demo-s3'
    );
  });

  test('shows config files it could not read as a dismissible warning', async ({
    page
  }) => {
    // The real remotes answer, plus one problem as the sidecar reports a
    // malformed file (the sidecar's own tests cover finding it).
    await page.route(
      /\/jupyter-buckets\/api\/v1\/remotes(\?|$)/,
      async route => {
        const response = await route.fetch();
        const body = await response.json();
        body.problems.push({
          source: 'rclone',
          file: '/home/jovyan/.config/rclone/rclone.conf',
          remote: 'broken',
          message: "line 3: expected 'key = value'"
        });
        await route.fulfill({ response, json: body });
      }
    );
    const panel = await openPanel(page);
    const problem = panel.locator('.jp-Buckets-problem');
    await expect(problem).toContainText(
      '/home/jovyan/.config/rclone/rclone.conf'
    );
    await expect(problem).toContainText("line 3: expected 'key = value'");
    // The remotes that could be read are still there.
    await chooseRemote(panel, 'demo-s3');
    await expect(item(panel, 'climate-data')).toBeVisible();
    await problem.getByRole('button', { name: 'Dismiss' }).click();
    await expect(problem).toHaveCount(0);
  });

  test('README screenshot', async ({ page }, testInfo) => {
    // JupyterLab around the panel, cropped to the left: menu, side tabs, panel.
    await page.setViewportSize({ width: 1100, height: 520 });
    const panel = await openPanel(page);
    await page.sidebar.setWidth(440);
    await chooseRemote(panel, 'demo-s3');
    await openPath(panel, ['climate-data']);
    await expect(item(panel, 'README.md')).toBeVisible();
    // A stable picture: no hover highlight.
    await page.mouse.move(1000, 500);
    const box = (await panel.boundingBox())!;
    const picture = await page.screenshot({
      clip: { x: 0, y: 0, width: box.x + box.width + 8, height: 520 }
    });
    await testInfo.attach('README screenshot', {
      body: picture,
      contentType: 'image/png'
    });
    // docs/ is tracked: rewrite it only when asked (or when it is missing),
    // so that running the tests leaves the work tree clean.
    if (
      process.env.JB_UPDATE_SCREENSHOTS === '1' ||
      !fs.existsSync(README_SCREENSHOT)
    ) {
      fs.writeFileSync(README_SCREENSHOT, picture);
    }
  });
});

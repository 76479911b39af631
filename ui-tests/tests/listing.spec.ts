// A folder of 100,000 objects in the Buckets panel: first rows quickly, a
// virtualized list scrolled to the last key, the server-side filter, range
// selection. The bucket is this test file's own (seeded with s5cmd, deleted
// afterwards); the harness's sample data is never touched.
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { dropBucket, objectName, requireS3Harness, seedBucket } from './s3';

const PANEL_ID = 'jupyter-buckets-panel';
const BUCKET = 'ui-huge-100k';
const COUNT = 100_000;

const name = objectName;

let home = '';

test.beforeAll(() => {
  test.setTimeout(180_000);
  requireS3Harness();
  home = seedBucket(BUCKET, 'big', COUNT);
});

test.afterAll(() => {
  if (home) {
    dropBucket(home, BUCKET);
  }
});

async function openBig(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(PANEL_ID);
  const panel = page.locator(`#${PANEL_ID}`);
  await panel.locator('.jp-Buckets-remotePicker').selectOption('demo-s3');
  for (const step of [BUCKET, 'big']) {
    await panel.locator(`.jp-Buckets-item[data-name="${step}"]`).dblclick();
    await expect(
      panel.locator('.jp-Buckets-breadcrumbs .jp-Buckets-crumb.jp-mod-current')
    ).toHaveText(step);
  }
  return panel;
}

function row(panel: Locator, key: string): Locator {
  return panel.locator(`.jp-Buckets-item[data-key="big/${key}"]`);
}

test.describe('A folder of 100,000 objects', () => {
  test.describe.configure({ timeout: 240_000 });

  test('shows the first rows quickly and scrolls to the last key with a small DOM', async ({
    page
  }) => {
    const panel = await openBig(page);
    const started = Date.now();
    await expect(row(panel, name(0))).toBeVisible();
    // Generous for CI; on loopback the first page takes ~100 ms.
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(row(panel, name(0))).toHaveAttribute('data-kind', 'object');
    const count = panel.locator('.jp-Buckets-count');
    await expect(count).toContainText('items loaded, more');

    const content = panel.locator('.jp-Buckets-content');
    // Keep scrolling to the bottom, as a user holding End would: each time
    // the view nears the last loaded row the next page is fetched.
    const pages = await content.evaluate(async node => {
      const status = node
        .closest('.jp-Buckets-listing')!
        .querySelector('.jp-Buckets-count')!;
      const deadline = Date.now() + 150_000;
      let scrolls = 0;
      while (status.textContent !== '100,000 items' && Date.now() < deadline) {
        node.scrollTop = node.scrollHeight;
        scrolls += 1;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      return scrolls;
    });
    await expect(count).toHaveText('100,000 items');
    expect(pages).toBeGreaterThan(10);
    await content.evaluate(node => (node.scrollTop = node.scrollHeight));
    await expect(row(panel, name(COUNT - 1))).toBeVisible();
    const rows = await panel.locator('.jp-Buckets-item').count();
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(150);

    // End and Home move the keyboard selection across all of it.
    await content.focus();
    await page.keyboard.press('Home');
    await expect(row(panel, name(0))).toHaveClass(/jp-mod-selected/);
    await page.keyboard.press('End');
    await expect(row(panel, name(COUNT - 1))).toHaveClass(/jp-mod-selected/);
  });

  test('the filter asks the server; Escape clears it', async ({ page }) => {
    const panel = await openBig(page);
    await expect(row(panel, name(0))).toBeVisible();
    const request = page.waitForRequest(
      r =>
        r.url().includes('/objects?') && r.url().includes('startsWith=obj-0999')
    );
    const filter = panel.locator('.jp-Buckets-filter');
    await filter.fill('obj-0999');
    await request;
    await expect(panel.locator('.jp-Buckets-item')).toHaveCount(10);
    await expect(row(panel, name(9990))).toBeVisible();
    await expect(panel.locator('.jp-Buckets-count')).toHaveText('10 items');
    await filter.press('Escape');
    await expect(filter).toHaveValue('');
    await expect(panel.locator('.jp-Buckets-count')).toContainText(
      'items loaded, more'
    );
  });

  test('click, shift-click and ctrl-click select, and the count shows it', async ({
    page
  }) => {
    const panel = await openBig(page);
    await row(panel, name(2)).click();
    await row(panel, name(7)).click({ modifiers: ['Shift'] });
    const count = panel.locator('.jp-Buckets-count');
    await expect(count).toContainText('6 selected');
    await expect(panel.locator('.jp-Buckets-item.jp-mod-selected')).toHaveCount(
      6
    );
    await row(panel, name(4)).click({ modifiers: ['ControlOrMeta'] });
    await expect(count).toContainText('5 selected');
    await expect(row(panel, name(4))).not.toHaveClass(/jp-mod-selected/);
    // Shift+ArrowDown extends from the anchor (the ctrl-clicked row).
    await page.keyboard.press('Shift+ArrowDown');
    await expect(count).toContainText('2 selected');
    await page.keyboard.press('ControlOrMeta+a');
    await expect(count).toContainText('selected');
    await expect(row(panel, name(0))).toHaveClass(/jp-mod-selected/);
    // Sorting is offered on the loaded items and says so.
    await panel.locator('.jp-Buckets-header [data-sort="name"]').click();
    await expect(count).toContainText('sorted among loaded items');
  });
});

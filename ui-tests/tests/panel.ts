// Getting around the Buckets panel in the UI tests.
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

export const BUCKETS_ID = 'jupyter-buckets-panel';

/** A row of the Buckets listing, by its name. */
export function item(panel: Locator, name: string): Locator {
  return panel.locator(`.jp-Buckets-item[data-name="${name}"]`);
}

/** The Buckets panel showing `remote`:`bucket`/`folders`. */
export async function browse(
  page: IJupyterLabPageFixture,
  remote: string,
  bucket: string,
  folders: string[]
): Promise<Locator> {
  await page.sidebar.openTab(BUCKETS_ID);
  const panel = page.locator(`#${BUCKETS_ID}`);
  await panel.locator('.jp-Buckets-remotePicker').selectOption(remote);
  for (const name of [bucket, ...folders]) {
    await item(panel, name).dblclick();
    await expect(
      panel.locator('.jp-Buckets-breadcrumbs .jp-Buckets-crumb.jp-mod-current')
    ).toHaveText(name);
  }
  return panel;
}

/** Right-click `row` and choose `label` in the context menu. */
export async function contextMenu(
  page: Page,
  row: Locator,
  label: string
): Promise<void> {
  await row.click({ button: 'right' });
  await page
    .locator('.lm-Menu .lm-Menu-item')
    .filter({
      has: page.locator('.lm-Menu-itemLabel', {
        hasText: new RegExp(`^${label}$`)
      })
    })
    .click();
}

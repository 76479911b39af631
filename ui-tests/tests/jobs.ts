// Getting around the file browser and the Transfers panel in the UI tests:
// rows, jobs, drags between the panels and the "Copy to Bucket…" dialog.
import { expect } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

export const TRANSFERS_ID = 'jupyter-buckets-transfers';

/** A row of JupyterLab's own file browser, by its exact name. */
export function fileRow(page: Page, name: string): Locator {
  return page.locator('#filebrowser .jp-DirListing-item').filter({
    has: page.locator('.jp-DirListing-itemText', {
      hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
    })
  });
}

/** The job of the Transfers panel whose destination reads `dst`. */
export function job(page: Page, dst: string): Locator {
  return page.locator(`#${TRANSFERS_ID} .jp-Transfers-job`).filter({
    has: page.locator('.jp-Transfers-dst', { hasText: new RegExp(`^${dst}$`) })
  });
}

/** The delete job of the Transfers panel whose source reads `src`. */
export function deleteJob(page: Page, src: string): Locator {
  return page
    .locator(`#${TRANSFERS_ID} .jp-Transfers-job`)
    .filter({ has: page.locator('.jp-Transfers-op', { hasText: /^Delete$/ }) })
    .filter({
      has: page.locator('.jp-Transfers-src', {
        hasText: new RegExp(`^${src}$`)
      })
    });
}

async function center(target: Locator): Promise<{ x: number; y: number }> {
  const box = await target.boundingBox();
  if (!box) {
    throw new Error('The drag end is not visible');
  }
  return { x: box.x + box.width / 2, y: box.y + Math.min(box.height / 2, 12) };
}

/**
 * Drag `source` and drop it on `target`. On the way it rests on `tab`, the
 * sidebar tab of the panel that holds `target`: the file browser and the
 * Buckets panel share the left sidebar, and resting there opens it.
 */
export async function dragVia(
  page: Page,
  source: Locator,
  tab: Locator,
  target: () => Locator
): Promise<void> {
  const from = await center(source);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 12, from.y + 12, { steps: 4 });
  const over = await center(tab);
  await page.mouse.move(over.x, over.y, { steps: 10 });
  await expect(target()).toBeVisible();
  const to = await center(target());
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

export function sideTab(page: Page, id: string): Locator {
  return page.locator(`.jp-SideBar .lm-TabBar-tab[data-id="${id}"]`);
}

/** The Jupyter root on disk (the page config says it), to write a large file fast. */
export async function jupyterRoot(page: Page): Promise<string> {
  const config = await page.locator('#jupyter-config-data').textContent();
  return (JSON.parse(config ?? '{}') as { serverRoot: string }).serverRoot;
}

/** Fill the "Copy to bucket…" dialog and accept it. */
export async function chooseDestination(
  page: Page,
  remote: string,
  bucket: string,
  folder: string
): Promise<void> {
  const dialog = page.locator('.jp-Dialog .jp-Buckets-destination');
  await dialog.locator('select[name="remote"]').selectOption(remote);
  await dialog.locator('input[name="bucket"]').fill(bucket);
  await dialog.locator('input[name="path"]').fill(folder);
  await expect(dialog.locator('.jp-Buckets-destinationPreview')).toHaveText(
    `${remote}:${bucket}/${folder}`
  );
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  // Gone (a question about files at the destination may follow).
  await expect(dialog).toHaveCount(0);
}

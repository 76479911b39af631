// The Buckets panel's Copy to… / Move to… / Sync to… dialog, as the specs
// drive it: find it, and pick a destination in its picker.
import { expect, type Locator, type Page } from '@playwright/test';

/** The transfer dialog, while it is shown. */
export function dialog(page: Page): Locator {
  return page.locator('.jp-Dialog').filter({
    has: page.locator('.jp-Buckets-destination')
  });
}

/** Pick `remote`:`bucket`/`folder` in the open dialog. */
export async function pickBucket(
  page: Page,
  remote: string,
  bucket: string,
  folder: string
): Promise<void> {
  const picker = dialog(page).locator('.jp-Buckets-destination');
  await picker.locator('select[name="remote"]').selectOption(remote);
  await picker.locator('input[name="bucket"]').fill(bucket);
  await picker.locator('input[name="path"]').fill(folder);
  await expect(picker.locator('.jp-Buckets-destinationPreview')).toHaveText(
    `${remote}:${bucket}/${folder}`
  );
}

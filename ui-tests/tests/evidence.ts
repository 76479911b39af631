// What the UI tests keep and check beyond the DOM: screenshots attached to
// the report, and what the page left in the browser's storage.
import type { Locator, Page, TestInfo } from '@playwright/test';

/** A screenshot of `target` in the test's report. */
export async function attach(
  testInfo: TestInfo,
  name: string,
  target: Locator
): Promise<void> {
  await testInfo.attach(name, {
    body: await target.screenshot(),
    contentType: 'image/png'
  });
}

/** Whether localStorage or sessionStorage holds `text`, in a key or a value. */
export function storedInBrowser(page: Page, text: string): Promise<boolean> {
  return page.evaluate(s => {
    const stored = [localStorage, sessionStorage].map(store =>
      Object.keys(store)
        .map(k => `${k}=${store.getItem(k)}`)
        .join('\n')
    );
    return stored.join('\n').includes(s);
  }, text);
}

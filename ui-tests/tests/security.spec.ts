// A bucket anyone can write to must not be a way into the Jupyter of whoever
// reads it (docs/security.md). Tried in Chromium, as the attacker would: a
// notebook whose outputs claim to be trusted, and HTML/SVG objects opened by
// their URL under the Jupyter origin. The sign of a successful attack is a
// mark the attacker's script leaves in the page or in the origin's
// localStorage; none may appear.
import { expect, test } from '@jupyterlab/galata';

import { browse, item } from './panel';
import { aws, put, useDemoBucket } from './s3';

const RUN = `ui-security-${Date.now().toString(36)}`;
useDemoBucket(RUN);

const MARK = 'jbPwned';

/** A notebook as an attacker writes it: trusted claims and a forged signature. */
function forgedNotebook(): string {
  const script = `localStorage.setItem('${MARK}', 'script'); window.${MARK} = 'script';`;
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      signature:
        'sha256:0000000000000000000000000000000000000000000000000000000000000000',
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    cells: [
      {
        cell_type: 'code',
        execution_count: 1,
        id: 'forged',
        metadata: { trusted: true },
        source: ['print("hello")'],
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'text/html': [
                '<b id="forged-output">forged output</b>',
                `<img src="data:," onerror="${script}">`,
                `<script>${script}</script>`
              ],
              'text/plain': ['forged output']
            }
          },
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'application/javascript': [script] }
          }
        ]
      },
      {
        cell_type: 'markdown',
        id: 'forged-md',
        metadata: { trusted: true },
        source: [`<img src="data:," onerror="${script}"> markdown`]
      }
    ]
  });
}

test('a notebook from a bucket renders its outputs untrusted, whatever it claims', async ({
  page
}) => {
  put(`${RUN}/forged.ipynb`, forgedNotebook());
  const panel = await browse(page, 'demo-s3', 'climate-data', [RUN]);
  await item(panel, 'forged.ipynb').dblclick();
  const notebook = page.locator('.jp-NotebookPanel').last();
  // The output is there, sanitized: the bold text stays, the handlers go.
  await expect(
    notebook.locator('#forged-output, b:has-text("forged output")').first()
  ).toBeVisible();
  await expect(notebook.locator('.jp-Cell').nth(1)).toContainText('markdown');
  // Give any script that slipped through the time to run.
  await page.waitForTimeout(1500);
  expect(
    await page.evaluate(
      mark => (window as unknown as Record<string, unknown>)[mark],
      MARK
    )
  ).toBeUndefined();
  expect(
    await page.evaluate(mark => localStorage.getItem(mark), MARK)
  ).toBeNull();
});

test('HTML and SVG objects opened by URL never run in the Jupyter origin', async ({
  page,
  baseURL
}) => {
  const script = `localStorage.setItem('${MARK}', location.href)`;
  const objects: [string, string, string][] = [
    [
      'page.html',
      'text/html',
      `<html><body><script>${script}</script>page</body></html>`
    ],
    [
      'drawing.svg',
      'image/svg+xml',
      `<svg xmlns="http://www.w3.org/2000/svg" onload="${script}"><circle r="5"/></svg>`
    ],
    ['notes.txt', 'text/plain', `<script>${script}</script> plain text`],
    // A type the attacker lies about: bytes are HTML, the claim is text.
    ['lie.csv', 'text/csv', `<html><script>${script}</script></html>`]
  ];
  for (const [name, type, body] of objects) {
    aws(
      [
        's3',
        'cp',
        '-',
        `s3://climate-data/${RUN}/${name}`,
        '--content-type',
        type
      ],
      body
    );
  }
  await page.evaluate(mark => localStorage.removeItem(mark), MARK);
  for (const [name] of objects) {
    const url = `${baseURL}/jupyter-buckets/api/v1/remotes/demo-s3/buckets/climate-data/content?key=${encodeURIComponent(`${RUN}/${name}`)}`;
    const tab = await page.context().newPage();
    // An attachment starts a download instead of a page (goto then fails):
    // both outcomes are fine, a rendered page must not run the script.
    await tab.goto(url).catch(() => undefined);
    await tab.waitForTimeout(1000);
    await tab.close();
  }
  expect(
    await page.evaluate(mark => localStorage.getItem(mark), MARK)
  ).toBeNull();
});

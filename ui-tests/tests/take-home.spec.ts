// "Use on my computer" in a real JupyterLab: the credentials panel asks the
// sidecar for temporary keys (SeaweedFS's STS), shows their reach and expiry
// and one snippet per tool; the snippets, run as pasted on a "laptop" (a
// fresh HOME), reach the bucket with the real AWS CLI and rclone. The
// remote's own secret appears only after a confirmation.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { attach, storedInBrowser } from './evidence';

const BUCKETS_ID = 'jupyter-buckets-panel';
const BIN = path.resolve(__dirname, '..', '..', '.venv', 'bin');

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the UI tests through the servers harness.`
    );
  }
  return value;
}

/** A computer that has never seen this hub: its own HOME, none of the hub's settings. */
function laptop(): { env: NodeJS.ProcessEnv; home: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-laptop-'));
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(AWS_|RCLONE_|GOOGLE_|CLOUDSDK_|JB_|JUPYTER)/.test(name)
    )
  );
  return {
    home,
    env: {
      ...clean,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`
    }
  };
}

/** A shell snippet as the user pastes it into a terminal. */
function paste(text: string, environment: NodeJS.ProcessEnv): string {
  return execFileSync('bash', ['-e', '-c', text], {
    env: environment,
    encoding: 'utf-8',
    timeout: 60000
  });
}

async function openDetail(
  page: IJupyterLabPageFixture,
  remote: string
): Promise<Locator> {
  await page.sidebar.openTab(BUCKETS_ID);
  const buckets = page.locator(`#${BUCKETS_ID}`);
  await buckets.locator('.jp-Buckets-manageRemotes').click();
  const panel = page.locator('#jupyter-buckets-credentials');
  const button = panel.locator(`.jp-Credentials-remote[data-name="${remote}"]`);
  await expect(button).toBeVisible();
  await button.click();
  const detail = panel.locator('.jp-Credentials-detail');
  await expect(detail).toHaveAttribute('data-remote', remote);
  return detail;
}

test.describe('Use on my computer', () => {
  test('temporary keys for one bucket, pasted on a laptop, reach it with the AWS CLI and rclone', async ({
    page
  }, testInfo) => {
    const detail = await openDetail(page, 'demo-s3');
    await detail.getByRole('button', { name: 'Use on my computer' }).click();
    const view = detail.locator('.jp-Credentials-takeHome');
    const summary = view.locator('.jp-Credentials-takeHomeSummary');
    // Opened without a bucket: keys for what the hub's key reaches.
    await expect(summary).toHaveAttribute('data-kind', 'temporary');
    await expect(summary).toContainText(
      "everything the hub's credentials reach"
    );

    await view.getByLabel('Bucket or folder').fill('climate-data');
    await view.getByRole('button', { name: 'Make new credentials' }).click();
    await expect(summary).toHaveText(
      /^Temporary keys for climate-data only, read and write, valid until .* \(in (59|60) min\)\.$/
    );
    const snippets = view.locator('.jp-Credentials-snippet');
    await expect(snippets).toHaveCount(3);
    await expect(
      view.locator('.jp-Credentials-snippet[data-tool="aws-cli"] code')
    ).toContainText('aws s3 ls s3://climate-data --profile demo-s3');
    // Never the hub's own secret without asking.
    await expect(view).not.toContainText(env('JB_TEST_S3_SECRET_KEY'));
    await attach(testInfo, 'Use on my computer: temporary keys', view);

    const machine = laptop();
    try {
      for (const tool of ['aws-cli', 'rclone']) {
        const text = await view
          .locator(`.jp-Credentials-snippet[data-tool="${tool}"] code`)
          .textContent();
        expect(paste(text ?? '', machine.env)).toContain('README.md');
      }
      // The keys reach that bucket only.
      expect(() =>
        paste(
          'echo hi | aws s3 cp - s3://scratch/laptop.txt --profile demo-s3',
          machine.env
        )
      ).toThrow(/AccessDenied/);
    } finally {
      fs.rmSync(machine.home, { recursive: true, force: true });
    }

    // Read only: the summary says so.
    await view.getByLabel('Read only').check();
    await view.getByRole('button', { name: 'Make new credentials' }).click();
    await expect(summary).toContainText('climate-data only, read-only');
  });

  test("the remote's own secret only after a confirmation", async ({
    page
  }, testInfo) => {
    const secret = env('JB_TEST_S3_SECRET_KEY');
    const detail = await openDetail(page, 'demo-s3');
    await detail.getByRole('button', { name: 'Use on my computer' }).click();
    const view = detail.locator('.jp-Credentials-takeHome');
    await expect(
      view.locator('.jp-Credentials-takeHomeSummary')
    ).toHaveAttribute('data-kind', 'temporary');
    const reveal = view.getByRole('button', {
      name: 'Show the saved secret instead…'
    });

    await reveal.click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('long-lived secret');
    await attach(testInfo, 'Confirmation before the secret', dialog);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(view).not.toContainText(secret);

    await reveal.click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Show the secret' })
      .click();
    await expect(
      view.locator('.jp-Credentials-takeHomeSummary')
    ).toHaveAttribute('data-kind', 'saved');
    await expect(
      view.locator('.jp-Credentials-snippet[data-tool="fsspec"] code')
    ).toContainText(secret);
    // Shown, not kept: nothing in the browser's storage.
    expect(await storedInBrowser(page, secret)).toBe(false);
  });

  test('a public GCS bucket needs no credentials', async ({ page }) => {
    const detail = await openDetail(page, 'demo-gcs');
    await detail.getByRole('button', { name: 'Use on my computer' }).click();
    const view = detail.locator('.jp-Credentials-takeHome');
    await expect(view.locator('.jp-Credentials-takeHomeSummary')).toHaveText(
      'A public bucket: no credentials are needed.'
    );
    await expect(view.locator('.jp-Credentials-snippet')).toHaveCount(2);
    await expect(view.locator('.jp-Credentials-takeHomeSaved')).toHaveCount(0);
    await expect(view.getByLabel('Valid for')).toHaveCount(0);
  });
});

// The credentials panel in a real JupyterLab against the real sidecar: a
// remote added once in the panel works in rclone, the AWS CLI, fsspec and the
// Buckets panel; bad input writes nothing. The config files are the
// harness's (scripts/servers.py), shared with the other suites of `make
// test`: every byte this file changes is put back, even when a test fails.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { attach, storedInBrowser } from './evidence';

const BUCKETS_ID = 'jupyter-buckets-panel';
const NEW_REMOTE = 'ui-made';
const BIN = path.resolve(__dirname, '..', '..', '.venv', 'bin');

/** The harness's config files, read before the tests and restored after. */
const CONFIG_VARS = [
  'RCLONE_CONFIG',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE'
] as const;
const snapshot = new Map<string, Buffer>();

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the UI tests through the servers harness, ` +
        '`.venv/bin/python scripts/servers.py run -- npm run test --workspace=@jupyter-buckets/ui-tests`.'
    );
  }
  return value;
}

function configBytes(): Record<string, string> {
  return Object.fromEntries(
    CONFIG_VARS.map(name => [name, fs.readFileSync(env(name)).toString('hex')])
  );
}

test.beforeAll(() => {
  for (const name of [
    'JB_TEST_S3_ENDPOINT',
    'JB_TEST_S3_ACCESS_KEY',
    'JB_TEST_S3_SECRET_KEY',
    ...CONFIG_VARS
  ]) {
    env(name);
  }
  for (const name of CONFIG_VARS) {
    snapshot.set(name, fs.readFileSync(env(name)));
  }
});

test.afterAll(() => {
  // Whatever happened, the next suite sees the files as the harness wrote them.
  for (const [name, bytes] of snapshot) {
    const file = env(name);
    if (!fs.readFileSync(file).equals(bytes)) {
      fs.writeFileSync(file, bytes);
    }
  }
});

async function openCredentials(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(BUCKETS_ID);
  const buckets = page.locator(`#${BUCKETS_ID}`);
  await expect(buckets).toBeVisible();
  await buckets.locator('.jp-Buckets-manageRemotes').click();
  const panel = page.locator('#jupyter-buckets-credentials');
  await expect(panel).toBeVisible();
  // The list fills once the Buckets model has loaded the remotes.
  await expect(remoteButton(panel, 'demo-s3')).toBeVisible();
  return panel;
}

function remoteButton(panel: Locator, name: string): Locator {
  return panel.locator(`.jp-Credentials-remote[data-name="${name}"]`);
}

function field(panel: Locator, name: string): Locator {
  return panel.locator(`.jp-Credentials-field[data-field="${name}"]`);
}

async function startForm(panel: Locator, preset: string): Promise<Locator> {
  await panel.getByRole('button', { name: 'Add remote' }).click();
  await panel
    .locator(`.jp-Credentials-preset[data-preset="${preset}"]`)
    .click();
  const form = panel.locator('.jp-Credentials-form');
  await expect(form).toBeVisible();
  return form;
}

/** Fill the S3-compatible form with the harness's endpoint and keys. */
async function fillS3Compatible(
  form: Locator,
  values: { name: string; endpoint?: string; secret?: string }
): Promise<void> {
  await form.getByLabel('Name', { exact: true }).fill(values.name);
  await form
    .getByLabel('Endpoint', { exact: true })
    .fill(values.endpoint ?? env('JB_TEST_S3_ENDPOINT'));
  await form.getByLabel('Region', { exact: true }).fill('us-east-1');
  await form
    .getByLabel('Access key ID', { exact: true })
    .fill(env('JB_TEST_S3_ACCESS_KEY'));
  await form
    .getByLabel('Secret access key', { exact: true })
    .fill(values.secret ?? env('JB_TEST_S3_SECRET_KEY'));
}

/** Run one of the user's own tools with the harness's environment. */
function run(tool: string, args: string[]): string {
  return execFileSync(path.join(BIN, tool), args, {
    env: process.env,
    encoding: 'utf-8',
    timeout: 60000
  });
}

/** Add INI text to one of the harness's files (restored in afterAll). */
function append(variable: (typeof CONFIG_VARS)[number], text: string): void {
  const file = env(variable);
  const current = fs.readFileSync(file, 'utf-8');
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  fs.writeFileSync(file, `${current}${separator}\n${text}`);
}

function restoreConfig(): void {
  for (const [name, bytes] of snapshot) {
    fs.writeFileSync(env(name), bytes);
  }
}

test.describe('Credentials panel', () => {
  test('lists the demo remotes with where they come from', async ({
    page
  }, testInfo) => {
    const panel = await openCredentials(page);
    const s3 = remoteButton(panel, 'demo-s3');
    await expect(s3.locator('[data-source]')).toHaveAttribute(
      'data-source',
      'both'
    );
    await expect(s3).toContainText('AWS + rclone');
    await expect(
      remoteButton(panel, 'demo-gcs').locator('[data-source="rclone"]')
    ).toBeVisible();
    await expect(
      remoteButton(panel, 'unreachable').locator('[data-source="aws"]')
    ).toBeVisible();

    // The details of a remote: where it points and the files it lives in.
    await s3.click();
    const detail = panel.locator('.jp-Credentials-detail');
    await expect(detail).toHaveAttribute('data-remote', 'demo-s3');
    await expect(detail).toContainText(env('JB_TEST_S3_ENDPOINT'));
    await expect(detail).toContainText(env('RCLONE_CONFIG'));
    await expect(detail).toContainText(env('AWS_SHARED_CREDENTIALS_FILE'));
    // Never a secret: only its masked hint.
    await expect(detail).not.toContainText(env('JB_TEST_S3_SECRET_KEY'));
    await attach(testInfo, 'Remotes and demo-s3', panel);
    await page.theme.setDarkTheme();
    await attach(testInfo, 'Remotes and demo-s3, dark theme', panel);
    await page.theme.setLightTheme();

    // Also in the command palette.
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('jupyter-buckets:manage-remotes')
    );
    await expect(page.locator('#jupyter-buckets-credentials')).toHaveCount(1);
  });

  test('adds an S3-compatible remote that rclone, the AWS CLI and fsspec use unchanged', async ({
    page
  }, testInfo) => {
    const panel = await openCredentials(page);
    const form = await startForm(panel, 's3-compatible');
    await fillS3Compatible(form, { name: NEW_REMOTE });
    await form.getByRole('button', { name: 'Add bookmark' }).click();
    await form
      .getByLabel('Bookmark 1', { exact: true })
      .fill('climate-data/cmip6/');

    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.locator('.jp-Credentials-ok')).toHaveText(
      /Connected: 2 buckets/
    );
    await attach(testInfo, 'Tested form', panel);

    await form.getByRole('button', { name: 'Save' }).click();
    const detail = panel.locator('.jp-Credentials-detail');
    await expect(detail).toHaveAttribute('data-remote', NEW_REMOTE);
    await expect(remoteButton(panel, NEW_REMOTE)).toBeVisible();
    await expect(
      remoteButton(panel, NEW_REMOTE).locator('[data-source]').first()
    ).toHaveAttribute('data-source', 'both');
    // The secret is gone from the page once saved.
    const secret = env('JB_TEST_S3_SECRET_KEY');
    expect(
      await page.evaluate(
        s =>
          Array.from(document.querySelectorAll('input')).some(
            i => i.value === s
          ),
        secret
      )
    ).toBe(false);
    // Nor kept in the browser's storage.
    expect(await storedInBrowser(page, secret)).toBe(false);
    await attach(testInfo, 'Saved remote', panel);

    // The user's own tools, with no other configuration than the files.
    const rclone = JSON.parse(
      run('rclone', ['lsjson', `${NEW_REMOTE}:climate-data`])
    ) as { Name: string }[];
    expect(rclone.map(e => e.Name)).toContain('README.md');
    expect(
      run('aws', ['s3', 'ls', 's3://climate-data', '--profile', NEW_REMOTE])
    ).toContain('README.md');
    expect(
      run('python', [
        '-c',
        `import fsspec; print(fsspec.filesystem('s3', profile='${NEW_REMOTE}').ls('climate-data'))`
      ])
    ).toContain('climate-data/README.md');

    // The Buckets panel knows it too, with its bookmark pinned first.
    await page.sidebar.openTab(BUCKETS_ID);
    const buckets = page.locator(`#${BUCKETS_ID}`);
    await buckets.locator('.jp-Buckets-remotePicker').selectOption(NEW_REMOTE);
    await expect(
      buckets.locator('.jp-Buckets-item[data-name="climate-data"]')
    ).toBeVisible();
    const bookmark = buckets.locator('.jp-Buckets-item.jp-mod-bookmark');
    await expect(bookmark).toHaveAttribute('data-path', 'climate-data/cmip6/');
    await expect(buckets.locator('.jp-Buckets-item').first()).toHaveAttribute(
      'data-kind',
      'bookmark'
    );
    await attach(testInfo, 'Bookmark in the Buckets panel', buckets);
    await bookmark.click();
    await expect(
      buckets.locator('.jp-Buckets-item[data-name="tas"]')
    ).toBeVisible();

    // Delete: the dialog names both files; afterwards neither has it.
    await page.activity.activateTab('jupyter-buckets-credentials');
    await remoteButton(panel, NEW_REMOTE).click();
    await expect(detail).toHaveAttribute('data-remote', NEW_REMOTE);
    await detail.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(env('RCLONE_CONFIG'));
    await expect(dialog).toContainText(env('AWS_SHARED_CREDENTIALS_FILE'));
    await attach(testInfo, 'Delete confirmation', dialog);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(remoteButton(panel, NEW_REMOTE)).toHaveCount(0);
    for (const name of CONFIG_VARS) {
      expect(fs.readFileSync(env(name), 'utf-8')).not.toContain(NEW_REMOTE);
    }
    // The demo remotes are untouched.
    await expect(remoteButton(panel, 'demo-s3')).toBeVisible();
  });

  test('highlights a bad field and writes nothing', async ({
    page
  }, testInfo) => {
    const panel = await openCredentials(page);
    const before = configBytes();
    const form = await startForm(panel, 's3-compatible');

    await fillS3Compatible(form, { name: 'has space' });
    await form.getByRole('button', { name: 'Save' }).click();
    const name = field(form, 'name');
    await expect(name).toHaveClass(/jp-mod-invalid/);
    await expect(name.locator('.jp-Credentials-fieldError')).not.toBeEmpty();
    await expect(form.getByLabel('Name', { exact: true })).toBeFocused();
    await attach(testInfo, 'Invalid name', panel);
    // Nothing is lost from the form.
    await expect(form.getByLabel('Secret access key')).toHaveValue(
      env('JB_TEST_S3_SECRET_KEY')
    );

    await form.getByLabel('Name', { exact: true }).fill('bad-endpoint');
    await form
      .getByLabel('Endpoint', { exact: true })
      .fill(env('JB_TEST_S3_ENDPOINT').replace(/^https?:\/\//, ''));
    await form.getByLabel('Endpoint', { exact: true }).press('Enter');
    const endpoint = field(form, 'endpoint');
    await expect(endpoint).toHaveClass(/jp-mod-invalid/);
    await expect(name).not.toHaveClass(/jp-mod-invalid/);
    await expect(form.getByLabel('Endpoint', { exact: true })).toBeFocused();
    await attach(testInfo, 'Endpoint without scheme', panel);

    expect(configBytes()).toEqual(before);
    await expect(remoteButton(panel, 'bad-endpoint')).toHaveCount(0);

    // Escape leaves the form.
    await form.getByLabel('Name', { exact: true }).press('Escape');
    await expect(form).toHaveCount(0);
  });

  test('an endpoint carrying an invisible line break is refused and writes nothing', async ({
    page
  }, testInfo) => {
    const panel = await openCredentials(page);
    const before = configBytes();
    const form = await startForm(panel, 's3-compatible');
    const endpoint = field(form, 'endpoint');
    // A text input drops '\n' and '\r' but keeps these: written as typed,
    // they would start a `[profile evil]` for tools that break lines there.
    for (const bad of ['\u2028', '\u0085']) {
      const code = `U+${bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      await fillS3Compatible(form, {
        name: 'ui-injected',
        endpoint: `${env('JB_TEST_S3_ENDPOINT')}/x${bad}[profile evil]${bad}credential_process = touch /tmp/pwned`
      });
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(endpoint).toHaveClass(/jp-mod-invalid/);
      await expect(
        endpoint.locator('.jp-Credentials-fieldError')
      ).toContainText(`line break or control character (${code}`);
      await expect(form.getByLabel('Endpoint', { exact: true })).toBeFocused();
      expect(configBytes()).toEqual(before);
    }
    await attach(testInfo, 'Endpoint with a line separator', panel);
    await expect(remoteButton(panel, 'ui-injected')).toHaveCount(0);
    for (const name of CONFIG_VARS) {
      expect(fs.readFileSync(env(name), 'utf-8')).not.toContain(
        '[profile evil]'
      );
    }
  });

  test('a wrong secret gets advice about the secret key', async ({
    page
  }, testInfo) => {
    const panel = await openCredentials(page);
    const before = configBytes();
    const form = await startForm(panel, 's3-compatible');
    await fillS3Compatible(form, {
      name: 'wrong-secret',
      secret: 'not-the-secret-at-all'
    });
    await form.getByRole('button', { name: 'Test connection' }).click();
    const result = form.locator(
      '.jp-Credentials-testResult .jp-Credentials-error'
    );
    await expect(result).toBeVisible({ timeout: 30000 });
    await expect(result).toContainText(/secret/i);
    await expect(result).not.toContainText('not-the-secret-at-all');
    await attach(testInfo, 'Wrong secret', panel);
    // Testing writes nothing.
    expect(configBytes()).toEqual(before);
  });

  test('shows how the AWS and rclone copies differ and makes them agree', async ({
    page
  }, testInfo) => {
    // A remote whose two copies disagree on the region, and one only in AWS,
    // written the way a user's own hands would.
    const endpoint = env('JB_TEST_S3_ENDPOINT');
    const key = env('JB_TEST_S3_ACCESS_KEY');
    const secret = env('JB_TEST_S3_SECRET_KEY');
    try {
      append(
        'AWS_SHARED_CREDENTIALS_FILE',
        `[ui-diff]\naws_access_key_id = ${key}\naws_secret_access_key = ${secret}\n\n` +
          `[ui-aws-only]\naws_access_key_id = ${key}\naws_secret_access_key = ${secret}\n`
      );
      append(
        'AWS_CONFIG_FILE',
        `[profile ui-diff]\nendpoint_url = ${endpoint}\nregion = us-east-1\n\n` +
          `[profile ui-aws-only]\nendpoint_url = ${endpoint}\nregion = us-east-1\n`
      );
      append(
        'RCLONE_CONFIG',
        `[ui-diff]\ntype = s3\nprovider = Other\nendpoint = ${endpoint}\n` +
          `access_key_id = ${key}\nsecret_access_key = ${secret}\nregion = eu-west-1\n`
      );
      const panel = await openCredentials(page);
      const diff = remoteButton(panel, 'ui-diff');
      await expect(diff.locator('[data-source="differs"]')).toBeVisible();

      await diff.click();
      const detail = panel.locator('.jp-Credentials-detail');
      await expect(detail).toHaveAttribute('data-remote', 'ui-diff');
      const row = detail.locator(
        '.jp-Credentials-differences tr[data-field="region"]'
      );
      await expect(row).toContainText('us-east-1');
      await expect(row).toContainText('eu-west-1');
      await expect(detail).not.toContainText(secret);
      await attach(testInfo, 'Differing copies', panel);

      await detail.getByRole('button', { name: 'Use the AWS profile' }).click();
      await expect(detail.locator('.jp-Credentials-differences')).toHaveCount(
        0
      );
      await expect(diff.locator('[data-source="differs"]')).toHaveCount(0);
      expect(fs.readFileSync(env('RCLONE_CONFIG'), 'utf-8')).not.toContain(
        'eu-west-1'
      );

      // A remote only the AWS tools know: one click gives rclone a copy.
      const awsOnly = remoteButton(panel, 'ui-aws-only');
      await expect(awsOnly.locator('[data-source="aws"]')).toBeVisible();
      await awsOnly.click();
      await expect(detail).toHaveAttribute('data-remote', 'ui-aws-only');
      await detail
        .getByRole('button', { name: 'Also save as rclone remote' })
        .click();
      await expect(awsOnly.locator('[data-source="both"]')).toBeVisible();
      const listed = JSON.parse(
        run('rclone', ['lsjson', 'ui-aws-only:climate-data'])
      ) as { Name: string }[];
      expect(listed.map(e => e.Name)).toContain('README.md');
    } finally {
      restoreConfig();
    }
  });
});

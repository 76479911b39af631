// UI tests in a real JupyterLab (with jupyter-buckets installed) and Debian's
// Chromium: no browser is ever downloaded. Run inside scripts/servers.py so
// the Jupyter server sees the demo remotes (S3 on SeaweedFS, GCS on
// fake-gcs-server).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Not 8888: `make demo` (or a developer's own JupyterLab) may be there, and
// reusing that server would test the wrong thing.
const port = process.env.JB_UI_PORT || '8898';
const baseURL = `http://127.0.0.1:${port}`;

module.exports = {
  ...baseConfig,
  testDir: './tests',
  timeout: 60000,
  expect: { timeout: 15000 },
  retries: 0,
  workers: 1,
  reporter: [[process.env.CI ? 'line' : 'list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    },
    // Video needs a downloaded ffmpeg; traces and screenshots need nothing.
    video: 'off',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  },
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    url: `${baseURL}/lab`,
    reuseExistingServer: !process.env.CI,
    timeout: 120000
  }
};

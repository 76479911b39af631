// The upload benchmark (make bench, never make test): the UI tests' setup
// with the benchmark's own folder, one long test at a time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('./playwright.config');

module.exports = {
  ...config,
  testDir: './bench',
  testMatch: '*.bench.ts',
  timeout: 60 * 60 * 1000,
  reporter: [['line']],
  use: {
    ...config.use,
    // A trace records every request's body: 16 MiB parts made Playwright's
    // driver and Chromium's browser process spend more CPU than the upload
    // itself (profiled). A user's browser records nothing.
    trace: 'off'
  }
};

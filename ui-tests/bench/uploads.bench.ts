// Uploads from the browser, measured (bench/uploads.py runs it inside the
// servers harness): one file of JB_BENCH_UPLOAD_MIB MiB (2048 by default)
// from headless Chromium into S3 and GCS, straight to the store and through
// the sidecar, and JupyterLab's own upload of the
// same file to the Jupyter disk, in one run. For each: MiB/s, the sidecar's
// peak RSS and the browser's (all Chromium processes). A smaller file through
// the sidecar shows whether its memory grows with the size.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';

import { TRANSFERS_ID, jupyterRoot } from '../tests/jobs';
import { browse } from '../tests/panel';
import { aws, put } from '../tests/s3';

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.JB_BENCH_UPLOAD_MIB || 2048);
const SMALL_MIB = Math.max(16, Math.round(SIZE_MIB / 8));
const RUN = `bench-uploads-${Date.now().toString(36)}`;
/**
 * JB_BENCH_UPLOAD_ONLY=s3-direct,jupyterlab runs some scenarios (to profile
 * one); all of them by default: s3-direct, gcs-direct, s3-sidecar, s3-small,
 * gcs-sidecar, jupyterlab.
 */
const ONLY = (process.env.JB_BENCH_UPLOAD_ONLY ?? '')
  .split(',')
  .map(s => s.trim())
  .filter(Boolean);
const wanted = (scenario: string): boolean =>
  ONLY.length === 0 || ONLY.includes(scenario);
const OUT =
  process.env.JB_BENCH_UPLOAD_OUT ||
  path.resolve(__dirname, '..', '..', 'bench', 'results', 'uploads.json');

interface IRow {
  scenario: string;
  mib: number;
  seconds: number;
  mibPerSecond: number;
  sidecarPeakMiB: number | null;
  browserPeakMiB: number;
}

const rows: IRow[] = [];
let dir: string;

function makeFile(name: string, mib: number): string {
  const file = path.join(dir, name);
  // Random bytes (nothing compresses), written once per size.
  execFileSync('head', ['-c', String(mib * MiB), '/dev/urandom'], {
    stdio: ['ignore', fs.openSync(file, 'w'), 'inherit']
  });
  return file;
}

/** Each process's command line, read once: the sampler runs every 100 ms beside the upload it measures. */
const commandLines = new Map<string, string>();

/** Resident memory (MiB) of the processes whose command line matches. */
function rssOf(match: (cmdline: string) => boolean): number | null {
  let kib = 0;
  let found = false;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    try {
      let cmdline = commandLines.get(pid);
      if (cmdline === undefined) {
        cmdline = fs
          .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .replace(/\0/g, ' ');
        commandLines.set(pid, cmdline);
      }
      if (!match(cmdline)) {
        continue;
      }
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      found = true;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found ? kib / 1024 : null;
}

const sidecar = (cmd: string) => cmd.includes('jupyter-buckets.cjs');
const chromium = (cmd: string) => /(^|\/)chromium /.test(cmd);

/** Run `work`, sampling peak RSS of the sidecar and the browser every 100 ms. */
async function measure(
  scenario: string,
  mib: number,
  work: () => Promise<void>
): Promise<void> {
  let sidecarPeak: number | null = null;
  let browserPeak = 0;
  const sample = () => {
    const s = rssOf(sidecar);
    if (s !== null) {
      sidecarPeak = Math.max(sidecarPeak ?? 0, s);
    }
    browserPeak = Math.max(browserPeak, rssOf(chromium) ?? 0);
  };
  const timer = setInterval(sample, 100);
  const started = Date.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const seconds = (Date.now() - started) / 1000;
  sample();
  rows.push({
    scenario,
    mib,
    seconds,
    mibPerSecond: mib / seconds,
    sidecarPeakMiB: sidecarPeak,
    browserPeakMiB: browserPeak
  });
  // Kept as it goes: a scenario that fails leaves the others' figures.
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify({ sizeMiB: SIZE_MIB, rows }, null, 2));
}

async function uploadThroughPanel(
  page: IJupyterLabPageFixture,
  file: string,
  folder: string
): Promise<void> {
  const panel = page.locator('#jupyter-buckets-panel');
  const chooser = page.waitForEvent('filechooser');
  await panel.locator('.jp-Buckets-upload').click();
  await page
    .locator('.jp-Buckets-uploadMenu .lm-Menu-item', {
      hasText: 'Upload Files…'
    })
    .click();
  await (await chooser).setFiles(file);
  const job = page
    .locator(`#${TRANSFERS_ID} .jp-Transfers-job`)
    .filter({
      has: page.locator('.jp-Transfers-dst', {
        hasText: new RegExp(`/${folder}/?$`)
      })
    })
    .first();
  await expect(job).toHaveAttribute('data-state', 'done', {
    timeout: 60 * 60 * 1000
  });
}

// No request interception: galata mocks JupyterLab's settings, state and
// runners with routes, and with any route Playwright pauses every request and
// receives its body over the DevTools protocol (base64, 16 MiB per part). The
// profile showed Chromium's browser process and Playwright's worker spending
// more CPU on that than the upload itself; no user's browser does it.
test.use({
  mockConfig: false,
  mockSettings: false,
  mockState: false,
  mockUser: false,
  kernels: null,
  sessions: null,
  terminals: null
});

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-bench-uploads-'));
});

test.afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  aws(['s3', 'rm', '--recursive', `s3://climate-data/${RUN}/`]);
  execFileSync('rclone', ['purge', `demo-gcs:leap-scratch/${RUN}`]);
  const table = [
    `Uploads from headless Chromium (${SIZE_MIB} MiB file; ratio = MiB/s over JupyterLab's own upload)`,
    '| scenario | MiB | seconds | MiB/s | ratio | sidecar peak RSS MiB | browser peak RSS MiB |',
    '|---|---|---|---|---|---|---|'
  ];
  const own = rows.find(row => row.scenario.startsWith('JupyterLab'));
  for (const row of rows) {
    table.push(
      `| ${row.scenario} | ${row.mib} | ${row.seconds.toFixed(1)} | ${row.mibPerSecond.toFixed(1)} | ${own ? (row.mibPerSecond / own.mibPerSecond).toFixed(2) : 'n/a'} | ${row.sidecarPeakMiB?.toFixed(0) ?? 'n/a'} | ${row.browserPeakMiB.toFixed(0)} |`
    );
  }
  console.log(table.join('\n'));
});

test('uploads from the browser, each path, beside JupyterLab’s own', async ({
  page,
  tmpPath
}) => {
  const big = makeFile('big.bin', SIZE_MIB);
  const small = makeFile('small.bin', SMALL_MIB);

  for (const folder of ['direct', 'sidecar', 'small']) {
    put(`${RUN}/${folder}/.keep`, '');
  }
  for (const folder of ['gcs-direct', 'gcs-sidecar']) {
    execFileSync(
      'rclone',
      ['rcat', `demo-gcs:leap-scratch/${RUN}/${folder}/.keep`],
      { input: '' }
    );
  }

  if (wanted('s3-direct')) {
    await browse(page, 'demo-s3', 'climate-data', [RUN, 'direct']);
    await measure('S3, straight to the store', SIZE_MIB, () =>
      uploadThroughPanel(page, big, 'direct')
    );
  }
  if (wanted('gcs-direct')) {
    await browse(page, 'demo-gcs', 'leap-scratch', [RUN, 'gcs-direct']);
    await measure('GCS, straight to the store', SIZE_MIB, () =>
      uploadThroughPanel(page, big, 'gcs-direct')
    );
  }

  // As after a refused CORS probe: through the sidecar.
  await page.evaluate(() =>
    window.localStorage.setItem(
      'jupyter-buckets:direct-uploads-refused',
      JSON.stringify({ 'demo-s3': Date.now(), 'demo-gcs': Date.now() })
    )
  );
  if (wanted('s3-sidecar')) {
    await browse(page, 'demo-s3', 'climate-data', [RUN, 'sidecar']);
    await measure('S3, through the sidecar', SIZE_MIB, () =>
      uploadThroughPanel(page, big, 'sidecar')
    );
  }
  if (wanted('s3-small')) {
    await browse(page, 'demo-s3', 'climate-data', [RUN, 'small']);
    await measure('S3, through the sidecar (smaller file)', SMALL_MIB, () =>
      uploadThroughPanel(page, small, 'small')
    );
  }
  if (wanted('gcs-sidecar')) {
    await browse(page, 'demo-gcs', 'leap-scratch', [RUN, 'gcs-sidecar']);
    await measure('GCS, through the sidecar', SIZE_MIB, () =>
      uploadThroughPanel(page, big, 'gcs-sidecar')
    );
  }

  // JupyterLab's own: the file browser's Upload, into the Jupyter disk (the
  // folder galata opens it on).
  if (!wanted('jupyterlab')) {
    return;
  }
  const root = path.join(await jupyterRoot(page), tmpPath);
  await page.sidebar.openTab('filebrowser');
  await measure('JupyterLab upload to the Jupyter disk', SIZE_MIB, async () => {
    const chooser = page.waitForEvent('filechooser', { timeout: 30000 });
    await page
      .locator('#filebrowser .jp-Toolbar-item[data-jp-item-name="uploader"]')
      .click();
    await (await chooser).setFiles(big);
    // It asks before a large upload; the answer is yes.
    const warning = page.locator('.jp-Dialog .jp-mod-accept');
    await warning.click({ timeout: 5000 }).catch(() => undefined);
    await expect
      .poll(
        () => {
          try {
            return fs.statSync(path.join(root, 'big.bin')).size;
          } catch {
            return 0;
          }
        },
        { timeout: 60 * 60 * 1000, intervals: [500] }
      )
      .toBe(SIZE_MIB * MiB);
  });
  fs.rmSync(path.join(root, 'big.bin'), { force: true });
});

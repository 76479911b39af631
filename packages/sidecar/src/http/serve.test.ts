// `jupyter-buckets serve` as jupyter-server-proxy runs it: on a unix socket,
// with the secret from the environment, stopping cleanly on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_HEADER } from '@jupyter-buckets/core';
import { call } from '../testing/http.js';
import { tempDir } from '../testing/tempdir.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

test('serve --socket answers with the secret from JUPYTER_BUCKETS_TOKEN and exits 0 on SIGTERM', async () => {
  const dir = tempDir();
  const socketPath = join(dir.path, 'jb.sock');
  const none = join(dir.path, 'none');
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--socket', socketPath],
    {
      env: {
        ...process.env,
        JUPYTER_BUCKETS_TOKEN: 'from-the-proxy',
        AWS_SHARED_CREDENTIALS_FILE: none,
        AWS_CONFIG_FILE: none,
        RCLONE_CONFIG: none
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += String(chunk)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr.on(
        'data',
        () => stderr.includes('listening on') && resolve()
      );
      child.once('exit', code =>
        reject(new Error(`exited with ${code}: ${stderr}`))
      );
    });
    const answer = await call({ socketPath }, '/api/v1/health', {
      headers: { [TOKEN_HEADER]: 'from-the-proxy' }
    });
    assert.equal(answer.status, 200);
    const exited = new Promise<number | null>(resolve =>
      child.once('exit', resolve)
    );
    const started = Date.now();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(Date.now() - started < 3_000, 'took too long to stop');
    assert.ok(!existsSync(socketPath), 'the socket file was left behind');
    // The secret given by the proxy is never echoed.
    assert.ok(!stderr.includes('from-the-proxy'));
  } finally {
    child.kill('SIGKILL');
    dir.remove();
  }
});

test('serve exits when the process that started it dies without a signal', async () => {
  const dir = tempDir();
  const socketPath = join(dir.path, 'jb.sock');
  const none = join(dir.path, 'none');
  // A stand-in for a Jupyter server that is killed with SIGKILL: it starts the
  // sidecar, prints the sidecar's pid, then waits.
  const parent = spawn(
    'sh',
    [
      '-c',
      `"${process.execPath}" "${MAIN}" serve --socket "${socketPath}" & echo $!; wait`
    ],
    {
      env: {
        ...process.env,
        JUPYTER_BUCKETS_TOKEN: 'from-the-proxy',
        AWS_SHARED_CREDENTIALS_FILE: none,
        AWS_CONFIG_FILE: none,
        RCLONE_CONFIG: none
      },
      stdio: ['ignore', 'pipe', 'ignore']
    }
  );
  let sidecarPid = 0;
  try {
    sidecarPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', chunk => resolve(Number(String(chunk))));
      parent.once('exit', code => reject(new Error(`sh exited ${code}`)));
    });
    const alive = (): boolean => {
      try {
        process.kill(sidecarPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // Wait until it is serving, so the watch has started.
    for (let i = 0; i < 100 && !existsSync(socketPath); i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    assert.ok(alive(), 'the sidecar did not start');
    parent.kill('SIGKILL');
    let waited = 0;
    while (alive() && waited < 8_000) {
      await new Promise(resolve => setTimeout(resolve, 100));
      waited += 100;
    }
    assert.ok(!alive(), 'the orphaned sidecar was still running after 8 s');
  } finally {
    parent.kill('SIGKILL');
    if (sidecarPid) {
      try {
        process.kill(sidecarPid, 'SIGKILL');
      } catch {
        // already gone: what the test wants
      }
    }
    dir.remove();
  }
});

// How the CLI starts: the commands' definitions load nothing heavy (each
// action imports what it needs), a provider's SDK loads only for a remote of
// that provider, and the bundle's front door runs it through a code cache
// that is only ever a speed-up. No timings here: bench/ measures. (Remotes
// of each provider: integration/lazy-sdks.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { codeCacheRoot, commandKey } from './code-cache.js';
import { evaluatedModules } from '../testing/evaluated.js';
import { tempDir } from '../testing/tempdir.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const FRONT_DOOR = fileURLToPath(
  new URL(
    '../../../../jupyter_buckets/sidecar/jupyter-buckets.cjs',
    import.meta.url
  )
);
const VERSION = (
  JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  ) as { version: string }
).version;

// Modules a command that does not need them must not load: the HTTP server,
// the providers' SDKs, remote discovery, the transfer engine.
const HEAVY = [
  /\/node_modules\/(express|@aws-sdk|@smithy|@google-cloud|google-auth-library|gaxios)\//,
  /\/lib\/(services|backends\/index|remotes\/discover|remotes\/manager|transfers\/jobs|cli\/serve)\.js$/,
  /\/lib\/http\//
];

// What `ls` of a local folder must not load either: the providers' SDKs
// (and their backends), the HTTP server.
const NOT_FOR_LOCAL = [
  /\/node_modules\/(@aws-sdk|@smithy|@google-cloud|google-auth-library|gaxios|gcp-metadata|undici|express|better-sse)\//,
  /\/lib\/(backends\/(s3|gcs)\/backend|cli\/serve)\.js$/,
  /\/lib\/http\//
];

/** The same, as the bundle names its modules (paths relative to the package). */
const SDK_IN_BUNDLE =
  /(^|\/)node_modules\/(@aws-sdk|@smithy|@google-cloud|google-auth-library|gaxios|express|better-sse)\//;

/** The module URLs `node lib/main.js ...args` loads, through a module hook. */
function loadedModules(...args: string[]): string[] {
  const dir = tempDir();
  try {
    const out = join(dir.path, 'loaded.json');
    const hook = dir.write(
      'hook.mjs',
      [
        "import { registerHooks } from 'node:module';",
        "import { writeFileSync } from 'node:fs';",
        'const seen = [];',
        'registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });',
        `process.on('exit', () => writeFileSync(${JSON.stringify(out)}, JSON.stringify(seen)));`
      ].join('\n')
    );
    const result = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(hook).href, MAIN, ...args],
      { encoding: 'utf8', timeout: 20_000 }
    );
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  } finally {
    dir.remove();
  }
}

for (const args of [['--version'], ['--help'], ['ls', '--help']]) {
  test(`${args.join(' ')} loads no server, provider, discovery or engine`, () => {
    const loaded = loadedModules(...args);
    assert.ok(
      loaded.some(url => url.endsWith('/lib/main.js')),
      'the hook saw nothing'
    );
    const heavy = loaded.filter(url => HEAVY.some(re => re.test(url)));
    assert.deepEqual(heavy, []);
  });
}

test('ls of a local folder loads no provider SDK and no HTTP server', () => {
  const dir = tempDir();
  try {
    dir.write('a.txt', 'a');
    const loaded = loadedModules('ls', dir.path);
    assert.ok(
      loaded.some(url => url.endsWith('/lib/backends/local/backend.js')),
      'the hook saw no local backend'
    );
    const heavy = loaded.filter(url => NOT_FOR_LOCAL.some(re => re.test(url)));
    assert.deepEqual(heavy, []);
  } finally {
    dir.remove();
  }
});

for (const args of [['--version'], ['ls']]) {
  test(`the bundle's ${args[0]} evaluates no provider SDK and no HTTP server`, () => {
    const dir = tempDir();
    try {
      dir.write('a.txt', 'a');
      const run = evaluatedModules(args[0] === 'ls' ? ['ls', dir.path] : args, {
        ...process.env,
        ...cacheEnv(dir.path)
      });
      assert.equal(run.status, 0, run.stderr);
      if (args[0] === 'ls') {
        assert.match(run.stdout, /a\.txt/);
        assert.ok(run.evaluated.includes('lib/backends/local/backend.js'));
      }
      // They are in the bundle, waiting: the check is not empty.
      assert.ok(run.skipped.some(path => SDK_IN_BUNDLE.test(path)));
      assert.deepEqual(
        run.evaluated.filter(path => SDK_IN_BUNDLE.test(path)),
        []
      );
    } finally {
      dir.remove();
    }
  });
}

function frontDoor(
  args: string[],
  env: NodeJS.ProcessEnv
): ReturnType<typeof spawnSync> & { stdout: string; stderr: string } {
  assert.ok(
    existsSync(FRONT_DOOR),
    `${FRONT_DOOR} is missing: run npm run bundle --workspace=@jupyter-buckets/sidecar`
  );
  return spawnSync(process.execPath, [FRONT_DOOR, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env }
  });
}

/** A home and cache folder of the test's own. */
function cacheEnv(home: string): NodeJS.ProcessEnv {
  return { HOME: home, XDG_CACHE_HOME: join(home, 'cache') };
}

function cacheFiles(env: NodeJS.ProcessEnv, home: string): string[] {
  const root = codeCacheRoot(env, process.platform, () => home);
  if (!existsSync(root)) {
    return [];
  }
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name));
}

test('the first run of a command writes its code cache, the next runs use it', () => {
  const dir = tempDir();
  try {
    const env = cacheEnv(dir.path);
    const first = frontDoor(['--version'], env);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.trim(), VERSION);
    const files = cacheFiles(env, dir.path);
    assert.equal(files.length, 1, String(files));
    assert.match(files[0], /-version\.bin$/);
    const written = readFileSync(files[0]);

    const second = frontDoor(['--version'], env);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout.trim(), VERSION);
    assert.deepEqual(readFileSync(files[0]), written, 'a good cache is kept');

    const help = frontDoor(['--help'], env);
    assert.equal(help.status, 0, help.stderr);
    assert.equal(cacheFiles(env, dir.path).length, 2);
  } finally {
    dir.remove();
  }
});

test('a damaged cache file is replaced, and the command still runs', () => {
  const dir = tempDir();
  try {
    const env = cacheEnv(dir.path);
    assert.equal(frontDoor(['--version'], env).status, 0);
    const [file] = cacheFiles(env, dir.path);
    const garbage = randomBytes(4096);
    writeFileSync(file, garbage);
    const result = frontDoor(['--version'], env);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), VERSION);
    assert.equal(result.stderr, '');
    assert.notDeepEqual(readFileSync(file), garbage);
  } finally {
    dir.remove();
  }
});

test('a cache folder that cannot be made changes nothing but the speed', () => {
  const dir = tempDir();
  try {
    // A file where the cache folder should be: unwritable even for root.
    const blocker = dir.write('cache', 'not a folder');
    for (const args of [['--version'], ['--version'], ['--help']]) {
      const result = frontDoor(args, {
        HOME: dir.path,
        XDG_CACHE_HOME: blocker
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '');
    }
    assert.equal(readFileSync(blocker, 'utf8'), 'not a folder');
  } finally {
    dir.remove();
  }
});

test('NODE_DISABLE_COMPILE_CACHE=1 turns the cache off', () => {
  const dir = tempDir();
  try {
    const env = { ...cacheEnv(dir.path), NODE_DISABLE_COMPILE_CACHE: '1' };
    const result = frontDoor(['--version'], env);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), VERSION);
    assert.deepEqual(cacheFiles(env, dir.path), []);
  } finally {
    dir.remove();
  }
});

test('the front door passes output and exit codes through; a failed run writes no cache', () => {
  const dir = tempDir();
  try {
    const env = cacheEnv(dir.path);
    const bytes = randomBytes(100_000);
    const file = join(dir.path, 'data.bin');
    writeFileSync(file, bytes);
    const cat = spawnSync(process.execPath, [FRONT_DOOR, 'cat', file], {
      env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env },
      timeout: 20_000
    });
    assert.equal(cat.status, 0, String(cat.stderr));
    assert.deepEqual(cat.stdout, bytes);

    const missing = frontDoor(['stat', join(dir.path, 'missing')], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^jupyter-buckets: /);
    assert.deepEqual(
      cacheFiles(env, dir.path).filter(f => f.endsWith('-stat.bin')),
      []
    );
  } finally {
    dir.remove();
  }
});

test('caches of other bundles and Node versions go a week after they were written', () => {
  const dir = tempDir();
  try {
    const env = cacheEnv(dir.path);
    assert.equal(frontDoor(['--version'], env).status, 0);
    const [mine] = cacheFiles(env, dir.path);
    const versionDir = dirname(mine);
    const lastMonth = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const oldBundle = join(versionDir, 'deadbeef-00000000-ls.bin');
    const recentBundle = join(versionDir, 'feedface-00000000-ls.bin');
    const oldNode = join(dirname(versionDir), 'v0.0.1-x64');
    writeFileSync(oldBundle, 'old');
    writeFileSync(recentBundle, 'recent');
    mkdirSync(oldNode);
    writeFileSync(join(oldNode, 'deadbeef-00000000-ls.bin'), 'old');
    utimesSync(oldBundle, lastMonth, lastMonth);
    utimesSync(oldNode, lastMonth, lastMonth);

    assert.equal(frontDoor(['--help'], env).status, 0); // writes a cache
    assert.ok(!existsSync(oldBundle));
    assert.ok(!existsSync(oldNode));
    assert.ok(existsSync(recentBundle));
    assert.ok(existsSync(mine));
  } finally {
    dir.remove();
  }
});

test(
  "a cache folder of another user's is neither read nor written",
  { skip: process.getuid?.() !== 0 && 'needs root to give a folder away' },
  () => {
    const dir = tempDir();
    try {
      const env = cacheEnv(dir.path);
      assert.equal(frontDoor(['--version'], env).status, 0);
      const [file] = cacheFiles(env, dir.path);
      chownSync(dirname(file), 12345, 12345);
      writeFileSync(file, randomBytes(4096));
      const planted = readFileSync(file);
      const result = frontDoor(['--version'], env);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), VERSION);
      assert.deepEqual(readFileSync(file), planted);
      assert.equal(frontDoor(['--help'], env).status, 0);
      assert.deepEqual(
        cacheFiles(env, dir.path).map(f => basename(f)),
        [basename(file)]
      );
    } finally {
      dir.remove();
    }
  }
);

test('cache folders follow each platform', () => {
  const home = () => '/home/u';
  assert.equal(
    codeCacheRoot({}, 'linux', home),
    '/home/u/.cache/jupyter-buckets/code-cache'
  );
  assert.equal(
    codeCacheRoot({ XDG_CACHE_HOME: '/xdg' }, 'linux', home),
    '/xdg/jupyter-buckets/code-cache'
  );
  // A relative XDG_CACHE_HOME is invalid: ignored.
  assert.equal(
    codeCacheRoot({ XDG_CACHE_HOME: 'rel' }, 'linux', home),
    '/home/u/.cache/jupyter-buckets/code-cache'
  );
  assert.equal(
    codeCacheRoot({}, 'darwin', home),
    '/home/u/Library/Caches/jupyter-buckets/code-cache'
  );
  assert.match(
    codeCacheRoot({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'),
    /jupyter-buckets[\\/]Cache[\\/]code-cache$/
  );
});

test('a cache file per command, and one for anything else', () => {
  const key = (...args: string[]) => commandKey(['node', 'x', ...args]);
  assert.equal(key('ls', 'a:b'), 'ls');
  assert.equal(key('remotes', 'list'), 'remotes');
  assert.equal(key('--version'), 'version');
  assert.equal(key('-V'), 'version');
  // Help is not the command it is about: it would leave out its work.
  assert.equal(key('ls', '--help'), 'help');
  assert.equal(key('help', 'ls'), 'help');
  assert.equal(key(), 'other');
  assert.equal(key('--remote', 'x', 'ls'), 'other');
  assert.equal(key('../../etc/passwd'), 'other');
  assert.equal(key('a'.repeat(100)), 'other');
});

test('output read by a command that stops early ends the CLI quietly (141)', async () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, 'big.bin');
    writeFileSync(file, randomBytes(8 * 1024 * 1024));
    const child = spawn(process.execPath, [MAIN, 'cat', file], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stderr = '';
    child.stderr.on('data', chunk => (stderr += String(chunk)));
    // What `| head -1` does: read a little, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 141, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
  } finally {
    dir.remove();
  }
});

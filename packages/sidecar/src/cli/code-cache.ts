// Loads the bundle (sidecar.cjs) with a V8 code cache kept in the user's
// cache folder, so that a command starts without parsing ~4.5 MB of
// JavaScript again. Node's own compile cache (module.enableCompileCache)
// saves the code right after compiling, before anything has run, when
// nearly all of the bundle is still uncompiled (V8 compiles a function when
// it is first called); this cache is saved when the first successful run of
// each command exits, so it holds everything that command compiled: the
// remotes, the provider's SDK, the listing. Measured on `ls` of an S3
// folder: about 60 ms less CPU than Node's cache, 15 ms on `--version`.
//
// One cache file per Node build, node flags, bundle content and command
// (`ls`, `cp`, `--version`...); V8 refuses a cache of another V8 or other
// flags and it is then written again. The providers' SDKs load on demand
// (loaded-parts.ts): a run that used one its command's cache was made
// without writes the cache again with it (named `ls+s3.bin`), so the cache
// grows to what the user's runs of that command use. Caches of other bundles and other
// Node versions are deleted a week after they were written (another install
// may still use them: it then writes its own again); a cache folder that is
// not the user's own is not used at all. The cache is only a speed-up: any
// failure (no home folder, a read-only disk, a file where a folder should
// be, a damaged cache file) leaves the bundle compiled as it always was, and
// says nothing. NODE_DISABLE_COMPILE_CACHE=1, Node's switch for its own
// cache, turns this one off too.
import { isAscii } from 'node:buffer';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { constants, Script } from 'node:vm';
import { crc32 } from 'node:zlib';
import { loadedParts } from '../loaded-parts.js';

const APP = 'jupyter-buckets';
const WRAPPER =
  '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_END = '\n});';

/** The platform's per-user cache folder for jupyter-buckets' code caches. */
export function codeCacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: () => string = homedir
): string {
  let base: string;
  if (platform === 'win32' && env.LOCALAPPDATA) {
    base = join(env.LOCALAPPDATA, APP, 'Cache');
  } else if (platform === 'darwin') {
    base = join(home(), 'Library', 'Caches', APP);
  } else {
    // XDG: a relative XDG_CACHE_HOME is invalid and ignored.
    const xdg = env.XDG_CACHE_HOME;
    base = join(xdg && isAbsolute(xdg) ? xdg : join(home(), '.cache'), APP);
  }
  return join(base, 'code-cache');
}

/**
 * The command a cache file is for: `ls`, `cp`, ..., `help` or `other`. The
 * first successful run writes it, so `ls --help` must not stand for `ls`.
 */
export function commandKey(argv: readonly string[]): string {
  const args = argv.slice(2);
  if (args.some(arg => arg === '-h' || arg === '--help' || arg === 'help')) {
    return 'help';
  }
  if (args.some(arg => arg === '-V' || arg === '--version')) {
    return 'version';
  }
  const first = args[0] ?? '';
  return /^[a-z][a-z-]{0,31}$/.test(first) ? first : 'other';
}

/**
 * Create `dir` one level at a time. Node's recursive mkdir spins forever on
 * a parent that exists but refuses children with ENOENT (as /proc does);
 * this one throws instead.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      return;
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) {
      throw error;
    }
    makeDir(parent);
    mkdirSync(dir, { mode: 0o700 });
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

function stale(path: string): boolean {
  return Date.now() - statSync(path).mtimeMs > WEEK_MS;
}

/**
 * Write the cache (atomically: a half-written file is never read), then drop
 * other bundles' caches and other Node versions' folders written over a
 * week ago (not at once: another install may still be using them).
 */
function save(
  dir: string,
  stem: string,
  parts: readonly string[],
  data: Buffer,
  bundleKey: string
): void {
  makeDir(dir);
  const file = join(dir, cacheName(stem, parts));
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, data, { mode: 0o600 });
  renameSync(partial, file);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const covered = partsOf(name, stem)?.every(part => parts.includes(part));
    if (
      (covered && path !== file) ||
      (!name.startsWith(`${bundleKey}-`) && stale(path))
    ) {
      rmSync(path, { force: true });
    }
  }
  const root = dirname(dir);
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (path !== dir && stale(path)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** A cache file's name: its stem, then `+part` for each part it was made with. */
function cacheName(stem: string, parts: readonly string[]): string {
  return `${stem}${parts.map(part => `+${part}`).join('')}.bin`;
}

/** The parts of a cache file named for `stem`; undefined for other files. */
function partsOf(name: string, stem: string): string[] | undefined {
  if (!name.startsWith(stem) || !name.endsWith('.bin')) {
    return undefined;
  }
  const parts = name.slice(stem.length, -'.bin'.length);
  return /^(\+[a-z0-9-]+)*$/.test(parts)
    ? parts.split('+').slice(1)
    : undefined;
}

/** The cache file for `stem` made with the most parts, if any. */
function findCache(
  dir: string,
  stem: string
): { name: string; parts: string[] } | undefined {
  let found: { name: string; parts: string[] } | undefined;
  for (const name of readdirSync(dir).sort()) {
    const parts = partsOf(name, stem);
    if (parts && (!found || parts.length > found.parts.length)) {
      found = { name, parts };
    }
  }
  return found;
}

/** Only our own folder's caches are run: nobody else's code gets in this way. */
function ours(dir: string): boolean {
  const uid = process.getuid?.();
  return uid === undefined || statSync(dir).uid === uid;
}

/**
 * The bundle inside Node's CommonJS wrapper (on the first line, as Node
 * puts it), read straight into one buffer; `bytes` is the file's part.
 */
function readWrapped(bundle: string): { whole: Buffer; bytes: Buffer } {
  const fd = openSync(bundle, 'r');
  try {
    const size = fstatSync(fd).size;
    const whole = Buffer.allocUnsafeSlow(
      WRAPPER.length + size + WRAPPER_END.length
    );
    whole.write(WRAPPER, 0, 'latin1');
    const bytes = whole.subarray(WRAPPER.length, WRAPPER.length + size);
    let done = 0;
    while (done < size) {
      const got = readSync(fd, bytes, done, size - done, done);
      if (got === 0) {
        throw new Error(`${bundle} changed while it was read`);
      }
      done += got;
    }
    whole.write(WRAPPER_END, WRAPPER.length + size, 'latin1');
    if (bytes[0] === 0x23 && bytes[1] === 0x21) {
      bytes.write('//', 0, 'latin1'); // `#!`: same length, positions stay right
    }
    return { whole, bytes };
  } finally {
    closeSync(fd);
  }
}

/** Give a buffer's memory back at once (it is empty afterwards). */
function release(buffer: Buffer): void {
  // Only a buffer with memory of its own: small ones share Node's pool.
  const memory = buffer.buffer as ArrayBuffer & {
    transfer?(length: number): ArrayBuffer; // ES2024: detaches it
  };
  if (buffer.byteOffset === 0 && buffer.length === memory.byteLength) {
    memory.transfer?.(0);
  }
}

export interface ILoadOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Default: codeCacheRoot(env). */
  cacheRoot?: string;
}

/**
 * Run the CommonJS file `bundle` as Node's require would (the same wrapper,
 * filename and require), compiled with and for its code cache.
 */
export function runWithCodeCache(
  bundle: string,
  options: ILoadOptions = {}
): void {
  const env = options.env ?? process.env;
  let script: Script;
  let onExit: ((code: number) => void) | undefined;
  try {
    const { whole, bytes } = readWrapped(bundle);
    // esbuild writes ASCII (the build checks): Latin-1 decodes it exactly
    // and several times faster than UTF-8, into one flat string outside
    // V8's heap that V8 compiles as it is (a string built by concatenation
    // would be copied once more, and kept).
    const source = isAscii(bytes)
      ? whole.toString('latin1')
      : whole.toString('utf8');
    let cached: Buffer | undefined;
    if (!env.NODE_DISABLE_COMPILE_CACHE) {
      const bundleKey = hex(crc32(bytes));
      const flags = hex(crc32(process.execArgv.join('\n')));
      const dir = join(
        options.cacheRoot ?? codeCacheRoot(env),
        `${process.version}-${process.arch}`
      );
      const stem = `${bundleKey}-${flags}-${commandKey(options.argv ?? process.argv)}`;
      let mine = true;
      let cacheParts: string[] = [];
      try {
        mine = ours(dir);
        const found = mine ? findCache(dir, stem) : undefined;
        if (found) {
          cached = readFileSync(join(dir, found.name));
          cacheParts = found.parts;
        }
      } catch {
        // none yet: this run writes it
      }
      const hadCache = cached !== undefined;
      onExit = code => {
        const parts = loadedParts();
        const covered = parts.every(part => cacheParts.includes(part));
        if (
          !mine ||
          code !== 0 ||
          (hadCache && !script.cachedDataRejected && covered)
        ) {
          return;
        }
        try {
          // A cache V8 took holds its code too: the new one has both.
          const all = script.cachedDataRejected
            ? parts
            : [...new Set([...cacheParts, ...parts])].sort();
          save(dir, stem, all, script.createCachedData(), bundleKey);
        } catch {
          // a cache we cannot write is one we do without
        }
      };
    }
    script = new Script(source, {
      filename: bundle,
      cachedData: cached,
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
    });
    // V8 is done with the file's bytes and the cache: free them now (about
    // 6 MB and the cache's size) rather than at a garbage collection that a
    // short command or an idle sidecar may never run.
    release(whole);
    if (cached) {
      release(cached);
    }
  } catch {
    // Anything odd before the bundle runs: let Node load it its own way.
    createRequire(bundle)(bundle);
    return;
  }
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string
  ) => void;
  const module = new Module(bundle);
  module.filename = bundle;
  if (onExit) {
    process.once('exit', onExit);
  }
  run.call(
    module.exports,
    module.exports,
    createRequire(bundle),
    module,
    bundle,
    dirname(bundle)
  );
  module.loaded = true;
}

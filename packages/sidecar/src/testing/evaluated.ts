// Which modules a run of the bundled CLI evaluated. The bundle is one file,
// so no module loader sees its modules; but esbuild wraps each module that
// may load later in a function named by its path ("node_modules/@aws-sdk/
// client-s3/dist-cjs/index.js"), and V8's coverage (NODE_V8_COVERAGE)
// counts the calls of every function: a module ran if its wrapper did.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './tempdir.js';

export const FRONT_DOOR = fileURLToPath(
  new URL(
    '../../../../jupyter_buckets/sidecar/jupyter-buckets.cjs',
    import.meta.url
  )
);

interface ICoverage {
  result: {
    url: string;
    functions: { functionName: string; ranges: { count: number }[] }[];
  }[];
}

export interface IEvaluated {
  /** Module paths whose code ran. */
  evaluated: string[];
  /** Module paths the bundle holds but did not run. */
  skipped: string[];
  status: number | null;
  stdout: string;
  stderr: string;
}

const MODULE_PATH = /\/[^/]+\.(c|m)?js(on)?$/;

/** Run the bundle's front door with `args` and tell which of its modules ran. */
export function evaluatedModules(
  args: string[],
  env: NodeJS.ProcessEnv = process.env
): IEvaluated {
  assert.ok(
    existsSync(FRONT_DOOR),
    `${FRONT_DOOR} is missing: run npm run bundle --workspace=@jupyter-buckets/sidecar`
  );
  const dir = tempDir();
  try {
    const result = spawnSync(process.execPath, [FRONT_DOOR, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        ...env,
        NODE_V8_COVERAGE: dir.path,
        // Coverage is a different way of running: leave the caches alone.
        NODE_DISABLE_COMPILE_CACHE: '1'
      }
    });
    const ran = new Set<string>();
    const all = new Set<string>();
    for (const name of readdirSync(dir.path)) {
      const coverage = JSON.parse(
        readFileSync(join(dir.path, name), 'utf8')
      ) as ICoverage;
      for (const script of coverage.result) {
        if (!script.url.endsWith('/sidecar.cjs')) {
          continue;
        }
        for (const fn of script.functions) {
          if (MODULE_PATH.test(fn.functionName)) {
            all.add(fn.functionName);
            if (fn.ranges[0].count > 0) {
              ran.add(fn.functionName);
            }
          }
        }
      }
    }
    assert.ok(all.size > 0, 'no module wrappers seen in the coverage');
    return {
      evaluated: [...ran].sort(),
      skipped: [...all].filter(path => !ran.has(path)).sort(),
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr
    };
  } finally {
    dir.remove();
  }
}

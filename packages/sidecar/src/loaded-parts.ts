// The parts of the code that load on demand (a provider's SDK) and that
// this process has run. The front door's code cache (cli/code-cache.ts) is
// written again when a run used a part its cache was made without: the
// first `ls` of a command may be of a local folder, and an `ls` of S3 after
// it would otherwise compile the AWS SDK without a cache every time.
//
// The front door and the bundle are two files, each with its own copy of
// this module, so the set lives on a process-wide global.
const KEY = Symbol.for('jupyter-buckets.loaded-parts');

type Holder = { [KEY]?: Set<string> };

/** Note that `part` (a short lowercase name, such as a provider id) has loaded. */
export function partLoaded(part: string): void {
  const holder = globalThis as Holder;
  (holder[KEY] ??= new Set()).add(part);
}

/** The parts loaded so far, sorted. */
export function loadedParts(): string[] {
  return [...((globalThis as Holder)[KEY] ?? [])].sort();
}

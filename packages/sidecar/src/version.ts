// The sidecar's version: the bundle gets it baked in by esbuild (so the single
// file needs nothing beside it); the compiled lib/ reads it from package.json.
import { readFileSync } from 'node:fs';

declare const __JB_VERSION__: string | undefined;

function fromPackageJson(): string {
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

export const VERSION: string =
  typeof __JB_VERSION__ === 'string' ? __JB_VERSION__ : fromPackageJson();

#!/usr/bin/env node
// The front door of the bundled CLI and sidecar: jupyter-buckets.cjs, the
// file the Python package, the tests and jupyter-server-proxy run. It loads
// the bundle beside it (sidecar.cjs, built from main.ts) through a V8 code
// cache (code-cache.ts), which has to be in place before the bundle is
// compiled, hence two files. Only for the bundle: lib/ runs main.js directly.
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

runWithCodeCache(fileURLToPath(new URL('./sidecar.cjs', import.meta.url)));

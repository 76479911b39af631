// The contract between the sidecar and its clients (JupyterLab, the CLI).
export * from './api.js';
export * from './errors.js';
export * from './location.js';
export * from './remotes.js';
export * from './objects.js';
export * from './providers.js';
export * from './take-home.js';
export * from './transfers.js';
export * from './uploads.js';
export * from './policy.js';
export * from './zarr.js';

// The sidecar as a library (tests, other tools): the app, discovery, backends.
export { ApiError } from './api-error.js';
export { createBackendFactory, type BackendFactory } from './backends/index.js';
export type { IBackend, ICapabilities, IListPage } from './backends/types.js';
export { createApp, type IAppOptions } from './http/app.js';
export { listen, type ListenTarget } from './http/server.js';
export { listLevel } from './listing/level.js';
export {
  discoverRemotes,
  publicRemoteList,
  remoteStore
} from './remotes/discover.js';
export { toPublicRemote } from './remotes/public.js';
export { VERSION } from './version.js';

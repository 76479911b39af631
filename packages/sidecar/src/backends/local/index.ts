// The Jupyter disk, a provider like the others: remote `local`, one bucket.
// No SDK to wait for, so its backend is made at once, not lazily.
import { registerProvider } from '../registry.js';
import { CAPABILITIES, LocalBackend } from './backend.js';

export interface ILocalSettings {
  /** Every path is confined to this folder ('/' for the CLI, run by the user in their shell). */
  root: string;
}

declare module '../config.js' {
  interface IProviderSettings {
    local: ILocalSettings;
  }
}

registerProvider({
  id: 'local',
  capabilities: CAPABILITIES,
  features: [
    'copy',
    'readBuffer',
    'makeDirectory',
    'isFolder',
    'walk',
    'freeSpace'
  ],
  // rclone's local remotes are paths we already reach directly.
  rcloneTypes: [],
  create: config => {
    if (!config.local) {
      // Never a default root: that would open the whole disk.
      throw new Error(`The local remote ${config.name} has no root folder.`);
    }
    return new LocalBackend(config.local.root);
  }
});

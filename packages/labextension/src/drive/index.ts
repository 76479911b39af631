// One bucket drive per remote, registered as the panel learns the remotes.
import type { JupyterFrontEnd } from '@jupyterlab/application';

import type { IBucketsModel } from '../tokens';
import { BucketDrive } from './BucketDrive';

export { BucketDrive, MAX_OPEN_BYTES } from './BucketDrive';
export * from './paths';

/**
 * Documents of remote R open as 'bucket-R:bucket/key'. Drives appear when the
 * remotes are first listed (the sidecar starts with the panel, not before):
 * a bucket document restored from an earlier session before that fails to
 * open and can be opened again from the panel.
 */
export function addBucketDrives(
  app: JupyterFrontEnd,
  model: IBucketsModel
): void {
  const added = new Set<string>();
  const mimetypeFor = (path: string): string | undefined =>
    app.docRegistry.getFileTypesForPath(path)[0]?.mimeTypes[0];
  const sync = (): void => {
    for (const remote of model.remotes) {
      if (!added.has(remote.name)) {
        added.add(remote.name);
        app.serviceManager.contents.addDrive(
          new BucketDrive({
            remote: remote.name,
            mimetypeFor,
            serverSettings: app.serviceManager.serverSettings
          })
        );
      }
    }
  };
  model.stateChanged.connect((_, change) => {
    if (change === 'remotes') {
      sync();
    }
  });
  sync();
}

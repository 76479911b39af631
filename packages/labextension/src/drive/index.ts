// One bucket drive per remote, registered as the panel learns the remotes.
import type { JupyterFrontEnd } from '@jupyterlab/application';

import type { IBucketsModel } from '../tokens';
import { BucketDrive } from './BucketDrive';
import { splitPath } from './paths';

/** Whether the panel shows the folder that holds 'bucket/key' of `remote`. */
function shows(model: IBucketsModel, remote: string, path: string): boolean {
  const { remote: shown, bucket, prefix } = model.location;
  const { bucket: inBucket, key } = splitPath(path);
  return (
    shown === remote &&
    bucket === inBucket &&
    key.slice(0, key.lastIndexOf('/') + 1) === prefix
  );
}

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
): (remote: string) => BucketDrive | undefined {
  const added = new Map<string, BucketDrive>();
  const mimetypeFor = (path: string): string | undefined =>
    app.docRegistry.getFileTypesForPath(path)[0]?.mimeTypes[0];
  const sync = (): void => {
    for (const remote of model.remotes) {
      if (!added.has(remote.name)) {
        const drive = new BucketDrive({
          remote: remote.name,
          mimetypeFor,
          serverSettings: app.serviceManager.serverSettings,
          policy: () => model.remotes.find(r => r.name === remote.name)?.policy
        });
        added.set(remote.name, drive);
        app.serviceManager.contents.addDrive(drive);
        // A document saved (or created) into the folder on show appears
        // there, as a save does in the file browser.
        drive.fileChanged.connect((_, change) => {
          const path = change.newValue?.path;
          if (
            (change.type === 'save' || change.type === 'new') &&
            path &&
            shows(model, remote.name, path)
          ) {
            void model.refresh();
          }
        });
      }
    }
  };
  model.stateChanged.connect((_, change) => {
    if (change === 'remotes') {
      sync();
    }
  });
  sync();
  // What the contents manager does not give back: the drive itself, for
  // calls beyond Contents.IDrive (a rename that replaces).
  return remote => added.get(remote);
}

// Uploads in the Buckets panel: Upload Files… and Upload Folder… (toolbar
// and palette) into the folder shown, files and folders dropped from the
// desktop onto the panel or onto a folder row, and Continue… for an upload
// that waits for its files (after a reload).
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import { fileUploadIcon } from '@jupyterlab/ui-components';

import { addCommands } from '../commands';
import { shownFolderRefusal } from '../rules';
import {
  CommandIDs,
  type IBucketsModel,
  type ITransfersModel
} from '../tokens';
import { dropDestination, dropMarker } from '../transfers/bucketsDrop';
import { remoteLocation } from '../transfers/locations';
import { showActionError } from '../widgets/errors';
import { UploadsModel } from './model';
import {
  carriesFiles,
  droppedFiles,
  pickFiles,
  uploadName,
  type IPickedFile
} from './pick';

export interface IUploadsOptions {
  app: JupyterFrontEnd;
  buckets: IBucketsModel;
  transfers: ITransfersModel;
  /** The Buckets panel's node (desktop drops land on it). */
  panel: HTMLElement;
  palette?: ICommandPalette | null;
}

export function addUploads(options: IUploadsOptions): UploadsModel {
  const { app, buckets, transfers, panel, palette } = options;
  const uploads = new UploadsModel(transfers, app.commands);

  const start = (
    dst: string,
    picked: IPickedFile[],
    folder: boolean,
    resume?: string
  ): Promise<void> =>
    uploads
      .upload(dst, picked, { name: uploadName(picked), folder, resume })
      .catch(error => showActionError('The upload could not start', error));

  /** The folder shown, as a location; null where nothing may be uploaded. */
  const shownFolder = (): string | null => {
    const { remote, bucket, prefix } = buckets.location;
    return remote === null || bucket === null || shownFolderRefusal(buckets)
      ? null
      : remoteLocation(remote, bucket, prefix);
  };
  const pickSpec = (folder: boolean) => ({
    id: folder ? CommandIDs.uploadFolder : CommandIDs.uploadFiles,
    label: folder ? 'Upload Folder…' : 'Upload Files…',
    caption: () =>
      shownFolderRefusal(buckets) ??
      (buckets.location.bucket === null
        ? 'Open a bucket to upload into it'
        : `Upload ${folder ? 'a folder' : 'files'} from this computer into the folder shown`),
    icon: fileUploadIcon,
    isEnabled: () => shownFolder() !== null,
    execute: async () => {
      const dst = shownFolder();
      if (dst === null) {
        return;
      }
      await start(dst, await pickFiles(folder), folder);
    },
    palette: true
  });

  addCommands(
    app,
    [
      pickSpec(false),
      pickSpec(true),
      {
        id: CommandIDs.continueUpload,
        label: 'Continue Upload…',
        caption:
          'Pick the same files again: the parts already stored are not sent again',
        execute: async args => {
          const id = args.id as string;
          const remembered = await uploads.remembered(id);
          const job = transfers.jobs.find(j => j.id === id);
          const dst = remembered?.dst ?? job?.dst;
          if (!dst) {
            return;
          }
          const folder = remembered?.folder ?? false;
          await start(dst, await pickFiles(folder), folder, id);
        }
      }
    ],
    palette
  );
  buckets.stateChanged.connect((_, change) => {
    if (change === 'location' || change === 'remotes') {
      app.commands.notifyCommandChanged(CommandIDs.uploadFiles);
      app.commands.notifyCommandChanged(CommandIDs.uploadFolder);
    }
  });

  // Desktop drops: native drag events (Lumino's are for rows of panels).
  const mark = dropMarker(panel);
  const onDrag = (event: DragEvent): void => {
    if (!carriesFiles(event)) {
      return;
    }
    const target = dropDestination(buckets, event.target, null);
    event.preventDefault();
    event.stopPropagation();
    switch (event.type) {
      case 'dragenter':
      case 'dragover':
        event.dataTransfer!.dropEffect = target ? 'copy' : 'none';
        mark(target?.row ?? null, target !== null);
        break;
      case 'dragleave':
        if (!panel.contains(event.relatedTarget as Node | null)) {
          mark(null, false);
        }
        break;
      case 'drop': {
        mark(null, false);
        if (!target) {
          return;
        }
        const folder = [...event.dataTransfer!.items].some(
          item => item.webkitGetAsEntry()?.isDirectory
        );
        void droppedFiles(event.dataTransfer!).then(picked =>
          start(target.folder, picked, folder)
        );
        break;
      }
    }
  };
  for (const type of ['dragenter', 'dragover', 'dragleave', 'drop']) {
    panel.addEventListener(type, onDrag as EventListener);
  }
  return uploads;
}

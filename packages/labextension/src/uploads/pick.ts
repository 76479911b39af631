// The files of an upload, as the browser gives them: from a file picker
// (files, or a whole folder) or from a drop of files and folders from the
// desktop. Each gets its path relative to the destination folder: its name,
// or for a folder 'folder/sub/name'.

export interface IPickedFile {
  path: string;
  file: File;
}

/**
 * The browser's file picker; [] when the user closes it. `folder` picks one
 * folder with everything in it (every browser JupyterLab supports has
 * webkitdirectory).
 */
export function pickFiles(folder: boolean): Promise<IPickedFile[]> {
  return new Promise(resolve => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.webkitdirectory = folder;
    input.className = 'jp-Buckets-uploadInput';
    input.hidden = true;
    const done = (files: IPickedFile[]): void => {
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () =>
      done(
        [...(input.files ?? [])].map(file => ({
          path: file.webkitRelativePath || file.name,
          file
        }))
      )
    );
    input.addEventListener('cancel', () => done([]));
    // In the document, so that UI tests (and assistive tools) can reach it.
    document.body.appendChild(input);
    input.click();
  });
}

/** Whether a drag carries files from the desktop (not rows of a panel). */
export function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * The files of a desktop drop, folders walked. The entries must be taken
 * while the drop event is handled (the browser empties the DataTransfer
 * after), so this reads them at once and walks them afterwards.
 */
export function droppedFiles(data: DataTransfer): Promise<IPickedFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of [...data.items]) {
    if (item.kind !== 'file') {
      continue;
    }
    const entry = item.webkitGetAsEntry();
    if (entry) {
      entries.push(entry);
    } else {
      const file = item.getAsFile();
      if (file) {
        loose.push(file);
      }
    }
  }
  return (async () => {
    const picked = loose.map(file => ({ path: file.name, file }));
    for (const entry of entries) {
      picked.push(...(await walk(entry)));
    }
    return picked;
  })();
}

async function walk(entry: FileSystemEntry): Promise<IPickedFile[]> {
  const path = entry.fullPath.replace(/^\/+/, '');
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject)
    );
    return [{ path, file }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const found: IPickedFile[] = [];
  // readEntries gives a batch at a time (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject)
    );
    if (!batch.length) {
      return found;
    }
    for (const child of batch) {
      found.push(...(await walk(child)));
    }
  }
}

/** What the Transfers panel calls an upload: the file, the folder, or how many files. */
export function uploadName(picked: IPickedFile[]): string {
  const tops = new Set(picked.map(p => p.path.split('/')[0]));
  if (tops.size === 1) {
    return [...tops][0];
  }
  return `${picked.length.toLocaleString('en')} files`;
}

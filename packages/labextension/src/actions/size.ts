// A folder's size (objects and bytes), counted by the sidecar while it lists
// and streamed as Server-Sent Events, so a folder of millions of objects
// shows its count growing and can be stopped (aborting closes the stream,
// which stops the listing).
import { zarrRoutes, type IFolderSize } from '@jupyter-buckets/core';

import { BucketsError } from '../api';
import { serverEvents } from '../sse';

/** Count `prefix` ('' = the whole bucket); resolves with the total, or null when stopped. */
export async function countFolder(
  remote: string,
  bucket: string,
  prefix: string,
  onProgress: (size: IFolderSize) => void,
  signal: AbortSignal
): Promise<IFolderSize | null> {
  try {
    const events = serverEvents(
      zarrRoutes.size(remote, bucket, prefix),
      signal
    );
    for await (const { name, data } of events) {
      if (name === 'error') {
        const error = (data as { error?: { message?: string; hint?: string } })
          .error;
        throw new BucketsError(
          'provider_error',
          error?.message ?? 'The count stopped with an error.',
          error?.hint ?? ''
        );
      }
      onProgress(data as IFolderSize);
      if (name === 'end') {
        return data as IFolderSize;
      }
    }
    return null;
  } catch (error) {
    if (signal.aborted) {
      return null;
    }
    throw error;
  }
}

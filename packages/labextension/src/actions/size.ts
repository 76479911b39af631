// A folder's size (objects and bytes), counted by the sidecar while it lists
// and streamed as Server-Sent Events, so a folder of millions of objects
// shows its count growing and can be stopped (aborting closes the stream,
// which stops the listing).
import { zarrRoutes, type IFolderSize } from '@jupyter-buckets/core';
import { EventSourceParserStream } from 'eventsource-parser/stream';

import { BucketsError, requestRaw } from '../api';

/** Count `prefix` ('' = the whole bucket); resolves with the total, or null when aborted. */
export async function countFolder(
  remote: string,
  bucket: string,
  prefix: string,
  onProgress: (size: IFolderSize) => void,
  signal: AbortSignal
): Promise<IFolderSize | null> {
  // jupyter-server-proxy streams an answer only when Accept is exactly this.
  const response = await requestRaw(zarrRoutes.size(remote, bucket, prefix), {
    headers: { Accept: 'text/event-stream' },
    signal
  });
  if (!response.body) {
    throw new BucketsError(
      'unexpected_response',
      'The size count had no body.'
    );
  }
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return null;
      }
      let data: unknown;
      try {
        data = JSON.parse(value.data);
      } catch {
        continue;
      }
      if (value.event === 'error') {
        const error = (
          data as { error?: { code?: string; message?: string; hint?: string } }
        ).error;
        throw new BucketsError(
          'provider_error',
          error?.message ?? 'The count stopped with an error.',
          error?.hint ?? ''
        );
      }
      onProgress(data as IFolderSize);
      if (value.event === 'end') {
        return data as IFolderSize;
      }
    }
  } catch (error) {
    if (signal.aborted) {
      return null;
    }
    throw error;
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

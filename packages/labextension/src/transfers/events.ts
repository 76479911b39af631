// A job's Server-Sent Events (progress, file-done, file-failed, end).
import {
  TRANSFER_ROUTES,
  type ITransferJob,
  type TransferEventName
} from '@jupyter-buckets/core';

import { serverEvents } from '../sse';

export interface IJobEvent {
  name: TransferEventName;
  data: unknown;
}

/**
 * Read the events of job `id` until the stream ends (after 'end'), the
 * connection drops, or `signal` aborts. Resolves with the final job when an
 * 'end' event came, else null (the caller decides whether to reconnect).
 */
export async function followJob(
  id: string,
  onEvent: (event: IJobEvent) => void,
  signal: AbortSignal
): Promise<ITransferJob | null> {
  for await (const event of serverEvents(TRANSFER_ROUTES.events(id), signal)) {
    const name = event.name as TransferEventName;
    onEvent({ name, data: event.data });
    if (name === 'end') {
      return event.data as ITransferJob;
    }
  }
  return null;
}

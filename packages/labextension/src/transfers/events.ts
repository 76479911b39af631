// A job's Server-Sent Events, read from a streamed fetch through the one
// request helper: EventSource cannot send Jupyter's Authorization header, and
// the frames are parsed by eventsource-parser (a small, well-kept parser of
// the WHATWG event-stream format) rather than by hand.
import {
  TRANSFER_ROUTES,
  type ITransferJob,
  type TransferEventName
} from '@jupyter-buckets/core';
import { EventSourceParserStream } from 'eventsource-parser/stream';

import { BucketsError, requestRaw } from '../api';

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
  // jupyter-server-proxy streams an answer only when the request's Accept is
  // exactly this; any other request is buffered until it ends.
  const response = await requestRaw(TRANSFER_ROUTES.events(id), {
    headers: { Accept: 'text/event-stream' },
    signal
  });
  if (!response.body) {
    throw new BucketsError(
      'unexpected_response',
      'The progress stream of the job had no body.'
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
      const name = (value.event ?? 'message') as TransferEventName;
      let data: unknown;
      try {
        data = JSON.parse(value.data);
      } catch {
        continue; // not one of ours; the next progress event will do
      }
      onEvent({ name, data });
      if (name === 'end') {
        return data as ITransferJob;
      }
    }
  } finally {
    // Closes the connection (also when the caller aborted or an event threw).
    reader.cancel().catch(() => undefined);
  }
}

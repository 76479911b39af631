// Server-Sent Events from the sidecar, read from a streamed fetch through the
// one request helper: EventSource cannot send Jupyter's Authorization
// header, and the frames are parsed by eventsource-parser (a small,
// well-kept parser of the WHATWG event-stream format) rather than by hand.
import { EventSourceParserStream } from 'eventsource-parser/stream';

import { BucketsError, requestRaw } from './api';

export interface IServerEvent {
  /** The event's name ('message' when it has none). */
  name: string;
  data: unknown;
}

/**
 * The events of `path`, as they come, until the stream ends or `signal`
 * aborts. Frames whose data is not JSON are skipped. Breaking out of the
 * loop closes the connection.
 */
export async function* serverEvents(
  path: string,
  signal: AbortSignal
): AsyncGenerator<IServerEvent> {
  // jupyter-server-proxy streams an answer only when the request's Accept is
  // exactly this; any other request is buffered until it ends.
  const response = await requestRaw(path, {
    headers: { Accept: 'text/event-stream' },
    signal
  });
  if (!response.body) {
    throw new BucketsError(
      'unexpected_response',
      'The event stream had no body.'
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
        return;
      }
      let data: unknown;
      try {
        data = JSON.parse(value.data);
      } catch {
        continue; // not one of ours
      }
      yield { name: value.event ?? 'message', data };
    }
  } finally {
    // Closes the connection (also when the caller stopped or aborted).
    reader.cancel().catch(() => undefined);
  }
}

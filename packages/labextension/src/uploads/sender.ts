// Sending an upload's parts: the parts the store lacks, in order, a few at
// once (the sidecar says how many), each retried on its own when the network
// or the store fails for a moment; a file is completed as soon as its last
// part is stored. No DOM and no fetch here: the requests are given (model.ts
// sends them through Jupyter), so this runs in Node's tests too.
import type { IUploadSession } from '@jupyter-buckets/core';

export interface IPartRequests {
  /** PUT part `part` (from 1) of file `file` (its index in the session). */
  put(
    file: number,
    part: number,
    body: Blob,
    signal: AbortSignal
  ): Promise<void>;
  complete(file: number, signal: AbortSignal): Promise<void>;
}

export interface ISendOptions {
  signal: AbortSignal;
  /** Waits between the tries of one request (ms); its length is the retries. */
  backoff?: number[];
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** After each part stored (the job's own progress comes from the sidecar). */
  onPart?: (file: number, part: number, bytes: number) => void;
}

/**
 * How the sending ended: `done` every file completed; `ended` the sidecar
 * said the job is over (cancelled from the Transfers panel, the server
 * stopped); `stopped` the signal fired. Other failures reject.
 */
export type SendOutcome = 'done' | 'ended' | 'stopped';

/** About half a minute of tries: a network blip or a store's hiccup passes, a closed lid does not. */
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

/** What a failed request tells: its API code and HTTP status (0: no answer). */
interface IFailure {
  code?: string;
  status?: number;
}

/** Worth another try: no answer, a timeout, too many at once, the store or the proxy failing. */
export function isTransient(error: unknown): boolean {
  const { code, status } = (error ?? {}) as IFailure;
  if (code === 'upload_ended') {
    return false;
  }
  return (
    status === undefined ||
    status === 0 ||
    status === 408 ||
    status === 429 ||
    status >= 500
  );
}

class Ended extends Error {}

export async function sendParts(
  session: IUploadSession,
  /** The picked files, by the session's file index. */
  bodies: ReadonlyArray<Blob>,
  requests: IPartRequests,
  options: ISendOptions
): Promise<SendOutcome> {
  const backoff = options.backoff ?? BACKOFF_MS;
  const sleep = options.sleep ?? wait;
  // One failure stops the others at once: their fetches are aborted too.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal.addEventListener('abort', onAbort);

  const queue: { file: number; part: number }[] = [];
  const missing = new Map<number, number>();
  const toComplete: number[] = [];
  session.files.forEach((file, index) => {
    if (file.state !== 'sending') {
      return;
    }
    const stored = new Set(file.stored);
    let count = 0;
    for (let part = 1; part <= file.parts; part++) {
      if (!stored.has(part)) {
        queue.push({ file: index, part });
        count += 1;
      }
    }
    missing.set(index, count);
    if (count === 0) {
      toComplete.push(index);
    }
  });

  const attempt = async (work: () => Promise<void>): Promise<void> => {
    for (let tries = 0; ; tries++) {
      try {
        await work();
        return;
      } catch (error) {
        if ((error as IFailure)?.code === 'upload_ended') {
          throw new Ended();
        }
        if (
          stop.signal.aborted ||
          !isTransient(error) ||
          tries >= backoff.length
        ) {
          throw error;
        }
        await sleep(backoff[tries], stop.signal);
      }
    }
  };

  const complete = (file: number) =>
    attempt(() => requests.complete(file, stop.signal));

  const worker = async (): Promise<void> => {
    for (;;) {
      if (stop.signal.aborted) {
        return;
      }
      const next = queue.shift();
      if (!next) {
        return;
      }
      const { file, part } = next;
      const { partSize } = session.files[file];
      const start = (part - 1) * partSize;
      const body = bodies[file].slice(
        start,
        Math.min(start + partSize, bodies[file].size)
      );
      await attempt(() => requests.put(file, part, body, stop.signal));
      options.onPart?.(file, part, body.size);
      const left = missing.get(file)! - 1;
      missing.set(file, left);
      if (left === 0) {
        await complete(file);
      }
    }
  };

  try {
    await Promise.all([
      ...toComplete.map(complete),
      ...Array.from(
        { length: Math.max(1, Math.min(session.parallel, queue.length)) },
        () =>
          worker().catch(error => {
            stop.abort();
            throw error;
          })
      )
    ]);
    return options.signal.aborted ? 'stopped' : 'done';
  } catch (error) {
    if (error instanceof Ended) {
      return 'ended';
    }
    if (options.signal.aborted) {
      return 'stopped';
    }
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// Sending an upload's parts: the parts the store lacks, in order, a few at
// once (the sidecar says how many), each retried on its own when the network
// or the store fails for a moment; a file is completed as soon as its last
// part is stored. No DOM and no fetch here: the requests are given (model.ts
// sends them through Jupyter), so this runs in Node's tests too.
import type { IUploadSession } from '@jupyter-buckets/core';

export interface IPartRequests {
  /** PUT part `part` (from 1) of file `file` (its index in the session), through the sidecar. */
  put(
    file: number,
    part: number,
    body: Blob,
    signal: AbortSignal
  ): Promise<void>;
  complete(file: number, signal: AbortSignal): Promise<void>;
  /** URLs where parts of `file` go straight to the store (the direct path). */
  directUrls?(
    file: number,
    parts: number[],
    signal: AbortSignal
  ): Promise<string[]>;
  /**
   * PUT to a URL of the store itself (no Jupyter headers, no cookies).
   * Resolves with the store's JSON answer when it has one (a session's
   * last part: the new object).
   */
  putDirect?(
    url: string,
    body: Blob,
    signal: AbortSignal,
    headers?: Record<string, string>
  ): Promise<unknown>;
  /** Tell the sidecar a part went to the store directly (with the store's answer, if any). */
  sent?(
    file: number,
    part: number,
    signal: AbortSignal,
    answer?: unknown
  ): Promise<void>;
}

export interface ISendOptions {
  signal: AbortSignal;
  /** Waits between the tries of one request (ms); its length is the retries. */
  backoff?: number[];
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** After each part stored (the job's own progress comes from the sidecar). */
  onPart?: (file: number, part: number, bytes: number, direct: boolean) => void;
  /**
   * Try the direct path for files that offer it ('parts'): the first part
   * sent that way is the probe of the bucket's CORS rules.
   */
  direct?: boolean;
  /** The store refused the browser before any part went directly (CORS, a network that cannot reach it). */
  onDirectRefused?: (error: unknown) => void;
}

/**
 * How the sending ended: `done` every file completed; `ended` the sidecar
 * said the job is over (cancelled from the Transfers panel, the server
 * stopped); `stopped` the signal fired. Other failures reject.
 */
export type SendOutcome = 'done' | 'ended' | 'stopped';

/** Part URLs asked of the sidecar at once (each one a signature: cheap). */
const URLS_AT_ONCE = 16;

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

  // A task is one part, or every part of a file sent to a session (which
  // takes them in order, so one worker sends them one after another).
  const queue: { file: number; parts: number[] }[] = [];
  const wantsDirect = Boolean(options.direct);
  const missing = new Map<number, number>();
  const toComplete: number[] = [];
  session.files.forEach((file, index) => {
    if (file.state !== 'sending') {
      return;
    }
    const stored = new Set(file.stored);
    const parts: number[] = [];
    for (let part = 1; part <= file.parts; part++) {
      if (!stored.has(part)) {
        parts.push(part);
      }
    }
    const count = parts.length;
    if (wantsDirect && file.direct === 'session' && count) {
      queue.push({ file: index, parts });
    } else {
      queue.push(...parts.map(part => ({ file: index, parts: [part] })));
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

  // The direct path: on while it works; the first failure before any
  // success turns it off for the rest (the bucket's CORS, or a store the
  // browser cannot reach), and that part goes through the sidecar.
  let direct =
    Boolean(options.direct) &&
    Boolean(requests.directUrls && requests.putDirect && requests.sent);
  let directWorked = false;
  const urls = new Map<string, Promise<string>>();
  /** The URL of a part, asked with those of the next parts of its file queued. */
  const urlFor = (file: number, part: number): Promise<string> => {
    // A session has one URL for all its parts.
    const key =
      session.files[file].direct === 'session'
        ? `${file}:*`
        : `${file}:${part}`;
    if (!urls.has(key)) {
      const batch = [
        part,
        ...queue
          .filter(next => next.file === file)
          .flatMap(next => next.parts)
          .filter(n => n !== part && !urls.has(`${file}:${n}`))
          .slice(0, URLS_AT_ONCE - 1)
      ];
      let list: string[] = [];
      const asked = attempt(async () => {
        list = await requests.directUrls!(file, batch, stop.signal);
      }).then(() => list);
      const keys = key.endsWith(':*') ? [key] : batch.map(n => `${file}:${n}`);
      keys.forEach((k, i) => {
        urls.set(
          k,
          asked.then(list => list[i])
        );
      });
      // A failed ask is asked again (by the next part that needs it).
      asked.catch(() => keys.forEach(k => urls.delete(k)));
    }
    return urls.get(key)!;
  };

  /** Part `part` straight to the store; false when it must go through the sidecar. */
  const sendDirect = async (
    file: number,
    part: number,
    body: Blob
  ): Promise<boolean> => {
    const { direct: kind, partSize } = session.files[file];
    const start = (part - 1) * partSize;
    let answer: unknown;
    try {
      answer = await requests.putDirect!(
        await urlFor(file, part),
        body,
        stop.signal,
        kind === 'session'
          ? {
              'Content-Range': `bytes ${start}-${start + body.size - 1}/${bodies[file].size}`
            }
          : undefined
      );
    } catch (error) {
      if (stop.signal.aborted) {
        throw error;
      }
      if ((error as IFailure)?.code === 'upload_ended') {
        throw new Ended();
      }
      if (!directWorked && direct) {
        direct = false;
        options.onDirectRefused?.(error);
      }
      return false;
    }
    directWorked = true;
    await attempt(() => requests.sent!(file, part, stop.signal, answer));
    return true;
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (stop.signal.aborted) {
        return;
      }
      const next = queue.shift();
      if (!next) {
        return;
      }
      const { file } = next;
      const { partSize, direct: kind } = session.files[file];
      for (const part of next.parts) {
        const start = (part - 1) * partSize;
        const body = bodies[file].slice(
          start,
          Math.min(start + partSize, bodies[file].size)
        );
        const viaStore =
          direct && kind !== undefined && (await sendDirect(file, part, body));
        if (!viaStore) {
          await attempt(() => requests.put(file, part, body, stop.signal));
        }
        options.onPart?.(file, part, body.size, viaStore);
        const left = missing.get(file)! - 1;
        missing.set(file, left);
        if (left === 0) {
          await complete(file);
        }
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

// Deleting many objects by key: in batches that S3's DeleteObjects and the
// sidecar's body limit take, a few batches at once.

/**
 * Keys per delete request: S3's DeleteObjects takes 1000 at most, and 1000
 * keys stay far below the sidecar's 1 MB body limit (100,000 would not).
 */
export const DELETE_BATCH = 1000;
/** Requests under way at once: enough to keep the store busy, few enough for a shared sidecar. */
export const DELETE_PARALLEL = 4;

export interface IBatchOptions {
  batch?: number;
  parallel?: number;
  /** After each batch: how many keys are done. */
  progress?: (done: number) => void;
}

/**
 * Send every key once, `batch` at a time, at most `parallel` requests at
 * once. The first failure stops new requests and rejects (after the ones
 * under way end), so a refused delete is not retried 100 times.
 */
export async function deleteInBatches(
  keys: ReadonlyArray<string>,
  send: (batch: string[]) => Promise<void>,
  options: IBatchOptions = {}
): Promise<void> {
  const size = options.batch ?? DELETE_BATCH;
  const parallel = options.parallel ?? DELETE_PARALLEL;
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < keys.length) {
      const batch = keys.slice(next, next + size);
      next += batch.length;
      try {
        await send(batch);
      } catch (error) {
        failure ??= { error };
        return;
      }
      done += batch.length;
      options.progress?.(done);
    }
  };
  const workers = Math.min(parallel, Math.ceil(keys.length / size));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== null) {
    throw (failure as { error: unknown }).error;
  }
}

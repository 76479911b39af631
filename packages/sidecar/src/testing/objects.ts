// Small helpers of tests that write objects into a real store.
import type { IBackend } from '../backends/types.js';

/** Deletes every object under `prefix` (a test's own run folder). */
export async function removePrefix(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<void> {
  const page = await backend.list(bucket, {
    prefix,
    recursive: true,
    limit: 1000
  });
  await backend.deleteMany(
    bucket,
    page.objects.map(o => o.key)
  );
}

/** A whole stream's bytes. */
export async function readBytes(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

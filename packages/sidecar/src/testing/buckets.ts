// Buckets and folders a test made, removed when it ends: other suites list
// the servers' buckets and the demo buckets' folders and expect theirs only.
import {
  AbortMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client
} from '@aws-sdk/client-s3';

/** An S3 bucket, whatever it holds (open multipart uploads too). */
export async function removeS3Bucket(
  client: S3Client,
  bucket: string
): Promise<void> {
  for (;;) {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket })
    );
    const keys = (page.Contents ?? []).map(o => ({ Key: o.Key! }));
    if (!keys.length) {
      break;
    }
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } })
    );
  }
  const open = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket })
  );
  for (const upload of open.Uploads ?? []) {
    await client.send(
      new AbortMultipartUploadCommand({
        Bucket: bucket,
        Key: upload.Key!,
        UploadId: upload.UploadId!
      })
    );
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** Every object under `prefix` of a bucket on fake-gcs-server (its JSON API). */
export async function removeGcsPrefix(
  endpoint: string,
  bucket: string,
  prefix: string
): Promise<void> {
  const base = `${endpoint}/storage/v1/b/${bucket}/o`;
  const listed = (await (
    await fetch(`${base}?prefix=${encodeURIComponent(prefix)}`)
  ).json()) as { items?: { name: string }[] };
  for (const item of listed.items ?? []) {
    await fetch(`${base}/${encodeURIComponent(item.name)}`, {
      method: 'DELETE'
    });
  }
}

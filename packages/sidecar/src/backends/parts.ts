// Part sizes for chunked writes: grow with the object so a provider's part
// count limit is never hit, and respect its size and alignment rules.
import type { ICapabilities } from './types.js';

const MiB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 16 * MiB;

export function choosePartSize(
  limits: NonNullable<ICapabilities['multipartWrite']>,
  size: number | undefined,
  wanted = DEFAULT_PART_SIZE
): number {
  let part = Math.max(wanted, limits.minPartSize);
  if (size !== undefined && size > 0) {
    // The smallest part that fits the whole object in maxParts parts.
    part = Math.max(part, Math.ceil(size / limits.maxParts));
  }
  const multiple = limits.partSizeMultiple;
  part = Math.ceil(part / multiple) * multiple;
  return Math.min(part, limits.maxPartSize);
}

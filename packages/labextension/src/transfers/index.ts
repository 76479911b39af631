export { addBucketsClipboard } from './bucketsClipboard';
export { addBucketsCopyTo } from './bucketsCopyTo';
export { addBucketsDrag } from './bucketsDrag';
export { addBucketsDrop } from './bucketsDrop';
export { startJobs } from './commands';
export { localLocation, remoteLocation } from './locations';
export { TransfersModel } from './model';
export { fileBrowserTransfersPlugin, transfersPlugin } from './plugin';
export { refreshWhenJobsEnd } from './refresh';

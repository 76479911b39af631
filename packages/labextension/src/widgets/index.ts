export * from './BucketsPanel';

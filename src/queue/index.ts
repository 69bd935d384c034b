export * from './job-queue.js';
export * from './worker.js';

export * from './job-queue.js';
export * from './worker.js';
export * from './rate-slots.js';

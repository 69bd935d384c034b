export * from './kb-text.js';
export * from './kb-store.js';
export * from './kb-search.js';

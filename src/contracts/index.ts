export * from './common.js';
export * from './config-schema.js';
export * from './alertmanager-webhook.js';
export * from './grafana-webhook.js';
export * from './pagerduty-event.js';
export * from './generic-webhook.js';
export * from './message-doc.js';
export * from './severity-style.js';

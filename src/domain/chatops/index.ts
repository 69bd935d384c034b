export * from './chat-identity.js';
export * from './chat-commands.js';
export * from './inbound-events.js';
export * from './handle-chat-event.js';
export * from './accept-chat-event.js';

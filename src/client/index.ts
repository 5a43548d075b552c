// The only way controllers, node agents and the CLI reach the API: over the network, like any client.
export * from './api-client.js';
export * from './informer.js';
export * from './workqueue.js';
export * from './resources.js';

export { StoreAdmin, type CollectionSummary } from './admin.js';
export { closeConnection, openConnection, type ConnectionOptions } from './connection.js';
export { MongoDeadLetterRepository } from './dead-letter-repository.js';
export {
  UPSTREAM_INDEXES,
  createUpstreamIndexes,
  inspectIndexes,
  type IndexReport,
  type IndexStatus,
} from './indexes.js';
export { serverInfo, type ServerInfo } from './server-info.js';
export { LOCK_COLLECTION, MongoLockStore } from './lock-store.js';
export { DEAD_LETTER_COLLECTION, deadLetterModel, deadLetterSchema } from './model.js';
export { MongoWebhookEventStore, WEBHOOK_EVENT_COLLECTION } from './webhook-event-store.js';

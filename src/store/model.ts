/**
 * The upstream billing service's `BillingFailedBackfill` model, mirrored
 * field for field, plus the optional fields only this tool writes.
 */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const DEAD_LETTER_COLLECTION = 'billing_failed_backfills';
const MODEL_NAME = 'BillingFailedBackfill';

const lastErrorSchema = new Schema(
  {
    // `type` needs the long form: a bare `type: String` would declare the
    // whole sub-document as a string.
    type: { type: String },
    code: String,
    message: String,
    requestId: String,
    status: Number,
  },
  { _id: false },
);

const historySchema = new Schema(
  {
    at: Date,
    actor: String,
    action: String,
    outcome: String,
    error: String,
    note: String,
  },
  { _id: false },
);

export const deadLetterSchema = new Schema(
  {
    // upstream, exactly
    paymentIntentId: { type: String, required: true, index: true },
    stripeSessionId: { type: String, required: true },
    error: { type: String, default: null },
    failedAt: { type: Date, required: true, default: Date.now },
    resolvedAt: { type: Date, default: null },
    resolvedBy: { type: String, default: null },
    // additive: no defaults, so a document only carries what this tool wrote to it
    attempts: Number,
    lastAttemptAt: Date,
    lastError: { type: lastErrorSchema, default: undefined },
    resolution: { type: String, enum: ['patched', 'already-correct', 'manual'] },
    resolutionNote: String,
    // mongoose gives arrays an empty default unless told otherwise
    history: { type: [historySchema], default: undefined },
  },
  { autoIndex: false, autoCreate: false },
);

// Only unresolved records are indexed, so "unresolved" queries stay cheap
// however long the resolved history grows.
deadLetterSchema.index({ resolvedAt: 1 }, { partialFilterExpression: { resolvedAt: null } });

export type DeadLetterDocument = InferSchemaType<typeof deadLetterSchema>;

/** The model bound to `collection` on this connection (the CLI's --collection). */
export function deadLetterModel(connection: Connection, collection = DEAD_LETTER_COLLECTION): Model<DeadLetterDocument> {
  const name = collection === DEAD_LETTER_COLLECTION ? MODEL_NAME : `${MODEL_NAME}:${collection}`;
  const existing = connection.models[name] as Model<DeadLetterDocument> | undefined;
  return existing ?? connection.model<DeadLetterDocument>(name, deadLetterSchema, collection);
}

/** What the webhook handler needs from signature verification (implemented over the stripe SDK in src/stripe). */

export interface VerifiedEvent {
  id: string;
  type: string;
  /** `data.object` as sent: checked by the eligibility rules before anything trusts it. */
  object: unknown;
}

export type Verification = { ok: true; event: VerifiedEvent } | { ok: false; reason: string };

export interface WebhookVerifier {
  /** `payload` must be the raw body exactly as received; `now` is when it arrived. */
  verify(payload: Buffer, signatureHeader: string | undefined, now: Date): Verification;
}

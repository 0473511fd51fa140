// Stripe's error envelope. The stripe SDK picks its error class from the HTTP status (and `type` for
// idempotency errors), so status and body must agree the way they do on api.stripe.com.

export interface StripeErrorBody {
  error: { type: string; message: string; code?: string; param?: string };
}

interface FailureDetails {
  code?: string;
  param?: string;
  /**
   * Stripe saves an idempotent result only once an endpoint began executing; requests rejected while
   * validating their parameters are not saved, so a corrected retry with the same key is processed.
   */
  rejectedBeforeExecution?: boolean;
}

export class StripeFailure extends Error {
  readonly rejectedBeforeExecution: boolean;

  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    private readonly details: FailureDetails = {},
  ) {
    super(message);
    this.rejectedBeforeExecution = details.rejectedBeforeExecution ?? false;
  }

  body(): StripeErrorBody {
    const { code, param } = this.details;
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(code === undefined ? {} : { code }),
        ...(param === undefined ? {} : { param }),
      },
    };
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeFailure {
  return new StripeFailure(400, 'invalid_request_error', message, { param, code, rejectedBeforeExecution: true });
}

export function unknownParameter(param: string): StripeFailure {
  return invalidRequest(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

export function resourceMissing(objectName: string, id: string, param = 'id'): StripeFailure {
  return new StripeFailure(404, 'invalid_request_error', `No such ${objectName}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

export function unrecognizedUrl(method: string, path: string): StripeFailure {
  return new StripeFailure(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). The Stripe emulator serves only payment_intents, checkout/sessions, charges and refunds.`,
    { rejectedBeforeExecution: true },
  );
}

export function rateLimited(): StripeFailure {
  return new StripeFailure(
    429,
    'invalid_request_error',
    'Request rate limit exceeded. The emulator limits requests per rolling second; slow down or raise the limit with PUT /__emulator/config.',
    { code: 'rate_limit' },
  );
}

/** The body an injected fault answers with when the fault names a status but no body. */
export function faultBody(status: number): StripeErrorBody {
  const message = `Injected fault: the Stripe emulator answered ${status} on purpose.`;
  return new StripeFailure(status, faultType(status), message, { code: faultCode(status) }).body();
}

function faultType(status: number): string {
  if (status >= 500) return 'api_error';
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'card_error';
  if (status === 403) return 'permission_error';
  return 'invalid_request_error';
}

function faultCode(status: number): string | undefined {
  switch (status) {
    case 402:
      return 'card_declined';
    case 404:
      return 'resource_missing';
    case 409:
      return 'lock_timeout';
    case 429:
      return 'rate_limit';
    default:
      return undefined;
  }
}

import { GatewayError, type FailureClass, type GatewayErrorOptions } from '../errors/gateway-error.js'

/** 409: the admin API refuses to create a key id that exists or to delete a key the config file defines. */
export class ConflictError extends GatewayError {
  readonly statusCode = 409
  readonly type = 'invalid_request_error'
  readonly defaultFailure: FailureClass = 'caller_invalid_request'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'conflict', options) }
}

import { Elysia, status, ValidationError } from 'elysia'
import { errorBody, errorStatus, LATER_CODES, type ErrorCode } from '@easypass/contracts'
import type { Logger } from './log'
import { allowedMethods } from './routes'

/** An expected failure with its contract code; thrown anywhere, answered in the one error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly status: number = errorStatus[code],
  ) {
    super(message)
  }
}

/** `throw fail('NOT_FOUND', 'event not found')`: the contract's error shape with the code's status. */
export function fail(code: ErrorCode, message: string, details?: unknown) {
  return new AppError(code, message, details)
}

function describeValidation(error: Readonly<ValidationError>) {
  const all = error.all
  // Elysia checks query parameters one by one ("property") and then gives no path: say "query".
  const where = error.type === 'property' ? 'query' : error.type
  const fields = all.map((e) => ({
    path: ('path' in e ? e.path : '').replace(/^\//, '').replaceAll('/', '.') || where,
    message: 'summary' in e && e.summary ? e.summary : e.message,
  }))
  const first = fields[0]
  return { message: first ? `${first.path}: ${first.message}` : `invalid ${error.type}`, fields }
}

/** 405 for a path some route serves with other methods (`details.allow` lists them); undefined when no route has the path. */
export function methodNotAllowed(request: Request): AppError | undefined {
  const allow = allowedMethods(new URL(request.url).pathname)
  if (!allow.length) return undefined
  return new AppError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; this path takes ${allow.join(', ')}`, { allow })
}

/**
 * The one `.onError` of every service: validation, parse, not-found and thrown AppErrors become the
 * contract's error shape; anything unexpected is logged and answered as a bare 500 without internals.
 */
export function errorHandler(log: Logger) {
  return new Elysia({ name: 'kit.errors' })
    .error({ AppError })
    .onError({ as: 'global' }, ({ code, error, set, request }) => {
      set.headers['content-type'] = 'application/json'
      // Checked by class first: an AppError's own `code` (e.g. NOT_FOUND) would otherwise be read as Elysia's.
      // A path some route serves, asked with another method, is 405 rather than "no such route".
      const known = error instanceof AppError ? error : code === 'NOT_FOUND' ? methodNotAllowed(request) : undefined
      if (known) {
        set.status = known.status
        if (known.code === 'METHOD_NOT_ALLOWED') set.headers.allow = (known.details as { allow: string[] }).allow.join(', ')
        if (LATER_CODES.has(known.code) && (known.details as { retryAfterSeconds?: number })?.retryAfterSeconds)
          set.headers['retry-after'] = String((known.details as { retryAfterSeconds: number }).retryAfterSeconds)
        return errorBody(known.code, known.message, known.details)
      }
      if (code === 'VALIDATION') {
        if (error.type === 'response') {
          // Where it failed, never the value (its message carries the whole answer: tokens, addresses).
          const where = (error as { all?: Array<{ path?: string; summary?: string }> }).all?.slice(0, 5).map(({ path, summary }) => ({ path, summary }))
          log.error({ where, url: request.url.split('?')[0] }, 'response failed its own schema')
          set.status = 500
          return errorBody('INTERNAL', 'internal error')
        }
        const { message, fields } = describeValidation(error)
        set.status = 400
        return errorBody('VALIDATION', message, { fields })
      }
      if (code === 'PARSE') {
        set.status = 400
        return errorBody('VALIDATION', 'the request body is not valid JSON')
      }
      if (code === 'NOT_FOUND') {
        set.status = 404
        return errorBody('NOT_FOUND', 'no such route')
      }
      if (code === 'INVALID_COOKIE_SIGNATURE') {
        set.status = 400
        return errorBody('VALIDATION', 'invalid cookie')
      }
      // Mongo's duplicate key: a unique index refused a second copy. Callers that expect it handle it
      // themselves; reaching here means a race the code did not foresee, which is still a conflict.
      if ((error as { code?: number })?.code === 11000) {
        set.status = 409
        return errorBody('CONFLICT', 'already exists')
      }
      if (code === 'UNKNOWN' && error instanceof SyntaxError) {
        set.status = 400
        return errorBody('VALIDATION', 'the request body is not valid JSON')
      }
      log.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : error, url: request.url }, 'unhandled error')
      set.status = 500
      return errorBody('INTERNAL', 'internal error')
    })
}

export { status }

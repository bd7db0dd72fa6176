import { errorBody } from '@easypass/contracts'
import { AppError } from './errors'

export interface CallOptions {
  method?: string
  body?: unknown
  token?: string
  requestId?: string
  timeoutMs?: number
  headers?: Record<string, string>
}

async function send(baseUrl: string, path: string, opts: CallOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept, ...opts.headers }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.requestId) headers['x-request-id'] = opts.requestId
  try {
    return await fetch(baseUrl + path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
    })
  } catch (error) {
    throw new AppError('UNAVAILABLE', `${new URL(baseUrl).host} did not answer`, undefined, 503)
  }
}

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    throw new AppError('UNAVAILABLE', 'a service answered something that is not JSON', undefined, 503)
  }
}

/** A refusal in the error shape keeps its code and status; anything else is a 503. */
function refusal(status: number, json: unknown): AppError {
  const err = (json as ReturnType<typeof errorBody> | undefined)?.error
  if (err?.code) return new AppError(err.code as never, err.message, err.details, status)
  return new AppError('UNAVAILABLE', `a service answered ${status}`, undefined, 503)
}

/**
 * One call from a service to another. Network failures and timeouts become 503 UNAVAILABLE; an
 * answer in the error shape is passed through as an AppError with the same code and status.
 */
export async function callService<T>(baseUrl: string, path: string, opts: CallOptions = {}): Promise<T> {
  const response = await send(baseUrl, path, opts, 'application/json')
  if (response.status === 204) return undefined as T
  const json = parsed(await response.text())
  if (!response.ok) throw refusal(response.status, json)
  return json as T
}

/** The same for a file answer (a PDF): its bytes, or the same errors as `callService`. */
export async function callServiceForFile(baseUrl: string, path: string, opts: CallOptions = {}): Promise<Buffer> {
  const response = await send(baseUrl, path, opts, '*/*')
  if (!response.ok) throw refusal(response.status, parsed(await response.text()))
  try {
    return Buffer.from(await response.arrayBuffer())
  } catch {
    throw new AppError('UNAVAILABLE', `${new URL(baseUrl).host} broke off its answer`, undefined, 503)
  }
}

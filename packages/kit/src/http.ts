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

/** Sends the call: a network failure or a timeout is 503 UNAVAILABLE. */
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
  } catch {
    throw new AppError('UNAVAILABLE', `${new URL(baseUrl).host} did not answer`, undefined, 503)
  }
}

/** The body, read within the call's time as the headers were: a timeout or a dropped connection midway is 503 too. */
async function bodyOf<T>(response: Response, read: (r: Response) => Promise<T>): Promise<T> {
  try {
    return await read(response)
  } catch {
    throw new AppError('UNAVAILABLE', 'a service stopped answering midway', undefined, 503)
  }
}

/** A refusal in the error shape as the AppError it carries (same code and status); anything else 503. */
function refusal(response: Response, json: unknown): AppError {
  const err = (json as ReturnType<typeof errorBody> | undefined)?.error
  // Services call each other with their own tokens: a 401 or 403 is about this service's credentials
  // (a key being rotated, a deploy half done), never the end user's, and no answer to keep. 503.
  if (response.status === 401 || response.status === 403)
    return new AppError('UNAVAILABLE', `a service refused this service's credentials (${response.status}${err?.message ? `: ${err.message}` : ''})`, { retryAfterSeconds: 2 }, 503)
  if (err?.code) return new AppError(err.code as never, err.message, err.details, response.status)
  return new AppError('UNAVAILABLE', `a service answered ${response.status}`, undefined, 503)
}

/**
 * One call from a service to another. Network failures, timeouts and a refusal of the caller's own
 * token (401, 403) become 503 UNAVAILABLE; any other answer in the error shape is passed through as an
 * AppError with the same code and status.
 */
export async function callService<T>(baseUrl: string, path: string, opts: CallOptions = {}): Promise<T> {
  const response = await send(baseUrl, path, opts, 'application/json')
  if (response.status === 204) return undefined as T
  const text = await bodyOf(response, (r) => r.text())
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    throw new AppError('UNAVAILABLE', 'a service answered something that is not JSON', undefined, 503)
  }
  if (!response.ok) throw refusal(response, json)
  return json as T
}

/** A file another service answers with (a PDF): its bytes and the name it gives; failures as `callService`'s. */
export async function callServiceFile(baseUrl: string, path: string, opts: Omit<CallOptions, 'body'> = {}): Promise<{ bytes: Buffer; filename?: string; contentType: string }> {
  const response = await send(baseUrl, path, opts, '*/*')
  const contentType = response.headers.get('content-type') ?? ''
  if (!response.ok || contentType.startsWith('application/json')) throw refusal(response, await response.json().catch(() => undefined))
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1]
  return { bytes: Buffer.from(await bodyOf(response, (r) => r.arrayBuffer())), ...(filename ? { filename } : {}), contentType }
}

// The one way the app calls the API: same origin, `/api`, JSON. Every failure becomes an ApiError with
// words a person can read; a refused access token is refreshed once and the request retried.
import { errorText } from '../i18n/shell'
import { learnServerTime } from './clock'
import { language, t } from './i18n'
import { freshAccessToken, refreshSession, RefreshUnavailable, SESSION_COOKIE_HEADER, withLock } from './session'
import { refusalWords, type TypeNames } from './refusals'

export interface FieldError {
  path: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }

  /** Field errors keyed by field path (`email`, `card.number`), from `details.fields` or a `field: message` text. */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {}
    const list = (this.details as { fields?: FieldError[] } | undefined)?.fields
    if (Array.isArray(list)) {
      for (const f of list) if (f && typeof f.path === 'string' && !(f.path in out)) out[f.path] = fieldMessage(f.path, f.message)
    } else if (this.code === 'VALIDATION') {
      const m = /^([A-Za-z][\w.]*): (.+)$/.exec(this.message)
      if (m) out[m[1]!] = fieldMessage(m[1]!, m[2]!)
    }
    return out
  }
}

/** The schema validator's wording, in a person's words (in the app's language). */
const PLAIN: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^Expected string length greater or equal to (\d+)/, (m) => t(errorText).atLeast(m[1]!)],
  [/^Expected string length less or equal to (\d+)/, (m) => t(errorText).atMost(m[1]!)],
  [/^Expected string to match 'email' format/, () => t(errorText).email],
  [/^Expected (integer|number) to be greater or equal to (\S+)/, (m) => t(errorText).orMore(m[2]!)],
  [/^Expected (integer|number) to be less or equal to (\S+)/, (m) => t(errorText).orLess(m[2]!)],
  [/^Expected (integer|number)/, () => t(errorText).number],
]

/** `card.cvc must be 3 or 4 digits` under the CVC field reads better as `Must be 3 or 4 digits`. */
function fieldMessage(path: string, message: string) {
  let text = message.startsWith(`${path} `) ? message.slice(path.length + 1) : message
  for (const [pattern, say] of PLAIN) {
    const m = pattern.exec(text)
    if (m) {
      text = say(m)
      break
    }
  }
  return capitalise(text.replace(/\.?$/, '.'))
}

function capitalise(s: string) {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s
}

/**
 * Refusals whose server message says nothing more than the code: in German or French the app's own
 * words replace the server's English. Other messages name what was refused (a field, a ticket type)
 * and are shown as the server words them.
 */
const GENERIC = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'UNAVAILABLE'])

function statusCode(status: number) {
  if (status === 400) return 'VALIDATION'
  if (status === 401) return 'UNAUTHENTICATED'
  if (status === 402) return 'PAYMENT_DECLINED'
  if (status === 403) return 'FORBIDDEN'
  if (status === 404) return 'NOT_FOUND'
  if (status === 409) return 'CONFLICT'
  if (status === 410) return 'GONE'
  if (status === 429) return 'RATE_LIMITED'
  return status >= 500 ? 'UNAVAILABLE' : 'ERROR'
}

async function toError(response: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await response.json()
  } catch {}
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error
  const code = typeof e?.code === 'string' ? e.code : statusCode(response.status)
  const words = t(errorText)
  const fallback = words.fallback[code]
  let message =
    typeof e?.message === 'string' && e.message && !(fallback && GENERIC.has(code) && language() !== 'en') ? capitalise(e.message) : (fallback ?? words.failed(response.status))
  if (code === 'RATE_LIMITED') {
    const wait = Number(response.headers.get('retry-after'))
    if (wait > 0) message = words.tooMany(wait)
  }
  if (code === 'UNAVAILABLE' && message !== fallback && !/try again/i.test(message)) message = `${message.replace(/\.?$/, '.')} ${words.tryAgainSoon}`
  if (code === 'INTERNAL') message = words.internal(response.status)
  return new ApiError(response.status, code, message, e?.details)
}

export interface CallOptions {
  method?: string
  body?: unknown
  /** Sent as `Idempotency-Key` (money and inventory writes). */
  idempotencyKey?: string
  signal?: AbortSignal
  /** Guests' calls (sign in, sign up) never carry a token. */
  anonymous?: boolean
}

export async function api<T = unknown>(path: string, opts: CallOptions = {}): Promise<T> {
  return (await apiAnswer<T>(path, opts)).body
}

const WRITES_SESSION_COOKIE = /^\/auth\/(login|register|guest|guest\/session|guest\/account|password|password-reset\/confirm|two-factor\/enable|passkeys\/sign-in|logout|me\/close)$/

/** The call with the session's token, renewed once when it has run out; any answer that is not OK is thrown. */
async function authorized(path: string, opts: CallOptions, accept: string): Promise<Response> {
  const send = async (token: string | null) => {
    // The app's language goes with every call: an order remembers it for its emails and PDFs.
    const headers: Record<string, string> = { accept, 'accept-language': language() }
    const sentAt = Date.now()
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey
    if (token) headers.authorization = `Bearer ${token}`
    // Sign-in, sign-up, password and sign-out answers keep the refresh token in an HttpOnly cookie.
    if (path.startsWith('/auth/')) headers[SESSION_COOKIE_HEADER] = '1'
    try {
      const response = await fetch(`/api${path}`, {
        method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      })
      learnServerTime(response.headers.get('date'), sentAt, Date.now())
      return response
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error
      throw new ApiError(0, 'NETWORK', t(errorText).network)
    }
  }
  const token = opts.anonymous ? null : await freshAccessToken()
  // An answer that writes the session cookie (sign-in, sign-up, a new password, sign-out) lands after
  // any refresh under way, in this tab or another: a late refresh never overwrites the newer cookie.
  let response = await (WRITES_SESSION_COOKIE.test(path) ? withLock(() => send(token)) : send(token))
  if (response.status === 401 && token) {
    let next
    try {
      next = await refreshSession(token)
    } catch (error) {
      if (error instanceof RefreshUnavailable) throw new ApiError(503, 'UNAVAILABLE', t(errorText).renewFailed)
      throw error
    }
    if (!next) throw new ApiError(401, 'UNAUTHENTICATED', t(errorText).sessionEnded)
    response = await send(next.accessToken)
  }
  if (!response.ok) throw await toError(response)
  return response
}

/** As `api`, with the HTTP status: a 202 (accepted, still being done) and a 200 can carry the same body. */
export async function apiAnswer<T = unknown>(path: string, opts: CallOptions = {}): Promise<{ status: number; body: T }> {
  const response = await authorized(path, opts, 'application/json')
  const { status } = response
  if (status === 204) return { status, body: undefined as T }
  const text = await response.text()
  if (!text) return { status, body: undefined as T }
  try {
    return { status, body: JSON.parse(text) as T }
  } catch {
    throw new ApiError(response.status, 'UNAVAILABLE', t(errorText).unreadable)
  }
}

/** A file the API answers with (a PDF): its bytes, and the name the server gives it. */
export async function apiFile(path: string, opts: CallOptions = {}): Promise<{ blob: Blob; filename?: string }> {
  const response = await authorized(path, opts, '*/*')
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1]
  try {
    return { blob: await response.blob(), filename }
  } catch {
    throw new ApiError(0, 'NETWORK', t(errorText).downloadBroke)
  }
}

/** Turns anything thrown into words for the page. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error) return error.message || t(errorText).somethingWrong
  return t(errorText).somethingWrong
}

/**
 * The error to show for a purchase: the same refusal in the reader's words when it names what it
 * refused (`refusalWords`: sold out, a seat taken, a limit…) and the app's language is not English,
 * else as it came.
 */
export function wordRefusal(error: unknown, nameOf: TypeNames): unknown {
  if (!(error instanceof ApiError) || language() === 'en') return error
  const text = refusalWords(error, nameOf)
  return text ? new ApiError(error.status, error.code, text, error.details) : error
}

/** An answer that may not have reached us, or that says for sure nothing happened yet: try the same again. */
export const isTransient = (error: unknown) => error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500)

const openKeys = new Map<string, { key: string; at: number }>()

/**
 * Sends a write that moves money or seats under an Idempotency-Key kept for its `intent` (what, on
 * what, with which input). A try again after an answer that was lost or changed nothing (no connection,
 * 429, 503…) sends the same key, so the server answers the first attempt instead of acting twice. After
 * a final answer (`final`, by default any answer) the next attempt gets a new key. With `openForMs`, a
 * key left open is a retry's only that long after its last attempt: later the same intent is a new wish
 * (the same tickets picked again an hour after a lost answer), not a replay of that attempt's answer.
 * Only for writes where acting twice is harmless (a second hold, say); never for payments.
 */
export async function withKey<T>(intent: string, send: (idempotencyKey: string) => Promise<T>, final: (answer: T) => boolean = () => true, openForMs = Number.POSITIVE_INFINITY): Promise<T> {
  const open = openKeys.get(intent)
  const key = open && Date.now() - open.at < openForMs ? open.key : uuid()
  openKeys.set(intent, { key, at: Date.now() })
  try {
    const answer = await send(key)
    if (final(answer)) openKeys.delete(intent)
    return answer
  } catch (error) {
    if (!isTransient(error)) openKeys.delete(intent)
    throw error
  }
}

/**
 * Closes the keys of every intent starting with `prefix`: what they sent was decided since (a payment
 * answered 202 and followed to its end), so the next attempt is a new one, not a replay of that answer.
 */
export function forgetKeys(prefix: string) {
  for (const intent of [...openKeys.keys()]) if (intent.startsWith(prefix)) openKeys.delete(intent)
}

/**
 * Sends again, after the wait it names, a request the server answered "still being decided" (503 with
 * `retryAfterSeconds`: the work goes on under its Idempotency-Key), a few times, instead of showing that
 * answer: the same key then gets the decision.
 */
export async function untilDecided<T>(send: () => Promise<T>, tries = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send()
    } catch (error) {
      const wait = error instanceof ApiError && error.status === 503 ? Number((error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds) : NaN
      if (!(wait > 0 && wait <= 10) || attempt >= tries) throw error
      await new Promise((resolve) => setTimeout(resolve, wait * 1000))
    }
  }
}

/** A random UUID v4; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

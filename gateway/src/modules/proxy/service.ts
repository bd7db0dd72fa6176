import { AppError, counter, fail, type Logger } from '@easypass/kit'
import type { GatewayConfig } from '../../config'
import { CircuitBreaker } from './breaker'
import { clientResponseHeaders, upstreamRequestHeaders, type ForwardedFor } from './headers'
import type { Upstream } from './routes'

const upstreamCalls = counter('gateway_upstream_requests_total', 'Requests forwarded, by upstream and outcome', ['upstream', 'outcome'])

export interface ForwardRequest {
  request: Request
  url: URL
  upstream: Upstream
  baseUrl: string
  /** Time the upstream has to send its response headers (an event stream's body then has no deadline). */
  budgetMs: number
  /** An event stream: quiet between messages for as long as it likes once its headers came. */
  stream?: boolean
  body: Uint8Array | undefined
  forwarded: ForwardedFor
}

const NO_BODY_STATUS = new Set([101, 103, 204, 205, 304])

/** The request body, at most `limit` bytes (checked against both the declared length and what arrives). */
export async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return undefined
  const tooLarge = () => fail('PAYLOAD_TOO_LARGE', `the request body is larger than ${limit} bytes`, { limitBytes: limit })
  const declared = Number(request.headers.get('content-length'))
  if (declared > limit) throw tooLarge()
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength
    if (size > limit) {
      void reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(next.value)
  }
  return Buffer.concat(chunks)
}

/**
 * Pass-through to the upstreams: method, path, query, body and headers go as they came (minus
 * hop-by-hop and asserted-identity headers); the answer streams back unbuffered, status and headers
 * included. A refused connection or a missed deadline is 503 UNAVAILABLE, and feeds the upstream's
 * circuit breaker. When the client goes away the upstream request is cancelled with it.
 */
export function createForwarder(config: GatewayConfig, log: Logger) {
  const breakers = new Map<Upstream, CircuitBreaker>()
  const breakerOf = (upstream: Upstream) => {
    let breaker = breakers.get(upstream)
    if (!breaker) breakers.set(upstream, (breaker = new CircuitBreaker(config.BREAKER_FAILURES, config.BREAKER_OPEN_MS)))
    return breaker
  }

  async function forward(req: ForwardRequest): Promise<Response> {
    const { request, upstream } = req
    const breaker = breakerOf(upstream)
    if (!breaker.tryAcquire()) {
      upstreamCalls.inc({ upstream, outcome: 'circuit-open' })
      throw fail('UNAVAILABLE', `${upstream} is unavailable, try again shortly`, { upstream })
    }
    const controller = new AbortController()
    const cancel = () => controller.abort()
    request.signal.addEventListener('abort', cancel, { once: true })
    let timedOut = false
    const deadline = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, req.budgetMs)
    let response: Response
    try {
      response = await fetch(req.baseUrl + req.url.pathname + req.url.search, {
        method: request.method,
        headers: upstreamRequestHeaders(request.headers, req.forwarded),
        body: req.body as Uint8Array<ArrayBuffer> | undefined,
        signal: controller.signal,
        redirect: 'manual',
        // Bytes go through as the upstream encoded them (Content-Encoding kept).
        decompress: false,
        // Event streams may stay quiet between messages for as long as they like.
        timeout: !req.stream,
      })
    } catch (error) {
      request.signal.removeEventListener('abort', cancel)
      if (request.signal.aborted && !timedOut) {
        breaker.abandoned()
        throw new AppError('UNAVAILABLE', 'the client went away', undefined, 499)
      }
      breaker.failed()
      const outcome = timedOut ? 'timeout' : 'unreachable'
      upstreamCalls.inc({ upstream, outcome })
      log.warn({ upstream, outcome, requestId: req.forwarded.requestId, err: error instanceof Error ? error.message : String(error) }, 'upstream failed')
      throw fail(
        'UNAVAILABLE',
        timedOut ? `${upstream} did not answer within ${req.budgetMs} ms` : `${upstream} is unavailable`,
        { upstream },
      )
    } finally {
      clearTimeout(deadline)
    }
    breaker.succeeded()
    upstreamCalls.inc({ upstream, outcome: 'response' })
    const bodyless = NO_BODY_STATUS.has(response.status) || request.method === 'HEAD'
    if (bodyless) void response.body?.cancel().catch(() => {})
    const headers = clientResponseHeaders(response.headers)
    // The id the gateway logged and forwarded is the one the client gets back, whatever the upstream said.
    headers.set('x-request-id', req.forwarded.requestId)
    return new Response(bodyless ? null : response.body, { status: response.status, statusText: response.statusText, headers })
  }

  return { forward, breakerOf }
}

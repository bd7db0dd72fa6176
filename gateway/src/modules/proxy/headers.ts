/** Headers that describe one connection, not the message: never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
])

/** Written by the gateway itself; whatever the client sent under these names is dropped. */
const SET_BY_GATEWAY = new Set([
  'host',
  'content-length',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'x-client-ip',
  'x-request-id',
])

/**
 * Identity travels only as the bearer token, which every service verifies itself. Headers that look
 * like identity asserted by a proxy (`x-user-id: …`, `x-user-role: admin`) are removed so that no
 * service can ever be tempted to believe them.
 */
const ASSERTED_IDENTITY = /^x-(user|principal|auth|service|internal|role|roles|admin)(-|$)/

function connectionTokens(headers: Headers): Set<string> {
  return new Set((headers.get('connection') ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))
}

export interface ForwardedFor {
  clientIp: string
  requestId: string
  /** Host and scheme the client used; taken from `X-Forwarded-*` only when the socket is a trusted proxy. */
  host: string
  proto: string
}

export function upstreamRequestHeaders(incoming: Headers, forwarded: ForwardedFor): Headers {
  const named = connectionTokens(incoming)
  const headers = new Headers()
  for (const [name, value] of incoming) {
    if (HOP_BY_HOP.has(name) || SET_BY_GATEWAY.has(name) || named.has(name) || ASSERTED_IDENTITY.test(name)) continue
    headers.append(name, value)
  }
  headers.set('x-forwarded-for', forwarded.clientIp)
  headers.set('x-real-ip', forwarded.clientIp)
  headers.set('x-forwarded-host', forwarded.host)
  headers.set('x-forwarded-proto', forwarded.proto)
  headers.set('x-request-id', forwarded.requestId)
  return headers
}

export function clientResponseHeaders(upstream: Headers): Headers {
  const named = connectionTokens(upstream)
  const headers = new Headers()
  for (const [name, value] of upstream) {
    if (HOP_BY_HOP.has(name) || named.has(name)) continue
    headers.append(name, value)
  }
  return headers
}

/** On every `/api` answer, proxied or the gateway's own: JSON that no browser sniffs, frames or caches. */
export const API_SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
}

/** Swagger UI runs one inline bootstrap script and inline styles; everything it loads comes from here. */
export const DOCS_SECURITY_HEADERS: Record<string, string> = {
  ...API_SECURITY_HEADERS,
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
}

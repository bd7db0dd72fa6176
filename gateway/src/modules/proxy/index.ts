import { Elysia } from 'elysia'
import { addressKey, fail, methodNotAllowed, worksTheDoor, type Logger } from '@easypass/kit'
import type { GatewayConfig } from '../../config'
import { auditPath, isAudited, type AuditLog } from '../audit/service'
import { identifiedAndCounted, type Identify } from '../identity'
import type { RateLimits } from '../ratelimit'
import { resolveClientIp, trustedProxies } from './client-ip'
import { API_SECURITY_HEADERS, DOCS_SECURITY_HEADERS } from './headers'
import { isApiPath, isEventStream, resolveRoute, upstreamBudgetMs, upstreamUrl } from './routes'
import { createForwarder, readBody } from './service'
import { releasedAtEnd, streamLimit } from './streams'

export interface ProxyDeps {
  config: GatewayConfig
  log: Logger
  identify: Identify
  rateLimits: RateLimits
  audit: AuditLog
}

/** Security headers on every `/api` answer, errors included, set before anything else can fail. */
export const securityHeaders = () =>
  new Elysia({ name: 'gateway.security-headers' }).onRequest(({ request, set }) => {
    const path = new URL(request.url).pathname
    if (!isApiPath(path)) return
    Object.assign(set.headers, path === '/api/docs' || path.startsWith('/api/docs/') ? DOCS_SECURITY_HEADERS : API_SECURITY_HEADERS)
  })

/**
 * Everything that is not one of the gateway's own routes: resolved by the route table, checked
 * (token, rate limit, body size) and forwarded. Unknown `/api` paths end here as 404.
 */
/** Routes whose caller is a guest by definition (the contract's `guest`). */
const GUEST_ROUTES = new Set(['/api/auth/login', '/api/auth/register', '/api/auth/refresh', '/api/auth/password-reset', '/api/auth/password-reset/confirm', '/api/auth/guest', '/api/auth/guest/link', '/api/auth/guest/session', '/api/auth/passkeys/sign-in/options', '/api/auth/passkeys/sign-in'])

export function proxyModule({ config, log, identify, rateLimits, audit }: ProxyDeps) {
  const forwarder = createForwarder(config, log)
  const isTrusted = trustedProxies(config.TRUSTED_PROXIES)
  const streams = streamLimit(config.STREAMS_PER_ADDRESS)

  return new Elysia({ name: 'gateway.proxy' }).all(
    '/*',
    async ({ request, set, server }) => {
      const url = new URL(request.url)
      const route = resolveRoute(url.pathname)
      // A path of the gateway's own (health, docs, audit) asked with another method: 405.
      if (!route) throw methodNotAllowed(request) ?? fail('NOT_FOUND', `no such route: ${request.method} ${url.pathname}`)

      const socketIp = server?.requestIP(request)?.address ?? '0.0.0.0'
      const viaTrustedProxy = isTrusted(socketIp)
      const clientIp = resolveClientIp(socketIp, request.headers.get('x-forwarded-for'), isTrusted)

      // Signing in, signing up, checking out as a guest, refreshing and resetting a password are for guests: a stale token sent along (the very reason
      // to refresh) is not looked at, and the limits count the address.
      const forGuests = request.method === 'POST' && GUEST_ROUTES.has(url.pathname.replace(/\/+$/, ''))
      const principal = route.upstream !== 'web' && !forGuests ? await identifiedAndCounted(identify, rateLimits, request.headers.get('authorization'), clientIp) : undefined

      if (forGuests) await rateLimits.consume({ ip: clientIp })

      const baseUrl = upstreamUrl(route.upstream, config)
      if (!baseUrl) throw fail('UNAVAILABLE', `${route.upstream} is not available in this deployment`, { upstream: route.upstream })

      const body = await readBody(request, config.MAX_BODY_BYTES)
      const eventStream = request.method === 'GET' && isEventStream(url.pathname)
      // Event streams live as long as the client wants (no idle timeout on this connection), a bounded
      // number at once from one address.
      const release = eventStream ? streams.open(addressKey(clientIp)) : undefined
      if (eventStream) server?.timeout(request, 0)

      const requestId = String(set.headers['x-request-id'])
      const forwarding = forwarder.forward({
        request,
        url,
        upstream: route.upstream,
        baseUrl,
        budgetMs: upstreamBudgetMs(route, request.method, config),
        stream: eventStream,
        body,
        forwarded: {
          clientIp,
          requestId,
          host: (viaTrustedProxy && request.headers.get('x-forwarded-host')) || request.headers.get('host') || url.host,
          proto: (viaTrustedProxy && request.headers.get('x-forwarded-proto')) || url.protocol.replace(':', ''),
        },
      })
      // An admin's or door worker's change (or export), and how it ended (also when no upstream answered).
      // A customer's request is not looked at.
      const audited = worksTheDoor(principal) ? auditPath(url.pathname) : undefined
      const record = (status: number) => audit.record({ principal: principal!, method: request.method, path: audited!, status, requestId, ip: clientIp })
      const forwarded =
        audited === undefined
          ? forwarding
          : forwarding.then(
              (response) => {
                if (isAudited(request.method, audited, response)) record(response.status)
                return response
              },
              (error) => {
                if (isAudited(request.method, audited)) record((error as { status?: number })?.status ?? 502)
                throw error
              },
            )
      if (!release) return forwarded
      return forwarded.then(
        (response) => releasedAtEnd(response, request.signal, release),
        (error) => {
          release()
          throw error
        },
      )
    },
    { parse: 'none', detail: { hide: true } },
  )
}

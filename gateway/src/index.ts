// The gateway: the only public entry of EasyPass. Routing, early token checks, rate limits, request
// ids, timeouts and circuit breaking, and the merged OpenAPI document with Swagger UI. No domain logic.
//
// Identity, how it travels and where it is checked:
// - A client sends `Authorization: Bearer <accessToken>` (issued by auth). The gateway verifies it
//   with kit's verifier (EdDSA with auth's public key only, issuer, expiry, `typ: access`; it holds no
//   key that could make a token) and answers 401 UNAUTHENTICATED at
//   once for a forged, tampered, expired or `alg: none` token. Valid tokens key the per-user rate limit.
// - The Authorization header is forwarded UNCHANGED and every service verifies it again (kit
//   `authPlugin`): reaching a service is never proof of identity. The gateway passes no identity of its
//   own and strips incoming `x-user-*`-style headers, so nothing but the signed token can assert one.
// - Services call each other directly (their `<NAME>_URL`, not through the gateway) with short-lived
//   tokens from kit `serviceTokens` (role `service`). Such a token arriving from outside is refused.
// - The client address is the socket's; `X-Forwarded-For` is believed only from `TRUSTED_PROXIES`.
//   Upstreams receive the resolved address as `x-real-ip` and `x-forwarded-for` (overwritten).
import { connectRedis, createLogger, createService, drain, learnRoutes, onShutdown, pingRedis } from '@easypass/kit'
import { loadGatewayConfig } from './config'
import { requiredInProduction } from '@easypass/kit'
import { auditModule } from './modules/audit'
import { auditLog } from './modules/audit/service'
import { docsModule } from './modules/docs'
import { healthModule } from './modules/health'
import { createIdentity } from './modules/identity'
import { proxyModule, securityHeaders } from './modules/proxy'
import { createRateLimits } from './modules/ratelimit'

const config = loadGatewayConfig()
// In production every upstream is named: a gateway missing one would start and answer 503 on its routes.
for (const name of ['AUTH_URL', 'CATALOG_URL', 'TICKETING_URL', 'ORDERS_URL', 'PAYMENTS_URL', 'NOTIFICATIONS_URL', 'WEB_URL', 'TICKETING_WORKER_URL', 'ORDERS_WORKER_URL', 'NOTIFICATIONS_WORKER_URL'] as const)
  requiredInProduction(config, name, config[name])
const log = createLogger('gateway', config.LOG_LEVEL)
const redis = connectRedis(config.REDIS_URL, { name: 'gateway', autoPipeline: true })
redis.on('error', () => {}) // reported by /health and the rate limiter (which fails open), not per reconnect attempt
const checks = { redis: () => pingRedis(redis) }
// Rate limits count from the first request when Redis is there; when it is not, start anyway (fail open).
if (redis.status !== 'ready') await Promise.race([new Promise((ready) => redis.once('ready', ready)), Bun.sleep(3_000)])
/** The gateway's own routes (`/api/health`) as documented by kit's `/openapi/json`, for the merged document. */
async function ownDocument(): Promise<Record<string, unknown>> {
  return (await app.handle(new Request('http://gateway/openapi/json'))).json()
}

const identify = createIdentity(config, redis)
const rateLimits = createRateLimits(config, redis, log)
const audit = auditLog(redis, { prefix: config.REDIS_PREFIX, maxEntries: config.AUDIT_MAX_ENTRIES, log })
const app = createService({ name: 'gateway', description: 'The public entry of EasyPass', log, checks })
  .use(securityHeaders())
  .use(healthModule({ config, checks }))
  .use(docsModule({ config, log, ownDocument }))
  .use(auditModule({ config, audit, identify, rateLimits }))
  .use(proxyModule({ config, log, identify, rateLimits, audit }))

// Not kit's `serve`: the gateway enforces its 1 MB body limit itself (413 in the error shape, with its
// request id), and its connections must outlive the slowest upstream budget. Bun's own limit is set out
// of reach: past it Bun answers a bare 413 before any handler runs. Bun reads a body only as the handler
// asks for it (measured with Bun 1.4.5: a client streaming 400 MB at a handler still waiting got 8 MB into
// the socket buffers, and the server grew by 5 MB); the handler refuses by the declared length, or stops
// reading at the limit.
const longestBudgetSeconds = Math.ceil(Math.max(config.UPSTREAM_TIMEOUT_MS, config.UPSTREAM_ORDERS_WRITE_TIMEOUT_MS) / 1000)
learnRoutes(app)
app.listen({ port: config.PORT, hostname: config.HOST, maxRequestBodySize: Number.MAX_SAFE_INTEGER, idleTimeout: Math.min(255, longestBudgetSeconds + 10) })
log.info({ port: config.PORT }, 'listening')
// `quit` waits for Redis; when it is not there, there is nothing to wait for.
onShutdown(log, [drain(config.SHUTDOWN_DRAIN_MS), () => app.stop(), () => (redis.status === 'ready' ? redis.quit() : redis.disconnect())])

import { Elysia } from 'elysia'
import { openapi } from '@elysiajs/openapi'
import { ErrorResponse } from '@easypass/contracts'
import { errorHandler } from './errors'
import { learnRoutes } from './routes'
import { httpDuration, registry } from './metrics'
import { isDraining, stopWithSupervisor } from './supervisor'
import type { Logger } from './log'
import { requestIdOf } from './request-id'

export type HealthChecks = Record<string, () => Promise<unknown>>

export interface ServiceOptions {
  name: string
  description: string
  log: Logger
  checks: HealthChecks
}


/** Runs every dependency check with a deadline; the answer says which one is down. */
export async function runChecks(checks: HealthChecks, timeoutMs = 2_000) {
  const results: Record<string, string> = {}
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([check(), Bun.sleep(timeoutMs).then(() => Promise.reject(new Error('timeout')))])
        results[name] = 'ok'
      } catch (error) {
        results[name] = `down: ${error instanceof Error ? error.message : String(error)}`
      }
    }),
  )
  const ok = Object.values(results).every((r) => r === 'ok')
  return { ok, results }
}

/**
 * The service defaults every EasyPass service starts from: request ids, JSON access logs, the one
 * error shape, `/health` over the service's own dependencies, Prometheus `/metrics`, and its
 * OpenAPI document at `/openapi/json` (merged by the gateway into the public one).
 */
export function createService(opts: ServiceOptions) {
  const { log } = opts
  return new Elysia({ name: `service.${opts.name}` })
    .use(errorHandler(log))
    .model({ Error: ErrorResponse })
    .use(
      openapi({
        path: '/openapi',
        provider: null,
        documentation: {
          info: { title: `EasyPass ${opts.name}`, version: '1.0.0', description: opts.description },
          components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        },
        // No service serves static files: a route with a dot (`/attendees.csv`) is an API route, documented.
        exclude: { paths: ['/health', '/metrics'], staticFile: false },
      }),
    )
    // Set on request (not derive) so that even a request refused while parsing carries its id.
    .onRequest(({ request, set }) => {
      const given = request.headers.get('x-request-id')
      set.headers['x-request-id'] = requestIdOf(given)
    })
    .derive({ as: 'global' }, ({ set }) => ({ requestId: String(set.headers['x-request-id']), startedAt: performance.now() }))
    .onAfterResponse({ as: 'global' }, (ctx) => {
      const { request, set, route } = ctx
      const { requestId, startedAt } = ctx as unknown as { requestId?: string; startedAt?: number }
      const status = typeof set.status === 'number' ? set.status : 200
      const seconds = startedAt ? (performance.now() - startedAt) / 1000 : 0
      httpDuration.observe({ method: request.method, route: route || 'unmatched', status: String(status) }, seconds)
      if (route !== '/health' && route !== '/live' && route !== '/metrics')
        log.info({ requestId, method: request.method, route, status, ms: Math.round(seconds * 1000) }, 'request')
    })
    // Liveness for Docker and Traefik: the process answers. /health (readiness, with every dependency)
    // is what /api/health aggregates; a database being down must not get every process restarted.
    // While draining (stopping behind Traefik), 503: Traefik takes the replica out, requests are still served.
    .get(
      '/live',
      ({ set }) => {
        if (!isDraining()) return { status: 'ok', service: opts.name }
        set.status = 503
        return { status: 'draining', service: opts.name }
      },
      { detail: { hide: true } },
    )
    .get(
      '/health',
      async ({ set }) => {
        const { ok, results } = await runChecks(opts.checks)
        set.status = ok ? 200 : 503
        return { status: ok ? 'ok' : 'degraded', service: opts.name, checks: results }
      },
      { detail: { hide: true } },
    )
    .get(
      '/metrics',
      async ({ set }) => {
        set.headers['content-type'] = registry.contentType
        return registry.metrics()
      },
      { detail: { hide: true } },
    )
}

export interface ServeOptions {
  port: number
  hostname: string
  log: Logger
  /** Closed in order after the server stopped taking requests: workers first, then connections. */
  closers?: Array<() => Promise<unknown> | unknown>
  /** Run before the server stops taking requests: ending long-lived answers (event streams) it would wait for. */
  beforeStop?: Array<() => Promise<unknown> | unknown>
}

/** Listens, and on SIGTERM/SIGINT stops taking requests, lets in-flight ones finish, closes the rest, exits. */
export function serve(app: Elysia<any, any, any, any, any, any, any>, opts: ServeOptions) {
  learnRoutes(app)
  app.listen({ port: opts.port, hostname: opts.hostname, maxRequestBodySize: 1024 * 1024 })
  opts.log.info({ port: opts.port }, 'listening')
  onShutdown(opts.log, [...(opts.beforeStop ?? []), () => app.stop(), ...(opts.closers ?? [])])
  return app
}

/** The whole shutdown fits in this, inside the stack's 30 s stop_grace_period (SIGKILL after it). */
export const SHUTDOWN_DEADLINE_MS = 25_000
/** What each closer after the running one keeps for itself when an earlier one is slow (a flush, a drain). */
const CLOSER_RESERVE_MS = 1_000

/** Runs the closers in order, each given up on when its share of the deadline is spent. */
export async function closeInTime(log: Logger, closers: Array<() => Promise<unknown> | unknown>, deadlineMs: number) {
  const deadline = Date.now() + deadlineMs
  for (const [i, close] of closers.entries()) {
    const budget = Math.max(CLOSER_RESERVE_MS, deadline - Date.now() - (closers.length - 1 - i) * CLOSER_RESERVE_MS)
    let timer: Timer | undefined
    try {
      await Promise.race([close(), new Promise((resolve) => (timer = setTimeout(resolve, budget)))])
    } catch (error) {
      log.warn({ err: String(error) }, 'error while closing')
    } finally {
      clearTimeout(timer)
    }
  }
}

/**
 * Graceful shutdown for any process (services and workers): each closer runs once, in order, within
 * one deadline for all. A slow first closer (a worker finishing its running job) may use what the
 * later ones (connections, flushes) do not need, never the second each keeps.
 */
export function onShutdown(log: Logger, closers: Array<() => Promise<unknown> | unknown>, deadlineMs = SHUTDOWN_DEADLINE_MS) {
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    await closeInTime(log, closers, deadlineMs)
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  stopWithSupervisor(() => void stop('supervisor gone'))
}

import { runChecks, type HealthChecks } from '@easypass/kit'
import type { GatewayConfig } from '../../config'
import { UPSTREAM_URL_VARS, upstreamUrl, type Upstream } from '../proxy/routes'

export interface ServiceHealth {
  status: 'ok' | 'degraded' | 'down'
  checks: Record<string, string>
  error?: string
}

const HEALTH_TIMEOUT_MS = 2_000

/** The public answer names what is down, never why: error texts carry internal hosts and ports (each service logs them). */
const publicChecks = (checks: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(checks).map(([name, result]) => [name, result === 'ok' ? 'ok' : 'down']))

/** One upstream's own `/health` (its MongoDB, Redis, NATS...), read with a deadline. */
async function upstreamHealth(baseUrl: string): Promise<ServiceHealth> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), headers: { accept: 'application/json' } })
    const body = (await response.json().catch(() => undefined)) as { status?: string; checks?: Record<string, string> } | undefined
    const checks = body?.checks && typeof body.checks === 'object' ? publicChecks(body.checks) : {}
    if (response.ok && body?.status === 'ok') return { status: 'ok', checks }
    return { status: 'degraded', checks, error: `health answered ${response.status}` }
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    return { status: 'down', checks: {}, error: timedOut ? `no answer within ${HEALTH_TIMEOUT_MS} ms` : 'unreachable' }
  }
}

/** Processes without routes whose health is part of the system's: without them holds and orders stall, and webhooks wait. */
const WORKER_URL_VARS = { 'ticketing-worker': 'TICKETING_WORKER_URL', 'orders-worker': 'ORDERS_WORKER_URL', 'notifications-worker': 'NOTIFICATIONS_WORKER_URL' } as const satisfies Record<string, keyof GatewayConfig>

/**
 * Readiness of the whole system as a client sees it: every configured upstream and worker and the
 * gateway's own dependencies, all asked in parallel. What is not configured is not part of this deployment.
 */
export async function systemHealth(config: GatewayConfig, gatewayChecks: HealthChecks) {
  const workers = Object.entries(WORKER_URL_VARS).map(([name, key]) => [name, config[key]?.replace(/\/+$/, '')] as const)
  const configured = [
    ...(Object.keys(UPSTREAM_URL_VARS) as Upstream[]).map((name) => [name, upstreamUrl(name, config)] as const),
    ...workers,
  ].flatMap(([name, url]) => (url ? [[name, url] as const] : []))
  const [own, ...upstreams] = await Promise.all([
    runChecks(gatewayChecks, HEALTH_TIMEOUT_MS),
    ...configured.map(([, url]) => upstreamHealth(url)),
  ])
  const services: Record<string, ServiceHealth> = {
    gateway: { status: own.ok ? 'ok' : 'degraded', checks: publicChecks(own.results) },
  }
  configured.forEach(([name], i) => (services[name] = upstreams[i]!))
  const ok = Object.values(services).every((s) => s.status === 'ok')
  return { ok, body: { status: ok ? ('ok' as const) : ('degraded' as const), services } }
}

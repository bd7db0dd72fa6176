import { Elysia, t } from 'elysia'
import { tagsOf } from '@easypass/contracts'
import type { HealthChecks } from '@easypass/kit'
import type { GatewayConfig } from '../../config'
import { systemHealth } from './service'

const ServiceHealth = t.Object({
  status: t.Union([t.Literal('ok'), t.Literal('degraded'), t.Literal('down')]),
  checks: t.Record(t.String(), t.String(), { examples: [{ mongo: 'ok', nats: 'ok' }] }),
  error: t.Optional(t.String()),
})

const SystemHealth = t.Object(
  {
    status: t.Union([t.Literal('ok'), t.Literal('degraded')]),
    services: t.Record(t.String(), ServiceHealth),
  },
  { title: 'SystemHealth' },
)

export function healthModule(deps: { config: GatewayConfig; checks: HealthChecks }) {
  // Health is not rate limited (monitors poll it), so requests that arrive while one round of checks
  // is running share its answer: a flood of /api/health asks each service once per round, not once each.
  let running: ReturnType<typeof systemHealth> | undefined
  const shared = () => (running ??= systemHealth(deps.config, deps.checks).finally(() => (running = undefined)))
  return new Elysia({ name: 'gateway.health' }).get(
    '/api/health',
    async ({ set }) => {
      const { ok, body } = await shared()
      set.status = ok ? 200 : 503
      set.headers['cache-control'] = 'no-store'
      return body
    },
    {
      response: { 200: SystemHealth, 503: SystemHealth },
      detail: {
        tags: tagsOf('Operations'),
        summary: 'Readiness of the whole system',
        description:
          "Asks every service's and worker's own health check (its MongoDB, Redis, NATS) in parallel with a 2 s deadline, plus the gateway's Redis. 200 when all are ok, 503 naming what is not. Requests that arrive while a round of checks runs share its answer.",
      },
    },
  )
}

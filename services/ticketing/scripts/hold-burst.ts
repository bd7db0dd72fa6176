// Measures how many inventory decisions per second the worker makes: one event, a burst of N
// concurrent holds (1 ticket each) sent straight to ticketing's internal op endpoint, as orders sends
// them. Boots its own system in a fresh namespace. Prints numbers; not a test.
//   node_modules/.bin/bun services/ticketing/scripts/hold-burst.ts --ops 1000 --capacity 1000
import { serviceTokens } from '@easypass/kit'
import { bootSystem } from '../../../tests/support/boot'
import { serviceKeyVariable } from '../../../stack/local/secrets'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const OPS = arg('ops', 1000)
const CAPACITY = arg('capacity', OPS)
const ROUNDS = arg('rounds', 3)

const system = await bootSystem({ RATE_LIMIT_DISABLED: 'true', LOG_LEVEL: 'error' })
try {
  const api = async (path: string, body: unknown, token: string) => {
    const r = await fetch(`${system.gatewayUrl}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
    return { status: r.status, body: (await r.json()) as any }
  }
  const login = await fetch(`${system.gatewayUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(system.admin) })
  const adminToken = ((await login.json()) as { accessToken: string }).accessToken
  // As orders sends them: with orders' own token, the one service ticketing takes ops from.
  const service = await serviceTokens({ SERVICE_KEY: system.env[serviceKeyVariable('orders')], SERVICE_PUBLIC_KEYS: system.env.SERVICE_PUBLIC_KEYS, JWT_ISSUER: 'easypass' }, 'orders')()
  const oid = () => [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, '0')).join('')
  const startsAt = new Date(Date.now() + 30 * 86_400_000)

  for (let round = 1; round <= ROUNDS; round++) {
    const event = await api('/events', {
      title: 'Burst', description: 'bench', category: 'music', venue: { name: 'Arena', address: 'Street 1', city: 'Oulu' },
      startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), organizer: 'Bench', status: 'published',
    }, adminToken)
    const type = await api(`/events/${event.body.id}/ticket-types`, { name: 'General', priceCents: 4500, currency: 'EUR', capacity: CAPACITY }, adminToken)
    if (type.status !== 201) throw new Error(`ticket type: ${type.status} ${JSON.stringify(type.body)}`)
    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: OPS }, async () => {
        const r = await fetch(`${system.urls.ticketing}/internal/inventory/ops`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${service}` },
          body: JSON.stringify({ eventId: event.body.id, op: { type: 'hold', orderId: oid(), userId: 'bench', items: [{ ticketTypeId: type.body.id, quantity: 1 }] } }),
        })
        return { status: r.status, body: (await r.json()) as { ok: boolean; batchSize?: number } }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const decided = results.filter((r) => r.status === 200)
    const jobs = Math.round(decided.reduce((sum, r) => sum + 1 / (r.body.batchSize ?? 1), 0))
    console.log(
      `round ${round}: ${OPS} holds in ${seconds.toFixed(2)} s → ${Math.round(decided.length / seconds)} decisions/s; ` +
        `${decided.filter((r) => r.body.ok).length} ok, ${decided.length - decided.filter((r) => r.body.ok).length} refused, ${OPS - decided.length} undecided; ${jobs} jobs`,
    )
  }
  const metrics = await (await fetch(`${system.urls['ticketing-worker']}/metrics`)).text()
  const value = (name: string) => Number(metrics.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN)
  const jobSeconds = value('ticketing_inventory_job_duration_seconds_sum{job="apply"}')
  const jobCount = value('ticketing_inventory_job_duration_seconds_count{job="apply"}')
  console.log(`worker: ${jobCount} apply jobs, ${((jobSeconds / jobCount) * 1000).toFixed(1)} ms each on average, ${jobSeconds.toFixed(2)} s in all`)
} finally {
  await system.stopAll()
  process.exit(0)
}

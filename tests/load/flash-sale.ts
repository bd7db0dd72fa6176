// `npm run bench`: a flash sale through the gateway on this machine, everything local.
// One event, 5,000 tickets, 1,000 concurrent buyers each asking for 1–4 tickets with a card that is
// approved, again and again until the event is sold out. Prints a table; not a test.
//   npm run bench -- --tickets 5000 --buyers 1000            closed: each buyer asks again when answered
//   npm run bench -- --tickets 5000 --buyers 1000 --rate 800  open: 800 purchases start every second
//   --warmup 300: 300 purchases of another event first, not counted (default 0: a cold start)
//   --worker-replicas 2: two ticketing workers taking turns, as the Swarm stack runs them (default 1)
import { cpus, totalmem } from 'node:os'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bootSystem } from '../support/boot'
import { freePort } from '../../stack/local/infra'
import { ROOT } from '../../stack/local/services'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const TICKETS = arg('tickets', 5000)
const BUYERS = arg('buyers', 1000)
/** Purchases started per second (open model); 0: every buyer asks again as soon as answered (closed). */
const RATE = arg('rate', 0)
/** Purchases of another event before the measured sale (not counted). */
const WARMUP = arg('warmup', 0)
const MAX_PER_REQUEST = 4
/** Ticketing workers (the stack runs two): the others are copies of the first, on ports of their own. */
const WORKER_REPLICAS = arg('worker-replicas', 1)

const system = await bootSystem({ RATE_LIMIT_DISABLED: 'true', LOG_LEVEL: 'error' }, { fresh: true })
const base = `${system.gatewayUrl}/api`
const workerUrls = [system.urls['ticketing-worker']!]
for (let i = 1; i < WORKER_REPLICAS; i++) {
  const port = await freePort()
  await system.startCopy('ticketing-worker', port)
  workerUrls.push(`http://127.0.0.1:${port}`)
}

async function call(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const r = await fetch(base + path, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  const text = await r.text()
  return { status: r.status, body: text ? JSON.parse(text) : undefined }
}

async function pool<T>(n: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n)
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++
      out[i] = await work(i)
    }
  }))
  return out
}

console.log(`setting up: event with ${TICKETS} tickets, ${BUYERS} buyers…`)
const admin = await call('/auth/login', { body: system.admin })
const adminToken = admin.body.accessToken
const startsAt = new Date(Date.now() + 30 * 86_400_000)
const event = await call('/events', { token: adminToken, body: { title: 'Flash sale', description: 'bench', category: 'music', venue: { name: 'Arena', address: 'Street 1', city: 'Oulu' }, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), organizer: 'Bench', status: 'published' } })
if (event.status !== 201) throw new Error(`event: ${JSON.stringify(event.body)}`)
const type = await call(`/events/${event.body.id}/ticket-types`, { token: adminToken, body: { name: 'General', priceCents: 4500, currency: 'EUR', capacity: TICKETS, maxPerOrder: MAX_PER_REQUEST } })
if (type.status !== 201) throw new Error(`ticket type: ${JSON.stringify(type.body)}`)
const tokens = await pool(BUYERS, 8, async (i) => {
  const r = await call('/auth/register', { body: { email: `buyer${i}-${system.namespace}@bench.test`, password: 'bench-password', name: `Buyer ${i}` } })
  if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.accessToken as string
})

const latencies: number[] = []
/** When each request started (ms into the sale) and how long it took: shows a stall as it happened. */
const timeline: Array<{ at: number; ms: number }> = []
const outcomes = new Map<string, number>()
let ticketsBought = 0
let retried503 = 0
const card = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: '123' }
/** CPU seconds used so far by each process of the system (and by this load generator), from /proc. */
function cpuByProcess(): Map<string, number> {
  const out = new Map<string, number>()
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
      const name =
        Number(pid) === process.pid ? 'load generator (this)' :
        /services\/(\w+)\/src\/worker/.exec(cmd)?.[1]?.concat('-worker') ??
        /services\/(\w+)\/src\/index/.exec(cmd)?.[1] ??
        (/gateway\/src\/index/.test(cmd) ? 'gateway' : /web\/(src|server)/.test(cmd) ? 'web' : /ferretdb/.test(cmd) ? 'ferretdb' : /redis-server/.test(cmd) ? 'redis' : /nats-server/.test(cmd) ? 'nats' : null)
      if (!name) continue
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100)
      out.set(`${name} (system)`, (out.get(`${name} (system)`) ?? 0) + Number(fields[12]) / 100)
    } catch {
      // the process ended meanwhile
    }
  }
  return out
}

// Warm-up, not counted: a small sale of another event, so that the measured one meets running
// processes (compiled code, open connections, existing collections), as a real on-sale does.
if (WARMUP > 0) {
  console.log(`warming up: ${WARMUP} purchases of another event…`)
  const warm = await call('/events', { token: adminToken, body: { title: 'Warm-up', description: 'bench', category: 'music', venue: { name: 'Hall', address: 'Street 2', city: 'Oulu' }, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), organizer: 'Bench', status: 'published' } })
  const warmType = await call(`/events/${warm.body.id}/ticket-types`, { token: adminToken, body: { name: 'General', priceCents: 4500, currency: 'EUR', capacity: WARMUP, maxPerOrder: 1 } })
  await pool(WARMUP, 100, (i) =>
    call('/orders', { token: tokens[i % tokens.length]!, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: warm.body.id, items: [{ ticketTypeId: warmType.body.id, quantity: 1 }], payment: { card } } }),
  )
  await Bun.sleep(2_000)
}

console.log('selling…')
const cpuBefore = cpuByProcess()
const started = performance.now()
/** One purchase as a buyer's page makes it: 503 retried with the same key, a 202 polled until final. */
async function purchase(token: string, quantity: number): Promise<{ status: number; body: any }> {
  const t0 = performance.now()
  let r: { status: number; body: any } = { status: 0, body: undefined }
  const idempotencyKey = crypto.randomUUID()
  // 503 means "not now, nothing happened": a client retries with the same Idempotency-Key.
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      r = await call('/orders', { token, headers: { 'idempotency-key': idempotencyKey }, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity }], payment: { card } } })
    } catch (error) {
      r = { status: 0, body: { error: { code: String(error) } } }
    }
    if (r.status !== 503) break
    retried503++
    await Bun.sleep(250 + Math.random() * 250)
  }
  // 202: decided later, as the contract says; a buyer's page polls the order until it is final.
  if (r.status === 202 && r.body?.id) {
    outcomes.set('answered 202 first', (outcomes.get('answered 202 first') ?? 0) + 1)
    for (let i = 0; i < 600; i++) {
      await Bun.sleep(250)
      const o = await call(`/orders/${r.body.id}`, { token })
      if (o.status !== 200 || o.body.status === 'pending') continue
      r = o.body.status === 'paid' ? { status: 201, body: o.body } : { status: 409, body: { error: { code: `order ${o.body.status}` } } }
      break
    }
  }
  latencies.push(performance.now() - t0)
  timeline.push({ at: t0 - started, ms: performance.now() - t0 })
  const key = r.status === 201 ? 'paid' : `${r.status} ${r.body?.error?.code ?? ''}`.trim()
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
  if (r.status === 201) ticketsBought += quantity
  return r
}
const soldOut = (r: { status: number; body: any }) => r.status === 409 && (r.body?.error?.code === 'SOLD_OUT' || r.body?.error?.code === 'order failed')
const randomQuantity = () => 1 + Math.floor(Math.random() * MAX_PER_REQUEST)

if (RATE > 0) {
  // Open model (k6's constant-arrival-rate): RATE purchases start every second, whoever is still
  // waiting for an answer, until one for a single ticket is refused as sold out.
  const running: Promise<unknown>[] = []
  let over = false
  for (let n = 0; !over; n++) {
    const due = started + (n * 1000) / RATE
    if (due > performance.now()) await Bun.sleep(due - performance.now())
    const quantity = randomQuantity()
    running.push(purchase(tokens[n % tokens.length]!, quantity).then((r) => { if (soldOut(r) && quantity === 1) over = true }))
  }
  await Promise.all(running)
} else {
  // Closed model: every buyer asks again as soon as answered, until a single ticket is sold out.
  await Promise.all(tokens.map(async (token) => {
    for (;;) {
      const quantity = randomQuantity()
      const r = await purchase(token, quantity)
      if (r.status === 201) continue
      // Sold out for this quantity: a smaller request may still fit; stop at one.
      if (soldOut(r) && quantity > 1) continue
      return
    }
  }))
}
const seconds = (performance.now() - started) / 1000
const cpuAfter = cpuByProcess()
const availability = await call(`/events/${event.body.id}/availability`)
const t = availability.body.ticketTypes[0]
latencies.sort((a, b) => a - b)
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(0)
// Decided: a final answer (paid, sold out, declined, or an order that ended otherwise). A 202 is
// also counted under 'answered 202 first', but only its final outcome counts as its decision.
const decided = [...outcomes].filter(([k]) => k === 'paid' || k.startsWith('409') || k.startsWith('402')).reduce((s, [, n]) => s + n, 0)
const undecided = latencies.length - decided
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  tickets: TICKETS,
  buyers: BUYERS,
  rate: RATE || 'closed',
  requests: latencies.length,
  decisions: decided,
  undecided,
  decisionsPerSecond: Math.round(decided / seconds),
  seconds: Number(seconds.toFixed(2)),
  p50: Number(pct(50)),
  p95: Number(pct(95)),
  p99: Number(pct(99)),
  max: Number(latencies[latencies.length - 1]!.toFixed(0)),
  ticketsBoughtByBuyers: ticketsBought,
  soldByInventory: t.sold,
  held: t.held,
  available: t.available,
  outcomes: Object.fromEntries(outcomes),
}
console.log(`
| Flash sale (through the gateway)   | EasyPass                     |
|------------------------------------|------------------------------|
| Machine                            | ${result.machine} |
| Tickets / buyers                   | ${TICKETS} / ${BUYERS} |
| Load                               | ${RATE > 0 ? `open: ${RATE} purchases started per second` : 'closed: each buyer asks again when answered'}; warm-up ${WARMUP} |
| Requests, all decided?             | ${result.requests}, ${undecided === 0 ? 'yes' : `no: ${undecided} undecided`} |
| Purchase decisions per second      | ${result.decisionsPerSecond} |
| Latency p50 / p95 / p99 / max (ms) | ${result.p50} / ${result.p95} / ${result.p99} / ${result.max} |
| Sold (inventory) / bought (buyers) | ${t.sold} / ${ticketsBought} (held ${t.held}, available ${t.available}) |
| Outcomes                           | ${JSON.stringify(result.outcomes)} |
| 503 answers retried (same key)     | ${retried503} |
| Ticketing workers                  | ${WORKER_REPLICAS} |
`)
// How the workers came by each event's ledger: whole (cold, stale, rebuild) or the entries since their own seq (catch-up).
const ledgerReads = new Map<string, number>()
for (const url of workerUrls) {
  const text = await fetch(`${url}/metrics`).then((r) => r.text()).catch(() => '')
  for (const m of text.matchAll(/^ticketing_inventory_ledger_loads_total\{reason="([^"]+)"\} (\S+)$/gm)) ledgerReads.set(m[1]!, (ledgerReads.get(m[1]!) ?? 0) + Number(m[2]))
}
console.log(`ticketing ledger reads by the workers: ${JSON.stringify(Object.fromEntries(ledgerReads))}`)
// Where the time went: mean time per request of each service's busiest routes, from its /metrics.
const breakdown: string[] = []
for (const [name, url] of Object.entries(system.urls)) {
  const text = await fetch(`${url}/metrics`).then((r) => r.text()).catch(() => '')
  const sums = new Map<string, { sum: number; count: number }>()
  for (const line of text.split('\n')) {
    const m = /^http_request_duration_seconds_(sum|count)\{(.*)\} ([\d.e+-]+)$/.exec(line)
    if (!m) continue
    const route = /method="(\w+)".*route="([^"]*)"/.exec(m[2]!)
    if (!route) continue
    const key = `${route[1]} ${route[2]}`
    const entry = sums.get(key) ?? { sum: 0, count: 0 }
    if (m[1] === 'sum') entry.sum += Number(m[3])
    else entry.count += Number(m[3])
    sums.set(key, entry)
  }
  // Database time of the process, by command and collection (sum = time spent waiting in total).
  for (const line of text.split('\n')) {
    const m = /^db_command_duration_seconds_(sum|count)\{command="(\w+)",collection="([^"]*)"\} ([\d.e+-]+)$/.exec(line)
    if (!m) continue
    const key = `db ${m[2]} ${m[3]}`
    const entry = sums.get(key) ?? { sum: 0, count: 0 }
    if (m[1] === 'sum') entry.sum += Number(m[4])
    else entry.count += Number(m[4])
    sums.set(key, entry)
  }
  // Facts the outbox relay published, by where it took them from (memory right after the insert, or a poll).
  for (const line of text.split('\n')) {
    const m = /^outbox_relayed_total\{from="(\w+)"\} ([\d.e+-]+)$/.exec(line)
    if (m && Number(m[2]) > 0) breakdown.push(`${name.padEnd(14)} outbox facts published from ${m[1]}: ${Number(m[2])}`)
  }
  for (const [route, { sum, count }] of sums) if (count >= 50 || sum >= 1) breakdown.push(`${name.padEnd(14)} ${route.padEnd(40)} n=${String(count).padStart(6)} mean ${((sum / count) * 1000).toFixed(1)} ms, total ${sum.toFixed(1)} s`)
}
console.log(breakdown.join('\n'))
console.log(`\nCPU seconds during the sale (${seconds.toFixed(1)} s on ${cpus().length} cores):`)
const cpuUsed = (name: string) => (cpuAfter.get(name) ?? 0) - (cpuBefore.get(name) ?? 0)
console.log(
  [...cpuAfter.keys()]
    .filter((name) => !name.endsWith(' (system)'))
    .sort((a, b) => cpuUsed(b) - cpuUsed(a))
    .map((name) => `  ${name.padEnd(22)} ${cpuUsed(name).toFixed(1)} (kernel ${cpuUsed(`${name} (system)`).toFixed(1)})`)
    .join('\n'),
)
// Steadier than decisions per second on a VM whose speed varies from run to run: the work itself.
const paid = outcomes.get('paid') ?? 0
const systemCpu = [...cpuAfter.keys()].filter((name) => !name.endsWith(' (system)') && !name.startsWith('load generator')).reduce((sum, name) => sum + cpuUsed(name), 0)
if (paid) console.log(`  CPU of the system per paid purchase (sold-out answers included): ${((systemCpu / paid) * 1000).toFixed(2)} ms`)
console.log('\nrequests by the second they started: count, p50 / max latency (ms)')
const bySecond = new Map<number, number[]>()
for (const { at, ms } of timeline) bySecond.set(Math.floor(at / 1000), [...(bySecond.get(Math.floor(at / 1000)) ?? []), ms])
for (const [second, list] of [...bySecond].sort((a, b) => a[0] - b[0])) {
  list.sort((a, b) => a - b)
  console.log(`  s${String(second).padStart(3)} ${String(list.length).padStart(5)}  ${list[Math.floor(list.length / 2)]!.toFixed(0).padStart(6)} / ${list[list.length - 1]!.toFixed(0)}`)
}
mkdirSync(join(ROOT, 'artifacts'), { recursive: true })
writeFileSync(join(ROOT, 'artifacts', `flash-sale-${Date.now()}.json`), JSON.stringify(result, null, 2))
const ok = t.sold === TICKETS && ticketsBought === TICKETS && undecided === 0
if (!ok) console.log('INVARIANT VIOLATED: sold, bought and capacity disagree or requests went undecided')
await system.stopAll()
process.exit(ok ? 0 : 1)

// The issue's flash sale in k6, against a running EasyPass (npm start, or the Swarm stack behind Traefik):
//   k6 run -e BASE_URL=https://tickets.example -e ADMIN_EMAIL=… -e ADMIN_PASSWORD=… tests/load/k6/flash-sale.ts
// setup() signs in as the admin and creates its own published event with one ticket type of TICKETS
// tickets (default 5,000, at most 4 per order). Each of the BUYERS buyers (default 1,000) signs up
// first, and all start buying together SIGNUP_SECONDS (default 120) after setup, so that the sale
// measures buying alone; a buyer not signed up by then counts in late_buyers and fails the run. Then
// every buyer asks for 1–4 tickets, again as soon as answered, until a request for one ticket is sold
// out. teardown() reads the availability.
//
// Limits, as everything comes from one address: locally start with RATE_LIMIT_DISABLED=true and
// REGISTRATIONS_PER_IP=100000; on the Swarm stack deploy for the test with
//   RATE_LIMIT_DISABLED=true REGISTRATIONS_PER_IP=100000 EDGE_RATE_AVERAGE=100000 EDGE_RATE_BURST=200000 docker stack deploy …
// and deploy again without them afterwards. Access tokens last 15 minutes: the sign-up wait and the sale must fit.
//
// A decision is the final answer to one purchase: paid, or refused (sold out), timed from its first
// attempt to that answer, through its retries (503 and 429 with the same Idempotency-Key, a lost
// connection) and, for a 202, the polling of the order until it is final, as a buyer's page does.
// Thresholds: p99 of decisions under 300 ms (the issue's target, which EasyPass does not meet yet: see
// the README), no purchase ending otherwise, none undecided, the inventory exactly sold out, every buyer
// signed up in time. The summary prints decisions per second of the sale.
import http from 'k6/http'
import { check, sleep } from 'k6'
import { Counter, Trend } from 'k6/metrics'
import exec from 'k6/execution'

/** k6 has a console; @types/k6 does not declare it (no DOM library here). */
declare const console: { log(...values: unknown[]): void }

const BASE = __ENV.BASE_URL || 'http://localhost:8080'
const BUYERS = Number(__ENV.BUYERS || 1000)
const SIGNUP_SECONDS = Number(__ENV.SIGNUP_SECONDS || 120)
const TICKETS = Number(__ENV.TICKETS || 5000)
const MAX_PER_REQUEST = 4
/** A card that stays valid whenever the script runs. */
const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: '123' }
/** Attempts of one request answered 503, 429 or not at all, before the purchase counts as an error. */
const ATTEMPTS = 120
/** How long a 202's order is followed before the purchase counts as undecided. */
const FOLLOW_SECONDS = 150

export const options = {
  setupTimeout: '15m',
  scenarios: {
    flash: { executor: 'per-vu-iterations', vus: BUYERS, iterations: 1, maxDuration: '10m' },
  },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
  thresholds: {
    purchase_decision_ms: ['p(99)<300'],
    purchase_errors: ['count==0'],
    undecided: ['count==0'],
    inventory_mismatch: ['count==0'],
    signup_failures: ['count==0'],
    late_buyers: ['count==0'],
  },
}

/** Small on purpose: k6 gives every virtual user its own copy. */
interface SaleData {
  eventId: string
  typeId: string
  saleStartsAt: number
}

const sold = new Counter('tickets_sold')
const decisions = new Counter('purchase_decisions')
const errors = new Counter('purchase_errors')
const undecided = new Counter('undecided')
const retried = new Counter('retried_same_key')
const decisionTime = new Trend('purchase_decision_ms', true)
/** Seconds from the sale's start to each decision: the last one is the sale's length. */
const decidedAt = new Trend('decided_at_s')
const signupFailures = new Counter('signup_failures')
const lateBuyers = new Counter('late_buyers')
const inventoryMismatch = new Counter('inventory_mismatch')

const jsonHeaders = { 'content-type': 'application/json' }

function uuid(): string {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16)
  })
}

/** Seconds to wait before sending the same again: the answer's Retry-After, or a short random pause. */
function pause(res: { headers: Record<string, string> }): number {
  const retryAfter = Number(res.headers['Retry-After'])
  return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * (1 + Math.random()) : 0.25 + Math.random() * 0.25
}

/** 503 and 429 say nothing happened; status 0 is a lost connection: the same request goes again. */
const sendAgain = (status: number) => status === 503 || status === 429 || status === 0

/** A field of a JSON answer, or undefined when the answer is not JSON (a proxy's error page, say). */
function field(res: { json(selector?: string): unknown }, selector: string): unknown {
  try {
    return res.json(selector)
  } catch {
    return undefined
  }
}

function must(res: { status: number; body: unknown }, expected: number, what: string) {
  if (res.status !== expected) throw new Error(`${what}: ${res.status} ${String(res.body).slice(0, 300)}`)
}

export function setup(): SaleData {
  const adminEmail = __ENV.ADMIN_EMAIL
  const adminPassword = __ENV.ADMIN_PASSWORD
  if (!adminEmail || !adminPassword) throw new Error('set ADMIN_EMAIL and ADMIN_PASSWORD: setup creates the sale’s event')
  const login = http.post(`${BASE}/api/auth/login`, JSON.stringify({ email: adminEmail, password: adminPassword }), { headers: jsonHeaders })
  must(login, 200, 'admin login')
  const admin = { ...jsonHeaders, authorization: `Bearer ${login.json('accessToken') as string}` }
  const startsAt = new Date(Date.now() + 7 * 86_400_000)
  const event = http.post(
    `${BASE}/api/events`,
    JSON.stringify({
      title: `k6 flash sale ${new Date().toISOString()}`,
      description: 'Load test',
      category: 'music',
      venue: { name: 'Load Hall', address: 'Test Street 1', city: 'Oulu' },
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
      organizer: 'k6',
      status: 'published',
    }),
    { headers: admin },
  )
  must(event, 201, 'event')
  const eventId = event.json('id') as string
  const type = http.post(`${BASE}/api/events/${eventId}/ticket-types`, JSON.stringify({ name: 'General', priceCents: 4500, currency: 'EUR', capacity: TICKETS, maxPerOrder: MAX_PER_REQUEST }), {
    headers: { ...admin, 'idempotency-key': uuid() },
  })
  must(type, 201, 'ticket type')

  return { eventId, typeId: type.json('id') as string, saleStartsAt: Date.now() + SIGNUP_SECONDS * 1000 }
}

/** This buyer's account, made before the sale: the access token, or undefined (counted). 503 (auth's hashing queue) and 429 are sent again. */
function signUp(): string | undefined {
  const body = JSON.stringify({ email: `k6-${exec.vu.idInTest}-${Date.now().toString(36)}@load.test`, password: 'load-test-pass', name: `k6 buyer ${exec.vu.idInTest}` })
  for (let attempt = 1; ; attempt++) {
    const res = http.post(`${BASE}/api/auth/register`, body, { headers: jsonHeaders, tags: { kind: 'register' } })
    if (res.status === 201) return field(res, 'accessToken') as string
    if (!sendAgain(res.status) || attempt >= 30) {
      signupFailures.add(1, { status: String(res.status) })
      return undefined
    }
    sleep(pause(res))
  }
}

type Outcome = { status: number; code?: string } | undefined

/** One purchase until its final answer; undefined when none came (counted). */
function purchase(data: SaleData, token: string, quantity: number): Outcome {
  const body = JSON.stringify({ eventId: data.eventId, items: [{ ticketTypeId: data.typeId, quantity }], payment: { card: CARD } })
  const params = { headers: { ...jsonHeaders, authorization: `Bearer ${token}`, 'idempotency-key': uuid() }, tags: { kind: 'purchase' } }
  let res = http.post(`${BASE}/api/orders`, body, params)
  for (let attempt = 1; sendAgain(res.status); attempt++) {
    if (attempt >= ATTEMPTS) return { status: res.status, code: 'no answer after retries' }
    retried.add(1)
    sleep(pause(res))
    res = http.post(`${BASE}/api/orders`, body, params)
  }
  if (res.status !== 202) return { status: res.status, code: res.status === 201 ? undefined : ((field(res, 'error.code') as string | undefined) ?? 'not JSON') }
  // Decided later: the order is followed until it is final; any other answer to a poll is asked again.
  const id = field(res, 'id') as string
  const until = Date.now() + FOLLOW_SECONDS * 1000
  while (Date.now() < until) {
    sleep(0.25)
    const order = http.get(`${BASE}/api/orders/${id}`, { headers: { authorization: `Bearer ${token}` }, tags: { kind: 'poll' } })
    if (order.status !== 200) {
      if (order.status === 429) sleep(pause(order))
      continue
    }
    const status = field(order, 'status') as string | undefined
    if (!status || status === 'pending') continue
    // Failed after a 202 means its hold was refused: sold out for this quantity.
    return status === 'paid' ? { status: 201 } : { status: 409, code: status === 'failed' ? 'SOLD_OUT' : `order ${status}` }
  }
  return undefined
}

export default function (data: SaleData) {
  const token = signUp()
  if (!token) return
  // Everyone starts together, signed up.
  const wait = (data.saleStartsAt - Date.now()) / 1000
  if (wait > 0) sleep(wait)
  else lateBuyers.add(1)
  for (;;) {
    const quantity = 1 + Math.floor(Math.random() * MAX_PER_REQUEST)
    const startedAt = Date.now()
    const outcome = purchase(data, token, quantity)
    if (!outcome) {
      undecided.add(1)
      return
    }
    decisionTime.add(Date.now() - startedAt)
    decidedAt.add((Date.now() - data.saleStartsAt) / 1000)
    check(outcome, { 'paid or sold out': (o) => o.status === 201 || (o.status === 409 && o.code === 'SOLD_OUT') })
    if (outcome.status === 201) {
      decisions.add(1)
      sold.add(quantity)
      continue
    }
    if (outcome.status === 409 && outcome.code === 'SOLD_OUT') {
      decisions.add(1)
      // Sold out for this quantity: a smaller request may still fit; a buyer stops at one.
      if (quantity > 1) continue
      return
    }
    // Anything else (another 409, a 400, a 5xx after every retry) is not what a flash sale may answer.
    errors.add(1, { status: String(outcome.status), code: outcome.code ?? '' })
    return
  }
}

export function teardown(data: SaleData) {
  const res = http.get(`${BASE}/api/events/${data.eventId}/availability`)
  const type = (field(res, 'ticketTypes') as Array<{ sold: number; held: number; available: number }> | undefined)?.[0]
  const exact = !!type && type.sold === TICKETS && type.held === 0 && type.available === 0
  if (!exact) inventoryMismatch.add(1)
  console.log(`inventory after the sale: ${JSON.stringify(type)} (expected ${TICKETS} sold, 0 held, 0 available)`)
}

interface SummaryMetric {
  values: Record<string, number>
  thresholds?: Record<string, { ok: boolean }>
}

export function handleSummary(data: { metrics: Record<string, SummaryMetric | undefined> }) {
  const value = (name: string, stat: string) => data.metrics[name]?.values[stat] ?? 0
  const decided = value('purchase_decisions', 'count')
  const seconds = value('decided_at_s', 'max')
  const failed = Object.entries(data.metrics).flatMap(([name, m]) => Object.entries(m?.thresholds ?? {}).filter(([, t]) => !t.ok).map(([rule]) => `${name} ${rule}`))
  const lines = [
    '| Flash sale (k6)                         |                                  |',
    '|-----------------------------------------|----------------------------------|',
    `| Buyers / tickets                        | ${BUYERS} / ${TICKETS} |`,
    `| Purchase decisions, per second of sale  | ${decided}, ${seconds ? Math.round(decided / seconds) : 0}/s over ${seconds.toFixed(1)} s |`,
    `| Decision p50 / p95 / p99 / max (ms)     | ${['med', 'p(95)', 'p(99)', 'max'].map((s) => value('purchase_decision_ms', s).toFixed(0)).join(' / ')} |`,
    `| Tickets bought                          | ${value('tickets_sold', 'count')} |`,
    `| Errors / undecided / inventory mismatch | ${value('purchase_errors', 'count')} / ${value('undecided', 'count')} / ${value('inventory_mismatch', 'count')} |`,
    `| Sign-ups failed / late for the start     | ${value('signup_failures', 'count')} / ${value('late_buyers', 'count')} |`,
    `| Retries with the same key               | ${value('retried_same_key', 'count')} |`,
    `| Thresholds                              | ${failed.length ? `failed: ${failed.join('; ')}` : 'all passed'} |`,
  ]
  return { stdout: `${lines.join('\n')}\n`, 'k6-flash-sale-summary.json': JSON.stringify(data, null, 2) }
}

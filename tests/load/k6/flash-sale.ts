// k6 flash sale against a running EasyPass (npm start, or the Swarm stack behind Traefik):
//   k6 run -e BASE_URL=http://localhost:8080 -e EVENT_ID=... -e TICKET_TYPE_ID=... tests/load/k6/flash-sale.ts
// Every virtual user is a buyer with its own account who keeps asking for 1–4 tickets until the
// event is sold out. All sign-ups come from one address, so auth must allow at least BUYERS accounts
// per address: `REGISTRATIONS_PER_IP=100000` for npm start, and on the Swarm stack deploy with
// `REGISTRATIONS_PER_IP=100000 docker stack deploy …` (default 30 an hour; deploy again without it
// afterwards). The gateway's per-address limit stays on in the stack (RATE_LIMIT_DISABLED is fixed
// "false" there): it slows the token-less sign-ups with 429 and Retry-After, which this script waits
// out; purchases count against each buyer's own limit. Locally RATE_LIMIT_DISABLED=true removes it.
// Sign-ups refused with 503 (auth's hashing queue is full) or 429 are retried after Retry-After, at
// most SIGNUP_ATTEMPTS times; a buyer who still has no account counts in signup_failures, which fails the run.
import http from 'k6/http'
import { check, sleep } from 'k6'
import { Counter, Trend } from 'k6/metrics'
import exec from 'k6/execution'

const BASE = __ENV.BASE_URL || 'http://localhost:8080'
const EVENT_ID = __ENV.EVENT_ID
const TICKET_TYPE_ID = __ENV.TICKET_TYPE_ID
const BUYERS = Number(__ENV.BUYERS || 1000)
const SIGNUP_ATTEMPTS = Number(__ENV.SIGNUP_ATTEMPTS || 30)
/** A longer Retry-After (auth's hourly REGISTRATIONS_PER_IP window) is not waited for: the sign-up fails. */
const SIGNUP_MAX_WAIT_SECONDS = 30
/** A card that stays valid whenever the script runs. */
const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: '123' }

export const options = {
  scenarios: {
    flash: { executor: 'per-vu-iterations', vus: BUYERS, iterations: 1, maxDuration: '5m' },
  },
  thresholds: {
    'http_req_duration{kind:purchase}': ['p(99)<300'],
    purchase_errors: ['count==0'],
    signup_failures: ['count==0'],
  },
}

const sold = new Counter('tickets_sold')
const decisions = new Counter('purchase_decisions')
const errors = new Counter('purchase_errors')
const decisionTime = new Trend('purchase_decision_ms', true)
const signupFailures = new Counter('signup_failures')
const signupRetries = new Counter('signup_retries')

const json = { headers: { 'content-type': 'application/json' } }

function uuid(): string {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16)
  })
}

/** Registers this buyer; the access token, or undefined once the sign-up has failed (counted). */
function signUp(): string | undefined {
  const email = `k6-${exec.vu.idInTest}-${Date.now()}@load.test`
  const body = JSON.stringify({ email, password: 'load-test-pass', name: 'k6 buyer' })
  for (let attempt = 1; ; attempt++) {
    const res = http.post(`${BASE}/api/auth/register`, body, { ...json, tags: { kind: 'register' } })
    if (res.status === 201) {
      check(res, { registered: () => true })
      return res.json('accessToken') as string
    }
    // 503 and 429 mean nothing was created: the same email can be sent again.
    const retryAfter = Number(res.headers['Retry-After'])
    const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1
    if ((res.status !== 503 && res.status !== 429) || attempt >= SIGNUP_ATTEMPTS || wait > SIGNUP_MAX_WAIT_SECONDS) {
      check(res, { registered: () => false })
      signupFailures.add(1, { status: String(res.status) })
      return undefined
    }
    signupRetries.add(1)
    // Up to twice the asked wait, so buyers refused together do not all come back at once.
    sleep(wait * (1 + Math.random()))
  }
}

export default function () {
  const token = signUp()
  if (!token) return
  for (;;) {
    const quantity = 1 + Math.floor(Math.random() * 4)
    const body = JSON.stringify({ eventId: EVENT_ID, items: [{ ticketTypeId: TICKET_TYPE_ID, quantity }], payment: { card: CARD } })
    const params = { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': uuid() }, tags: { kind: 'purchase' } }
    let res = http.post(`${BASE}/api/orders`, body, params)
    // 503: not admitted now, nothing happened; retry with the same Idempotency-Key.
    for (let attempt = 0; res.status === 503 && attempt < 60; attempt++) {
      sleep(0.25 + Math.random() * 0.25)
      res = http.post(`${BASE}/api/orders`, body, params)
    }
    // 202: decided later; poll the order as the buyer's page does.
    if (res.status === 202) {
      const id = res.json('id') as string
      for (let i = 0; i < 240; i++) {
        sleep(0.25)
        const order = http.get(`${BASE}/api/orders/${id}`, { headers: { authorization: `Bearer ${token}` }, tags: { kind: 'poll' } })
        const status = order.json('status')
        if (status === 'pending') continue
        if (status === 'paid') {
          decisions.add(1)
          sold.add(quantity)
          break
        }
        decisions.add(1)
        return
      }
      continue
    }
    decisionTime.add(res.timings.duration)
    if (res.status === 201) {
      decisions.add(1)
      sold.add(quantity)
      continue
    }
    if (res.status === 409) {
      decisions.add(1)
      const code = res.json('error.code')
      if (code === 'SOLD_OUT') {
        // A request for 4 can fail while 1–3 are left: try once with one ticket before giving up.
        if (quantity > 1) continue
        return
      }
      return
    }
    errors.add(1)
    return
  }
}

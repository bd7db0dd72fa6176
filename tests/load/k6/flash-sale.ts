// k6 flash sale against a running EasyPass (npm start, or the Swarm stack behind Traefik):
//   k6 run -e BASE_URL=http://localhost:8080 -e EVENT_ID=... -e TICKET_TYPE_ID=... tests/load/k6/flash-sale.ts
// Every virtual user is a buyer with its own account who keeps asking for 1–4 tickets until the
// event is sold out. Run the gateway with RATE_LIMIT_DISABLED=true and auth with a high
// REGISTRATIONS_PER_IP (all load comes from one address).
import http from 'k6/http'
import { check, sleep } from 'k6'
import { Counter, Trend } from 'k6/metrics'
import exec from 'k6/execution'

const BASE = __ENV.BASE_URL || 'http://localhost:8080'
const EVENT_ID = __ENV.EVENT_ID
const TICKET_TYPE_ID = __ENV.TICKET_TYPE_ID
const BUYERS = Number(__ENV.BUYERS || 1000)

export const options = {
  scenarios: {
    flash: { executor: 'per-vu-iterations', vus: BUYERS, iterations: 1, maxDuration: '5m' },
  },
  thresholds: {
    'http_req_duration{kind:purchase}': ['p(99)<300'],
    purchase_errors: ['count==0'],
  },
}

const sold = new Counter('tickets_sold')
const decisions = new Counter('purchase_decisions')
const errors = new Counter('purchase_errors')
const decisionTime = new Trend('purchase_decision_ms', true)

const json = { headers: { 'content-type': 'application/json' } }

function uuid(): string {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16)
  })
}

export default function () {
  const email = `k6-${exec.vu.idInTest}-${Date.now()}@load.test`
  const reg = http.post(`${BASE}/api/auth/register`, JSON.stringify({ email, password: 'load-test-pass', name: 'k6 buyer' }), json)
  if (!check(reg, { registered: (r) => r.status === 201 })) return
  const token = reg.json('accessToken') as string
  for (;;) {
    const quantity = 1 + Math.floor(Math.random() * 4)
    const body = JSON.stringify({ eventId: EVENT_ID, items: [{ ticketTypeId: TICKET_TYPE_ID, quantity }], payment: { card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } } })
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

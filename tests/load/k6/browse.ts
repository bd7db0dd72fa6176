// k6 read load on the catalog through the gateway: k6 run -e BASE_URL=http://localhost:8080 tests/load/k6/browse.ts
// Every request is token-less from one address, so the gateway's per-address limit (300 per 10 s)
// answers most of them 429, which fails the run: locally start with RATE_LIMIT_DISABLED=true; on the
// Swarm stack deploy for the test only with RATE_LIMIT_DISABLED=true (or RATE_LIMIT_IP_POINTS=100000)
// and EDGE_RATE_AVERAGE=100000 EDGE_RATE_BURST=200000 (Traefik's own per-address limit).
import http from 'k6/http'
import { check } from 'k6'

const BASE = __ENV.BASE_URL || 'http://localhost:8080'

export const options = {
  vus: 50,
  duration: '30s',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<200'] },
}

export default function () {
  const list = http.get(`${BASE}/api/events?limit=20`)
  check(list, { 'list 200': (r) => r.status === 200 })
  const items = (list.json('items') as Array<{ id: string }> | undefined) ?? []
  const first = items[0]
  if (first) check(http.get(`${BASE}/api/events/${first.id}`), { 'event 200': (r) => r.status === 200 })
}

import { Registry, collectDefaultMetrics, Histogram, Counter, Gauge } from 'prom-client'

export const registry = new Registry()
collectDefaultMetrics({ register: registry })

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
})

export function counter(name: string, help: string, labelNames: string[] = []) {
  return new Counter({ name, help, labelNames, registers: [registry] })
}
export function gauge(name: string, help: string, labelNames: string[] = []) {
  return new Gauge({ name, help, labelNames, registers: [registry] })
}
export function histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]) {
  return new Histogram({ name, help, labelNames, buckets, registers: [registry] })
}

// The processes that make up EasyPass, in start order. One name per service everywhere: folder,
// workspace, stack service, log file and the `<NAME>_URL` other services use to reach it.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export interface ProcessSpec {
  name: string
  /** Entry file, relative to the repository root. */
  entry: string
  /** Port in `npm start`; tests pick free ones. Workers listen too, for /health and /metrics. */
  port: number
  /** Exposed to the others as `<URL_NAME>_URL`. */
  urlName?: string
}

export const PROCESSES: ProcessSpec[] = [
  { name: 'auth', entry: 'services/auth/src/index.ts', port: 4101, urlName: 'AUTH' },
  { name: 'catalog', entry: 'services/catalog/src/index.ts', port: 4102, urlName: 'CATALOG' },
  { name: 'ticketing', entry: 'services/ticketing/src/index.ts', port: 4103, urlName: 'TICKETING' },
  { name: 'ticketing-worker', entry: 'services/ticketing/src/worker.ts', port: 4113, urlName: 'TICKETING_WORKER' },
  { name: 'payments', entry: 'services/payments/src/index.ts', port: 4104, urlName: 'PAYMENTS' },
  { name: 'orders', entry: 'services/orders/src/index.ts', port: 4105, urlName: 'ORDERS' },
  { name: 'orders-worker', entry: 'services/orders/src/worker.ts', port: 4115, urlName: 'ORDERS_WORKER' },
  { name: 'notifications', entry: 'services/notifications/src/index.ts', port: 4106, urlName: 'NOTIFICATIONS' },
  { name: 'notifications-worker', entry: 'services/notifications/src/worker.ts', port: 4116, urlName: 'NOTIFICATIONS_WORKER' },
  { name: 'web', entry: 'web/server.ts', port: 4107, urlName: 'WEB' },
  { name: 'gateway', entry: 'gateway/src/index.ts', port: 8080 },
]

export const ROOT = join(import.meta.dir, '..', '..')

/** Only what exists is started, so the system runs at every step of its construction. */
export function presentProcesses(): ProcessSpec[] {
  return PROCESSES.filter((p) => existsSync(join(ROOT, p.entry)))
}

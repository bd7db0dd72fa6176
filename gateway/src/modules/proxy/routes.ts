import type { GatewayConfig } from '../../config'

/** The processes behind the gateway, each reached at its `<NAME>_URL`. */
export type Upstream = 'auth' | 'catalog' | 'ticketing' | 'orders' | 'payments' | 'notifications' | 'web'

export const UPSTREAM_URL_VARS = {
  auth: 'AUTH_URL',
  catalog: 'CATALOG_URL',
  ticketing: 'TICKETING_URL',
  orders: 'ORDERS_URL',
  payments: 'PAYMENTS_URL',
  notifications: 'NOTIFICATIONS_URL',
  web: 'WEB_URL',
} as const satisfies Record<Upstream, keyof GatewayConfig>

export interface Route {
  /** Matched against the normalised path, first match wins: the most specific patterns come first. */
  pattern: RegExp
  upstream: Upstream
  /** Writes that may wait on a payment decision get a longer budget than the default. */
  slowWrites?: boolean
}

/** `/prefix` itself and everything below it, never `/prefixsomething`. */
const under = (prefix: string) => new RegExp(`^${prefix}(?:/.*)?$`)
const SEGMENT = '[^/]+'

/**
 * THE route table of the public API. Services serve the same paths as the public API, so a match only
 * chooses where the request goes; the path, query and body pass through unchanged.
 */
export const ROUTES: Route[] = [
  { pattern: under('/api/auth'), upstream: 'auth' },
  { pattern: under('/api/users'), upstream: 'auth' },
  { pattern: under(`/api/events/${SEGMENT}/ticket-types`), upstream: 'ticketing' },
  { pattern: under(`/api/events/${SEGMENT}/availability`), upstream: 'ticketing' },
  { pattern: under(`/api/events/${SEGMENT}/vouchers`), upstream: 'ticketing' },
  { pattern: under(`/api/events/${SEGMENT}/pools`), upstream: 'ticketing' },
  { pattern: new RegExp(`^/api/events/${SEGMENT}/(?:attendees|attendees\\.csv|door-list|sales|messages|waiting-room)$`), upstream: 'orders' },
  // Sales by hand go through orders' purchase pipeline: the same wait as a purchase.
  { pattern: new RegExp(`^/api/events/${SEGMENT}/(?:complimentary|box-office)$`), upstream: 'orders', slowWrites: true },
  { pattern: new RegExp(`^/api/events/${SEGMENT}/emails/preview$`), upstream: 'notifications' },
  // Adding dates to a series copies every ticket type through ticketing's queue, date by date.
  { pattern: new RegExp(`^/api/events/${SEGMENT}/dates$`), upstream: 'catalog', slowWrites: true },
  { pattern: under('/api/events'), upstream: 'catalog' },
  { pattern: under('/api/orders'), upstream: 'orders', slowWrites: true },
  { pattern: under('/api/checkins'), upstream: 'orders', slowWrites: true },
  { pattern: under('/api/tickets'), upstream: 'orders' },
  { pattern: under('/api/ticket-transfers'), upstream: 'orders' },
  { pattern: under('/api/payments'), upstream: 'payments' },
  { pattern: under('/api/notifications'), upstream: 'notifications' },
  { pattern: under('/api/webhooks'), upstream: 'notifications' },
]

/** Everything outside `/api` is the browser app (its deep links included). */
const WEB_ROUTE: Route = { pattern: /^/, upstream: 'web' }

export const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/')

/** The route of a path: an API route, the web app, or undefined for an unknown `/api` path (404). */
export function resolveRoute(path: string): Route | undefined {
  if (!isApiPath(path)) return WEB_ROUTE
  return ROUTES.find((route) => route.pattern.test(path))
}

/**
 * Server-Sent Events streams (`/api/events/:id/availability/stream`, `/api/notifications/stream`):
 * never buffered, never timed out; opening one counts as one request. Known by path, never by a
 * header a client could add to any request to escape the deadlines.
 */
const EVENT_STREAMS = [new RegExp(`^/api/events/${SEGMENT}/availability/stream$`), /^\/api\/notifications\/stream$/]
/** Also with trailing slashes, which the services' routers answer as the same stream. */
export const isEventStream = (path: string) => {
  const bare = path.replace(/\/+$/, '')
  return EVENT_STREAMS.some((p) => p.test(bare))
}

export function upstreamBudgetMs(route: Route, method: string, config: GatewayConfig): number {
  const write = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
  return route.slowWrites && write ? config.UPSTREAM_ORDERS_WRITE_TIMEOUT_MS : config.UPSTREAM_TIMEOUT_MS
}

export function upstreamUrl(upstream: Upstream, config: GatewayConfig): string | undefined {
  return config[UPSTREAM_URL_VARS[upstream]]?.replace(/\/+$/, '')
}

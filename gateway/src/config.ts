import { Type as T } from '@sinclair/typebox'
import { loadConfig, type Config } from '@easypass/kit'

const OptionalUrl = T.Optional(T.String({ pattern: '^https?://' }))

/** Everything the gateway reads from its environment; `loadConfig` stops the process when it is malformed. */
export const GatewayEnv = {
  PORT: T.Number({ default: 8080 }),
  /** Upstreams. One that is unset answers 503 UNAVAILABLE on its routes (the system may be partly built). */
  AUTH_URL: OptionalUrl,
  CATALOG_URL: OptionalUrl,
  TICKETING_URL: OptionalUrl,
  ORDERS_URL: OptionalUrl,
  PAYMENTS_URL: OptionalUrl,
  NOTIFICATIONS_URL: OptionalUrl,
  WEB_URL: OptionalUrl,
  /** Workers serve no routes; the gateway reads their /health into /api/health (a stopped worker stalls holds). */
  TICKETING_WORKER_URL: OptionalUrl,
  ORDERS_WORKER_URL: OptionalUrl,
  NOTIFICATIONS_WORKER_URL: OptionalUrl,
  /** Time an upstream has to start answering (headers); orders' writes get their own, longer budget. */
  UPSTREAM_TIMEOUT_MS: T.Number({ default: 10_000, minimum: 100 }),
  UPSTREAM_ORDERS_WRITE_TIMEOUT_MS: T.Number({ default: 30_000, minimum: 100 }),
  /** Consecutive connection failures that open an upstream's circuit, and how long it stays open. */
  BREAKER_FAILURES: T.Number({ default: 5, minimum: 1 }),
  BREAKER_OPEN_MS: T.Number({ default: 2_000, minimum: 100 }),
  MAX_BODY_BYTES: T.Number({ default: 1024 * 1024, minimum: 1024 }),
  RATE_LIMIT_DISABLED: T.Boolean({ default: false }),
  RATE_LIMIT_IP_POINTS: T.Number({ default: 300, minimum: 1 }),
  RATE_LIMIT_USER_POINTS: T.Number({ default: 600, minimum: 1 }),
  RATE_LIMIT_WINDOW_SECONDS: T.Number({ default: 10, minimum: 1 }),
  /** Event streams (availability, notifications) one client address may hold open at once on one replica. */
  STREAMS_PER_ADDRESS: T.Number({ default: 50, minimum: 1 }),
  /** Comma-separated IPs or CIDRs (Traefik) whose `X-Forwarded-For` is believed. Empty: nobody's. */
  TRUSTED_PROXIES: T.String({ default: '' }),
  /** On SIGTERM, how long to go on serving with /live at 503 before stopping (Traefik's health check interval and more; 0 locally). */
  SHUTDOWN_DRAIN_MS: T.Number({ default: 0, minimum: 0, maximum: 15_000 }),
  /** Entries the audit log keeps in Redis (the newest; each is about 230 bytes). Every entry is in the log too. */
  AUDIT_MAX_ENTRIES: T.Number({ default: 100_000, minimum: 100 }),
  /** How long a service's OpenAPI document is reused in the merged one. */
  DOCS_CACHE_SECONDS: T.Number({ default: 30, minimum: 0 }),
}

export type GatewayConfig = Config<typeof GatewayEnv>

export const loadGatewayConfig = (env?: Record<string, string | undefined>) => loadConfig(GatewayEnv, env)

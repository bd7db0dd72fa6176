// Settings of both ticketing processes (API and worker): they must agree on the partitions and the prefix.
import { Type as T } from '@sinclair/typebox'
import { loadConfig, ServiceKeyOfApiEnv, VoucherGuessEnv } from '@easypass/kit'

export const ticketingEnv = {
  /** Unset only where no catalog runs: then every event id is taken as existing. Required in production. */
  CATALOG_URL: T.Optional(T.String({ pattern: '^https?://' })),
  /** How long a hold lasts when the op does not say (seconds). */
  HOLD_TTL_SECONDS: T.Integer({ default: 600, minimum: 1, maximum: 86_400 }),
  /** Queues `inventory-0..n-1`; an event always lands in the same one. API and worker must agree. */
  INVENTORY_PARTITIONS: T.Integer({ default: 4, minimum: 1, maximum: 256 }),
  /** Most ops of one event decided in one job (group commit). */
  INVENTORY_BATCH_MAX: T.Integer({ default: 500, minimum: 1, maximum: 5000 }),
  /** How long the API waits for a decision before answering 503 (the op may still be decided later). */
  INVENTORY_WAIT_MS: T.Integer({ default: 10_000, minimum: 100 }),
  /** Lock of a running job: a crashed worker's job is re-run by another once the lock is gone. */
  INVENTORY_LOCK_MS: T.Integer({ default: 10_000, minimum: 500 }),
  /** How often workers look for jobs whose worker died. */
  INVENTORY_STALLED_INTERVAL_MS: T.Integer({ default: 5_000, minimum: 200 }),
  /** Times a job may be found stalled before it is failed (its ops are then answered 503 and re-sent). */
  INVENTORY_MAX_STALLED: T.Integer({ default: 5, minimum: 1 }),
  /** An availability stream is ended after this long (seconds); EventSource reconnects on its own and gets a fresh snapshot. */
  AVAILABILITY_STREAM_MAX_SECONDS: T.Integer({ default: 900, minimum: 1 }),
  /** Availability streams one API replica keeps open at once; more are answered 503 with Retry-After. */
  AVAILABILITY_STREAMS_MAX: T.Integer({ default: 20_000, minimum: 1 }),
  /** Ledger entries the worker keeps in memory across events before it forgets the least recently used event. */
  INVENTORY_CACHE_MAX_ENTRIES: T.Integer({ default: 1_000_000, minimum: 1000 }),
}

export function loadTicketingConfig(port: number) {
  // Ticketing's API calls catalog (its own key) and is called by orders and catalog; the worker calls nobody.
  return loadConfig({ PORT: T.Number({ default: port }), ...ServiceKeyOfApiEnv, ...VoucherGuessEnv, ...ticketingEnv })
}
export type TicketingConfig = ReturnType<typeof loadTicketingConfig>

// Settings of both notifications processes (API and worker); each reads its own PORT default.
import { Type as T } from '@sinclair/typebox'
import { loadConfig, requiredInProduction, ServiceKeyOfApiEnv, ServiceSecretEnv, TicketFontEnv } from '@easypass/kit'
import type { WebhookSettings } from './modules/webhooks/service'

export function notificationsConfig(defaultPort: number) {
  const config = loadConfig({
    // The API's own tokens to orders and catalog (the worker calls nobody); the key of links to offered tickets and of sealed webhook secrets.
    ...ServiceKeyOfApiEnv,
    ...ServiceSecretEnv,
    ...TicketFontEnv,
    PORT: T.Number({ default: defaultPort }),
    /** e.g. smtp://user:pass@mail.example.com:587; without it emails are recorded as skipped. */
    SMTP_URL: T.Optional(T.String({ pattern: '^smtps?://' })),
    MAIL_FROM: T.String({ default: 'EasyPass <tickets@easypass.local>' }),
    ORDERS_URL: T.Optional(T.String()),
    CATALOG_URL: T.Optional(T.String()),
    SSE_HEARTBEAT_SECONDS: T.Number({ default: 15, minimum: 1 }),
    /** The web app's address: emails about an event link to its page. */
    PUBLIC_URL: T.Optional(T.String({ pattern: '^https?://[^\\s]+$' })),
    /** How often every event with a waiting list is checked for tickets that came back (signals can be missed). */
    WAITLIST_SWEEP_MS: T.Integer({ default: 60_000, minimum: 1_000 }),
    /** How long tickets offered to buyers first in line are theirs to take first, before the next in line are told of them. */
    WAITLIST_OFFER_SECONDS: T.Integer({ default: 900, minimum: 1 }),
    /** Days an address stays in the log of emails sent (the record stays, without it). */
    EMAIL_LOG_ADDRESS_DAYS: T.Number({ default: 30, minimum: 0 }),
    /** How often old addresses, and what was stored for closed accounts after they were forgotten, are removed (also at start). */
    RETENTION_SWEEP_INTERVAL_MS: T.Integer({ default: 3_600_000, minimum: 100 }),
    /** How often emails a mail server would not take for now are looked at for a next try (each waits 10 s, doubling, up to 10 minutes; 8 tried at a time). */
    EMAIL_RETRY_INTERVAL_MS: T.Integer({ default: 5_000, minimum: 100 }),
    /** Webhooks to plain HTTP and private addresses; unset: allowed outside production only. */
    WEBHOOK_ALLOW_PRIVATE: T.Optional(T.Boolean()),
    /** Tries per webhook delivery, the first included, and the wait before the second (doubling each time after). */
    WEBHOOK_ATTEMPTS: T.Integer({ default: 8, minimum: 1, maximum: 20 }),
    WEBHOOK_RETRY_MS: T.Integer({ default: 60_000, minimum: 10 }),
    /** How long a receiver has to answer a delivery. */
    WEBHOOK_TIMEOUT_MS: T.Integer({ default: 10_000, minimum: 100 }),
    /** Deliveries the worker sends at once. */
    WEBHOOK_CONCURRENCY: T.Integer({ default: 16, minimum: 1 }),
  })
  requiredInProduction(config, 'ORDERS_URL', config.ORDERS_URL)
  requiredInProduction(config, 'CATALOG_URL', config.CATALOG_URL)
  const webhooks: WebhookSettings = {
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE ?? config.NODE_ENV !== 'production',
    attempts: config.WEBHOOK_ATTEMPTS,
    retryMs: config.WEBHOOK_RETRY_MS,
  }
  return { ...config, webhooks }
}
export type NotificationsConfig = ReturnType<typeof notificationsConfig>

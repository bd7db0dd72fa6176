import { Type as T } from '@sinclair/typebox'
import { loadConfig, requiredInProduction, ServiceKeyEnv, ServiceSecretEnv, TicketFontEnv, VoucherGuessEnv } from '@easypass/kit'

const Url = T.String({ pattern: '^https?://' })

/** Settings of both orders processes (API and worker); each reads its own PORT default. */
export function ordersConfig(defaultPort: number) {
  const config = loadConfig({
    // Its own tokens to catalog, ticketing and payments; the key of card fingerprints and of links to offered tickets.
    ...ServiceKeyEnv,
    ...ServiceSecretEnv,
    ...VoucherGuessEnv,
    ...TicketFontEnv,
    PORT: T.Number({ default: defaultPort }),
    CATALOG_URL: T.Optional(Url),
    TICKETING_URL: T.Optional(Url),
    PAYMENTS_URL: T.Optional(Url),
    /** How long a purchase may take before it is answered 202 `pending` (the work goes on). */
    ORDER_WAIT_MS: T.Integer({ default: 8_000, minimum: 100 }),
    /** Purchases and payments running at once in one orders process; the rest wait their turn (admission control). */
    ORDER_MAX_CONCURRENT: T.Integer({ default: 256, minimum: 1 }),
    /** How long a purchase keeps retrying an unreachable ticketing/payments before it leaves the order to the reconciler. */
    ORDER_GIVE_UP_MS: T.Integer({ default: 20_000, minimum: 100 }),
    /** How often the worker looks for orders to reconcile. */
    RECONCILE_INTERVAL_MS: T.Integer({ default: 10_000, minimum: 100 }),
    /** An unfinished order older than this is finished by the reconciler (wait budget + the give-up time + margin). */
    RECONCILE_AFTER_MS: T.Integer({ default: 30_000, minimum: 100 }),
    /**
     * The status projection (list filters) waits while more than this many purchases are in flight,
     * so that a sale is not slowed by it (on FerretDB every update scans its collection)...
     */
    PROJECTION_BUSY_IN_FLIGHT: T.Integer({ default: 50, minimum: 0 }),
    /** ...but never lags more than this. */
    PROJECTION_MAX_LAG_MS: T.Integer({ default: 15_000, minimum: 0 }),
    /** How long catalog's answer about an event is trusted (sales window, status, title). */
    EVENT_CACHE_MS: T.Integer({ default: 3_000, minimum: 0 }),
    /** Optional hold length asked of ticketing for orders made without payment; unset: ticketing's HOLD_TTL_SECONDS. */
    HOLD_TTL_SECONDS: T.Optional(T.Integer({ minimum: 1, maximum: 86_400 })),
    /** Unpaid holds (orders reserved without payment) one buyer may have of one event at once; more → 409. */
    MAX_HOLDS_PER_EVENT: T.Integer({ default: 5, minimum: 1 }),
    /** A buyer holding an unpaid order is reminded this long before the hold runs out (at most half the hold); 0: never. */
    HOLD_REMINDER_SECONDS: T.Integer({ default: 120, minimum: 0 }),
    /**
     * Who issues invoices (the seller of record): with a name, a paid order's receipt is an invoice with
     * a sequential number, this issuer and the tax per rate; without, a receipt that is not an invoice.
     */
    INVOICE_ISSUER_NAME: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
    INVOICE_ISSUER_ADDRESS: T.Optional(T.String({ maxLength: 300 })),
    /** The issuer's VAT or tax registration number, printed on every invoice. */
    INVOICE_ISSUER_TAX_ID: T.Optional(T.String({ maxLength: 50 })),
    /** Printed before the sequence number: `EP-000042`. */
    INVOICE_NUMBER_PREFIX: T.String({ default: 'EP-', pattern: '^[A-Za-z0-9/_-]{0,20}$' }),
    /**
     * Apple Wallet passes of tickets, signed with the operator's Pass Type ID certificate: its id
     * (`pass.com.example.tickets`), the Apple team, the certificate and its key (PEM; `_FILE` for secrets)
     * and Apple's WWDR intermediate certificate (PEM). All of them, or none: then no passes are offered.
     */
    WALLET_PASS_TYPE_ID: T.Optional(T.String({ pattern: '^pass\\.[A-Za-z0-9.-]+$' })),
    WALLET_TEAM_ID: T.Optional(T.String({ pattern: '^[A-Z0-9]{10}$' })),
    WALLET_CERT: T.Optional(T.String({ pattern: 'BEGIN CERTIFICATE' })),
    WALLET_KEY: T.Optional(T.String({ pattern: 'PRIVATE KEY' })),
    WALLET_KEY_PASSPHRASE: T.Optional(T.String()),
    WALLET_WWDR: T.Optional(T.String({ pattern: 'BEGIN CERTIFICATE' })),
    /**
     * Google Wallet tickets, saved by a link signed with the operator's Google Cloud service account: the
     * issuer id Google's Pay & Wallet console gives, the service account's address and its RSA key (the
     * key file's `private_key`, PEM; `_FILE` for a secret). All of them, or none: then no links are offered.
     * PUBLIC_URL names the site the links are made for.
     */
    GOOGLE_WALLET_ISSUER_ID: T.Optional(T.String({ pattern: '^[0-9]{6,25}$' })),
    GOOGLE_WALLET_SERVICE_ACCOUNT: T.Optional(T.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254 })),
    GOOGLE_WALLET_KEY: T.Optional(T.String({ pattern: 'PRIVATE KEY' })),
    /** The address buyers open the web app at (Google Wallet links name its origin). */
    PUBLIC_URL: T.Optional(T.String({ pattern: '^https?://[^\\s]+$' })),
  })
  requiredInProduction(config, 'CATALOG_URL', config.CATALOG_URL)
  requiredInProduction(config, 'TICKETING_URL', config.TICKETING_URL)
  requiredInProduction(config, 'PAYMENTS_URL', config.PAYMENTS_URL)
  return config
}
export type OrdersConfig = ReturnType<typeof ordersConfig>

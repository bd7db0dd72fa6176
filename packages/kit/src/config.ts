import { readFileSync } from 'node:fs'
import { Type as T, type Static, type TObject, type TProperties } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

/** Settings every service reads. Each service adds its own with `loadConfig(extra)`. */
export const BaseEnv = {
  NODE_ENV: T.Union([T.Literal('development'), T.Literal('test'), T.Literal('production')], { default: 'development' }),
  LOG_LEVEL: T.Union([T.Literal('trace'), T.Literal('debug'), T.Literal('info'), T.Literal('warn'), T.Literal('error'), T.Literal('silent')], { default: 'info' }),
  HOST: T.String({ default: '0.0.0.0' }),
  /** The three connection URLs carry credentials in production: there they have no default (see LOCAL_DEFAULTS). */
  MONGO_URL: T.String(),
  /** Each service keeps its data in its own database, `<prefix>_<service>`. */
  MONGO_DB_PREFIX: T.String({ default: 'easypass', pattern: '^[A-Za-z0-9_-]+$' }),
  REDIS_URL: T.String(),
  /** Prefix of every Redis key (queues, rate limits, idempotency), so several systems can share one Redis. */
  REDIS_PREFIX: T.String({ default: 'ep', pattern: '^[A-Za-z0-9_-]+$' }),
  NATS_URL: T.String(),
  /** First token of every NATS subject and stream name, so several systems can share one NATS. */
  BUS_PREFIX: T.String({ default: 'easypass', pattern: '^[A-Za-z0-9_-]+$' }),
  /**
   * Ed25519 public key (PEM) that verifies users' access tokens; auth alone holds the private key
   * (JWT_PRIVATE_KEY). No default anywhere: the launcher generates the pair per data folder.
   */
  JWT_PUBLIC_KEY: T.String({ minLength: 40 }),
  /** The public keys of the services' own tokens (`name:key …`, kit's `servicePublicKeys`); not secret. */
  SERVICE_PUBLIC_KEYS: T.Optional(T.String()),
  JWT_ISSUER: T.String({ default: 'easypass' }),
}

/** For the services called by others (catalog, ticketing, payments, orders) and those that call: every service's public key. */
export const ServicePublicKeysEnv = { SERVICE_PUBLIC_KEYS: T.String({ minLength: 40 }) }
/** For the services that call others (auth, catalog, orders): their own signing key (Ed25519, PEM). */
export const ServiceKeyEnv = { SERVICE_KEY: T.String({ minLength: 40 }), ...ServicePublicKeysEnv }
/** For ticketing and notifications, whose API calls others and whose worker calls nobody: the API's `serviceTokens` asks for the key. */
export const ServiceKeyOfApiEnv = { SERVICE_KEY: T.Optional(T.String({ minLength: 40 })), ...ServicePublicKeysEnv }
/**
 * For orders and notifications only: the HMAC key of the links notifications makes and orders checks (a
 * ticket offered to someone), of orders' card fingerprints, and of notifications' sealed webhook secrets.
 */
export const ServiceSecretEnv = {
  SERVICE_SECRET: T.String({ minLength: 32 }),
  /**
   * The secret SERVICE_SECRET replaced, while it is rotated: links made with it still open, a purchase
   * retried with the same card under the same Idempotency-Key is still the same request, and webhook
   * secrets sealed under it open and are sealed again under the new one (`previousSecrets`).
   */
  SERVICE_PREVIOUS_SECRET: T.Optional(T.String({ minLength: 32 })),
}

/** The secrets SERVICE_SECRET replaced (none when no rotation is under way, or when the stack gives the secret itself as the previous one). */
export const previousSecrets = (config: { SERVICE_SECRET?: string; SERVICE_PREVIOUS_SECRET?: string }): string[] =>
  config.SERVICE_PREVIOUS_SECRET && config.SERVICE_PREVIOUS_SECRET !== config.SERVICE_SECRET ? [config.SERVICE_PREVIOUS_SECRET] : []
/** Wrong voucher codes one address (a lookup) or one account (an order) may try per hour: codes are only as strong as their length. */
export const VoucherGuessEnv = { VOUCHER_GUESSES_PER_HOUR: T.Integer({ default: 30, minimum: 1 }) }
/** Where the ticket PDFs' fonts are (DejaVuSans.ttf, -Bold, Mono: Debian's fonts-dejavu-core); empty or missing: the PDF's built-in Latin-1 fonts. */
export const TicketFontEnv = { TICKET_FONT_DIR: T.String({ default: '/usr/share/fonts/truetype/dejavu' }) }

export type Config<P extends TProperties> = Static<TObject<typeof BaseEnv & P>>

/** Outside production only: a local MongoDB, Redis and NATS without credentials. */
const LOCAL_DEFAULTS: Record<string, string> = {
  MONGO_URL: 'mongodb://127.0.0.1:27017/',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
}

/**
 * Reads the environment against a schema, applies defaults and stops the process with every
 * problem listed when something is missing or malformed: a service never starts half-configured.
 */
export function loadConfig<P extends TProperties>(extra: P, env: Record<string, string | undefined> = process.env): Config<P> {
  const schema = T.Object({ ...BaseEnv, ...extra })
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key]
    // Docker secrets: `SERVICE_SECRET_FILE=/run/secrets/service_secret` reads the value from that file.
    else if (env[`${key}_FILE`]) raw[key] = readFileSync(env[`${key}_FILE`]!, 'utf8').trim()
  }
  // In production a missing URL stays empty, and connecting to it stops the process (`connectionUrl`):
  // a service that never connects to one of them does not need it.
  const production = (raw.NODE_ENV ?? 'development') === 'production'
  for (const [key, value] of Object.entries(LOCAL_DEFAULTS)) raw[key] ??= production ? '' : value
  const withDefaults = Value.Default(schema, raw)
  const converted = Value.Convert(schema, withDefaults)
  const problems = [...Value.Errors(schema, converted)].map((e) => `${e.path.slice(1) || '(root)'}: ${e.message}`)
  if (problems.length) {
    const message = `invalid configuration:\n  ${problems.join('\n  ')}`
    if (env === process.env) {
      console.error(JSON.stringify({ level: 'fatal', msg: message }))
      process.exit(1)
    }
    throw new Error(message)
  }
  return converted as Config<P>
}

/** The URL a service connects to; an empty one (not given in production) stops the process with its name. */
export function connectionUrl(url: string, name: string): string {
  if (url) return url
  console.error(JSON.stringify({ level: 'fatal', msg: `${name} must be set in production` }))
  process.exit(1)
}

/** A setting that must be given explicitly in production (no default) but may default elsewhere. */
export function requiredInProduction(config: { NODE_ENV: string }, name: string, value: string | undefined): string | undefined {
  if (config.NODE_ENV === 'production' && !value) {
    console.error(JSON.stringify({ level: 'fatal', msg: `${name} must be set in production` }))
    process.exit(1)
  }
  return value
}

// Identity: accounts, passwords, sessions (refresh tokens) and the access tokens every service trusts.
import { Type as T } from '@sinclair/typebox'
import type { Role } from '@easypass/contracts'
import nodemailer from 'nodemailer'
import {
  Bus, callService, connectMongo, connectNats, connectRedis, createLogger, Outbox, createService, ensureIndexes, guessLimit, loadConfig, pingMongo, pingRedis, repeatEvery,
  requiredInProduction, sealer, serve, ServiceKeyEnv, serviceTokens,
} from '@easypass/kit'
import { defineModels } from './db'
import { authModule } from './modules/auth'
import { passkeysModule } from './modules/passkeys'
import { passkeyService, relyingParty } from './modules/passkeys/service'
import { loginLimiter } from './modules/auth/login-limiter'
import { configureHashing } from './modules/auth/passwords'
import { resetMailer } from './modules/auth/reset-email'
import { guestMailer } from './modules/auth/guest-email'
import { alertMailer } from './modules/auth/alert-email'
import { authService } from './modules/auth/service'
import { accountClosing } from './modules/auth/closing'
import { guestRetention } from './modules/auth/guest-retention'
import { guestNoticeMailer } from './modules/auth/guest-notice-email'
import { sessionStore } from './modules/auth/sessions'
import { twoFactorService } from './modules/auth/two-factor'
import { usersModule } from './modules/users'
import { ensureFirstAdmin } from './modules/users/bootstrap'
import { usersService } from './modules/users/service'

const config = loadConfig({
  /** Ed25519 private key (PEM) that signs users' access tokens: auth alone holds it. */
  JWT_PRIVATE_KEY: T.String({ minLength: 40 }),
  /**
   * The key JWT_PRIVATE_KEY replaced, while it is rotated: authenticator secrets sealed under it are
   * sealed again under the new one at start (its public key stays in JWT_PUBLIC_KEY until its tokens expire).
   */
  JWT_PREVIOUS_PRIVATE_KEY: T.Optional(T.String({ minLength: 40 })),
  PORT: T.Number({ default: 4101 }),
  ADMIN_EMAIL: T.Optional(T.String({ pattern: '^\\s*[^@\\s]+@[^@\\s]+\\s*$', maxLength: 254 })),
  ADMIN_PASSWORD: T.Optional(T.String({ minLength: 8, maxLength: 200 })),
  LOGIN_MAX_FAILURES_PER_EMAIL: T.Integer({ default: 10, minimum: 1 }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: T.Integer({ default: 100, minimum: 1 }),
  LOGIN_MAX_FAILURES_PER_IP: T.Integer({ default: 50, minimum: 1 }),
  LOGIN_FAILURE_WINDOW_SECONDS: T.Integer({ default: 900, minimum: 1 }),
  REGISTRATIONS_PER_IP: T.Integer({ default: 30, minimum: 1 }),
  /** Password hashes at once (19 MiB each; one per CPU the container may use) and how many may wait. */
  HASH_CONCURRENCY: T.Integer({ default: 2, minimum: 1, maximum: 64 }),
  HASH_QUEUE: T.Integer({ default: 100, minimum: 0, maximum: 10_000 }),
  REGISTRATION_WINDOW_SECONDS: T.Integer({ default: 3600, minimum: 1 }),
  /** Wrong two-step codes one account may be sent per hour, from anywhere; then 429 until the hour is over. */
  TWO_FACTOR_WRONG_CODES_PER_HOUR: T.Integer({ default: 10, minimum: 1 }),
  /** Roles that must sign in with two steps (`admin`, `staff`, or both, comma-separated; `none` or empty: none): until it is on, such an account signs in as a customer. */
  TWO_FACTOR_REQUIRED_ROLES: T.String({ default: '', pattern: '^(none|((staff|admin)(,(staff|admin))*)?)$' }),
  /** Password reset links: how long one works, and how many may be asked for per hour. */
  PASSWORD_RESET_MINUTES: T.Integer({ default: 60, minimum: 1, maximum: 1440 }),
  PASSWORD_RESETS_PER_IP: T.Integer({ default: 10, minimum: 1 }),
  PASSWORD_RESETS_PER_EMAIL: T.Integer({ default: 3, minimum: 1 }),
  /** e.g. smtp://user:pass@mail.example.com:587: where reset links are emailed from (as notifications does). */
  SMTP_URL: T.Optional(T.String({ pattern: '^smtps?://' })),
  MAIL_FROM: T.String({ default: 'EasyPass <accounts@easypass.local>' }),
  /** The address buyers open the web app at; reset links point there. */
  PUBLIC_URL: T.Optional(T.String({ pattern: '^https?://[^\\s]+$' })),
  /** Passkeys: the site's domain they are made for (default: PUBLIC_URL's host name). */
  WEBAUTHN_RP_ID: T.Optional(T.String({ pattern: '^[a-z0-9.-]+$' })),
  /** Passkeys: the web app's origins, comma-separated (default: PUBLIC_URL's origin). Without either in production, passkeys are off. */
  WEBAUTHN_ORIGINS: T.Optional(T.String({ pattern: '^https?://[^\\s,]+(,https?://[^\\s,]+)*$' })),
  /** How often closings that stopped half-way are looked for and finished (also at start). */
  CLOSING_SWEEP_INTERVAL_MS: T.Integer({ default: 60_000, minimum: 100 }),
  /** Guest accounts unused this long, and this long after the start of their latest event, are deleted; 0 keeps them for ever. */
  GUEST_RETENTION_DAYS: T.Number({ default: 365, minimum: 0 }),
  /** How often unused guest accounts are looked for (also at start). */
  GUEST_SWEEP_INTERVAL_MS: T.Integer({ default: 3_600_000, minimum: 100 }),
  /** A guest is emailed this long before the deletion (coming back meanwhile keeps the account); 0 deletes without telling. */
  GUEST_NOTICE_DAYS: T.Number({ default: 30, minimum: 0 }),
  /** Orders, asked when a guest's latest event starts before the guest is deleted (its own token: SERVICE_KEY). */
  ORDERS_URL: T.Optional(T.String({ pattern: '^https?://' })),
  ...ServiceKeyEnv,
})
requiredInProduction(config, 'ADMIN_EMAIL', config.ADMIN_EMAIL)
requiredInProduction(config, 'ADMIN_PASSWORD', config.ADMIN_PASSWORD)
// Unused guests are deleted only when orders can say they hold no ticket to a coming event.
if (config.GUEST_RETENTION_DAYS > 0) requiredInProduction(config, 'ORDERS_URL', config.ORDERS_URL)
// A reset link into a production mailbox must point at the real site, never at a default.
if (config.SMTP_URL) requiredInProduction(config, 'PUBLIC_URL', config.PUBLIC_URL)

const log = createLogger('auth', config.LOG_LEVEL)
// Said at every start: a value left over from a load test's deploy must not go unnoticed.
if (config.NODE_ENV === 'production' && !config.TWO_FACTOR_REQUIRED_ROLES.split(',').includes('admin'))
  log.warn({ TWO_FACTOR_REQUIRED_ROLES: config.TWO_FACTOR_REQUIRED_ROLES }, 'admins sign in without a second step in production: their role rests on a password alone')
configureHashing(config.HASH_CONCURRENCY, config.HASH_QUEUE)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_auth`, log)
const redis = connectRedis(config.REDIS_URL, { name: 'auth' })
const models = defineModels(conn)
await ensureIndexes(conn)
// Not awaited: auth starts and serves while NATS is away (the fact of a closed account waits in the outbox).
const bus = new Bus({ nc: connectNats(config.NATS_URL, 'auth', log), prefix: config.BUS_PREFIX, log })
const outbox = new Outbox(conn, bus, log)
await ensureFirstAdmin(models.User, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, log)

const sessions = sessionStore(models, log)
const limiter = loginLimiter(redis, config.REDIS_PREFIX, {
  maxFailuresPerEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
  maxFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
  maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
  windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
  maxRegistrationsPerIp: config.REGISTRATIONS_PER_IP,
  registrationWindowSeconds: config.REGISTRATION_WINDOW_SECONDS,
  maxResetsPerIp: config.PASSWORD_RESETS_PER_IP,
  maxResetsPerEmail: config.PASSWORD_RESETS_PER_EMAIL,
  resetWindowSeconds: 3600,
})
const transport = config.SMTP_URL
  ? nodemailer.createTransport({ url: config.SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 })
  : undefined
const mail = { transport, from: config.MAIL_FROM, production: config.NODE_ENV === 'production', log }
const resets = {
  ...models,
  mailer: resetMailer(mail),
  publicUrl: config.PUBLIC_URL ?? `http://localhost:8080`,
  validMinutes: config.PASSWORD_RESET_MINUTES,
}
const alerts = alertMailer(mail, resets.publicUrl)
const sweepResets = async () => {
  const now = new Date()
  await models.PasswordReset.deleteMany({ expiresAt: { $lt: now } })
  await models.PasswordResetUse.deleteMany({ expiresAt: { $lt: now } })
  await models.PasswordChange.deleteMany({ expiresAt: { $lt: now } })
  await models.TwoFactorUse.deleteMany({ expiresAt: { $lt: now } })
  await models.GuestLink.deleteMany({ expiresAt: { $lt: now } })
  await models.GuestLinkUse.deleteMany({ expiresAt: { $lt: now } })
}
// Authenticator secrets are sealed with a key of their own derived from the signing key, which auth alone
// holds (outside the database). When that key is replaced, the one it replaced is given as
// JWT_PREVIOUS_PRIVATE_KEY: secrets sealed under it still open, and are sealed again under the new key at
// start. Without it they are unreadable: everyone with two-step sign-in then sets it up again (an admin
// turns it off for them: DELETE /api/users/:id/two-factor).
const twoFactor = twoFactorService({
  User: models.User,
  TwoFactorUse: models.TwoFactorUse,
  guesses: guessLimit(redis, `${config.REDIS_PREFIX}:auth:two-factor-codes`, config.TWO_FACTOR_WRONG_CODES_PER_HOUR, 3600, 'two-step codes for this account'),
  seal: sealer(config.JWT_PRIVATE_KEY, 'authenticator secrets v1', config.JWT_PREVIOUS_PRIVATE_KEY ? [config.JWT_PREVIOUS_PRIVATE_KEY] : []),
  issuer: 'EasyPass',
  // Whoever typed the wrong codes got past the password (or has a password link): the owner hears of it.
  onLimitReached: (user) => alerts.codeLimitReached(user.email, config.TWO_FACTOR_WRONG_CODES_PER_HOUR),
  log,
})
// A rotation of the signing key: what the previous one sealed is sealed again under the current one, at
// start and every 10 minutes while the previous key is given (replicas of the version before may still
// seal under it while an update rolls); each pass is logged, and the previous key may go once a pass
// after the update resealed none. (The stack gives the signing key itself as the previous one when no
// rotation is under way: nothing to do.)
const RESEAL_INTERVAL_MS = 10 * 60_000
const rotating = !!config.JWT_PREVIOUS_PRIVATE_KEY && config.JWT_PREVIOUS_PRIVATE_KEY.trim() !== config.JWT_PRIVATE_KEY.trim()
if (rotating) log.warn('JWT_PREVIOUS_PRIVATE_KEY is given: authenticator secrets sealed under it still open, and are sealed again under JWT_PRIVATE_KEY')
const stopResealing = rotating
  ? repeatEvery(
      RESEAL_INTERVAL_MS,
      async () => log.info(await twoFactor.resealAll(), 'authenticator secrets under the previous key sealed again under the current one (none resealed after the update: JWT_PREVIOUS_PRIVATE_KEY may go)'),
      log,
      'authenticator secrets not resealed yet; they still open with JWT_PREVIOUS_PRIVATE_KEY, tried again in 10 minutes',
    )
  : () => {}
const sweep = setInterval(
  () => Promise.all([sessions.sweepExpired(), sweepResets()]).catch((err) => log.warn({ err: String(err) }, 'session sweep failed')),
  3_600_000,
)
sweep.unref()

const auth = authService({ User: models.User, alerts, passkeyOf: (id) => models.Passkey.findById(id, { userId: 1, twoSteps: 1 }).lean(), twoFactor, twoFactorRequiredRoles: new Set(config.TWO_FACTOR_REQUIRED_ROLES.split(',').filter((r) => r && r !== 'none') as Role[]), sessions, limiter, config, resets, guestLinks: { ...models, mailer: guestMailer(mail) }, log })
const closing = accountClosing({ models, outbox, redis, prefix: config.REDIS_PREFIX, confirm: auth.confirmSteps, log })
outbox.start()
const stopClosingSweep = closing.startSweep(config.CLOSING_SWEEP_INTERVAL_MS)
const serviceToken = serviceTokens(config, 'auth')
const ordersUrl = config.ORDERS_URL?.replace(/\/+$/, '')
const guests = guestRetention({
  models,
  retentionDays: config.GUEST_RETENTION_DAYS,
  noticeDays: config.GUEST_NOTICE_DAYS,
  notify: guestNoticeMailer(mail, resets.publicUrl).send,
  lastEvent: async (userId) => {
    if (!ordersUrl) throw new Error('ORDERS_URL is not set: no guest can be told to hold no ticket, so none is deleted')
    return callService<{ lastEventAt: string | null; language?: string }>(ordersUrl, `/internal/users/${userId}/last-event`, { token: await serviceToken(), timeoutMs: 5_000 })
  },
  close: closing.closeNow,
  log,
})
const stopGuestSweep = config.GUEST_RETENTION_DAYS > 0 ? repeatEvery(config.GUEST_SWEEP_INTERVAL_MS, () => guests.pass(), log, 'unused guests not looked at; will retry') : () => {}

const passkeys = passkeyService({
  ...models,
  auth,
  sessions,
  limiter,
  redis,
  prefix: config.REDIS_PREFIX,
  alerts,
  relyingParty: relyingParty(config.WEBAUTHN_ORIGINS ?? config.PUBLIC_URL ?? (config.NODE_ENV === 'production' ? undefined : resets.publicUrl), config.WEBAUTHN_RP_ID),
  log,
})

const app = createService({
  name: 'auth',
  description: 'Accounts, sign-in, sessions and roles.',
  log,
  // NATS is not among them: signing in never needs it (only a closed account's fact, which waits in the outbox).
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis) },
})
  .use(authModule(auth, closing, config))
  .use(passkeysModule(passkeys, config))
  .use(usersModule(usersService(models.User, log, { redis, prefix: config.REDIS_PREFIX }, twoFactor, passkeys.countsOf, alerts), closing, config))

serve(app, { port: config.PORT, hostname: config.HOST, log, closers: [() => clearInterval(sweep), stopClosingSweep, stopGuestSweep, stopResealing, () => outbox.stop(), () => bus.close(), () => transport?.close(), () => redis.quit(), () => conn.close()] })

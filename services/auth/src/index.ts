// Identity: accounts, passwords, sessions (refresh tokens) and the access tokens every service trusts.
import { Type as T } from '@sinclair/typebox'
import { connectMongo, connectRedis, createLogger, createService, ensureIndexes, loadConfig, pingMongo, pingRedis, requiredInProduction, serve } from '@easypass/kit'
import { defineModels } from './db'
import { authModule } from './modules/auth'
import { loginLimiter } from './modules/auth/login-limiter'
import { configureHashing } from './modules/auth/passwords'
import { authService } from './modules/auth/service'
import { sessionStore } from './modules/auth/sessions'
import { usersModule } from './modules/users'
import { ensureFirstAdmin } from './modules/users/bootstrap'
import { usersService } from './modules/users/service'

const config = loadConfig({
  /** Ed25519 private key (PEM) that signs users' access tokens: auth alone holds it. */
  JWT_PRIVATE_KEY: T.String({ minLength: 40 }),
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
})
requiredInProduction(config, 'ADMIN_EMAIL', config.ADMIN_EMAIL)
requiredInProduction(config, 'ADMIN_PASSWORD', config.ADMIN_PASSWORD)

const log = createLogger('auth', config.LOG_LEVEL)
configureHashing(config.HASH_CONCURRENCY, config.HASH_QUEUE)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_auth`, log)
const redis = connectRedis(config.REDIS_URL, { name: 'auth' })
const models = defineModels(conn)
await ensureIndexes(conn)
await ensureFirstAdmin(models.User, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, log)

const sessions = sessionStore(models, log)
const limiter = loginLimiter(redis, config.REDIS_PREFIX, {
  maxFailuresPerEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
  maxFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
  maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
  windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
  maxRegistrationsPerIp: config.REGISTRATIONS_PER_IP,
  registrationWindowSeconds: config.REGISTRATION_WINDOW_SECONDS,
})
const sweep = setInterval(() => sessions.sweepExpired().catch((err) => log.warn({ err: String(err) }, 'session sweep failed')), 3_600_000)
sweep.unref()

const app = createService({
  name: 'auth',
  description: 'Accounts, sign-in, sessions and roles.',
  log,
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis) },
})
  .use(authModule(authService({ User: models.User, sessions, limiter, config }), config))
  .use(usersModule(usersService(models.User, log, { redis, prefix: config.REDIS_PREFIX }), config))

serve(app, { port: config.PORT, hostname: config.HOST, log, closers: [() => clearInterval(sweep), () => redis.quit(), () => conn.close()] })

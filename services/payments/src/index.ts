// Payments: card charges and refunds through a provider (the sandbox by default), insert-only records,
// a reconciler that settles charges left without a result, and the payment facts.
import { Type as T } from '@sinclair/typebox'
import { Bus, connectMongo, connectNats, createLogger, createService, ensureIndexes, loadConfig, Outbox, pingMongo, requiredInProduction, serve, ServicePublicKeysEnv } from '@easypass/kit'
import { defineModels } from './db'
import { parseLatency, sandboxProvider, withTimeout } from './provider/sandbox'
import { chargesModule } from './modules/charges'
import { chargesService } from './modules/charges/service'
import { paymentsModule } from './modules/payments'
import { paymentsService } from './modules/payments/service'
import { reconciler } from './modules/reconciler/service'
import { refundsModule } from './modules/refunds'
import { refundsService } from './modules/refunds/service'

const config = loadConfig({
  // Calls nobody: it verifies orders' tokens only.
  ...ServicePublicKeysEnv,
  PORT: T.Number({ default: 4104 }),
  /**
   * The card gateway. `sandbox` is the only one built: it approves the contract's test card and any
   * other valid card number, and no money moves. Outside production it is the default; in production
   * it must be named (a deploy that forgot a real gateway must not take orders as paid unnoticed).
   */
  PAYMENT_PROVIDER: T.Optional(T.Union([T.Literal('sandbox')])),
  /** Random latency of every sandbox call: "5-40" (ms range) or a single number. */
  SANDBOX_LATENCY_MS: T.String({ default: '5-40', pattern: '^\\s*\\d+\\s*(-\\s*\\d+\\s*)?$' }),
  PROVIDER_TIMEOUT_MS: T.Integer({ default: 10_000, minimum: 100 }),
  RECONCILE_AFTER_SECONDS: T.Number({ default: 30, minimum: 0 }),
  RECONCILE_GIVE_UP_SECONDS: T.Number({ default: 120, minimum: 0 }),
  RECONCILE_LOOKBACK_HOURS: T.Number({ default: 24, minimum: 1 }),
})

const log = createLogger('payments', config.LOG_LEVEL)
requiredInProduction(config, 'PAYMENT_PROVIDER', config.PAYMENT_PROVIDER)
if (config.NODE_ENV === 'production' && config.PAYMENT_PROVIDER === 'sandbox')
  log.warn('PAYMENT_PROVIDER is sandbox in production: any valid card number is approved and no money moves')
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_payments`, log)
const models = defineModels(conn)
// The sandbox took one refund per charge before refunds of parts: that index would refuse the second.
await models.SandboxRefund.collection.dropIndex('chargeRef_1').catch(() => {})
await ensureIndexes(conn)
// Not awaited: the service starts and serves while NATS is away (facts wait in the outbox).
const bus = new Bus({ nc: connectNats(config.NATS_URL, 'payments', log), prefix: config.BUS_PREFIX, log })
const outbox = new Outbox(conn, bus, log)
outbox.start()

// A give-up shorter than the provider timeout could declare lost a charge that is still in flight.
const giveUpSeconds = Math.max(config.RECONCILE_GIVE_UP_SECONDS, (config.PROVIDER_TIMEOUT_MS * 2) / 1000)
const provider = withTimeout(sandboxProvider(models, parseLatency(config.SANDBOX_LATENCY_MS)), config.PROVIDER_TIMEOUT_MS)
const refunds = refundsService({ models, provider, outbox, log })
const charges = chargesService({ models, provider, outbox, refunds, log, giveUpSeconds, providerTimeoutMs: config.PROVIDER_TIMEOUT_MS })
const payments = paymentsService(models, charges, refunds)
const reconcile = reconciler(models, charges, log, { afterSeconds: config.RECONCILE_AFTER_SECONDS, lookbackHours: config.RECONCILE_LOOKBACK_HOURS })
reconcile.start()

const app = createService({
  name: 'payments',
  description: 'Card payments and refunds (sandbox provider by default).',
  log,
  checks: { mongo: () => pingMongo(conn), nats: () => bus.ping() },
})
  .use(paymentsModule(payments, config))
  .use(chargesModule(charges, config))
  .use(refundsModule(charges, refunds, config))

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  closers: [() => reconcile.stop(), () => outbox.stop(), () => bus.close(), () => conn.close()],
})

// Orders API: buying (hold → charge → confirm → tickets), paying, cancelling, refunds, e-tickets and
// check-in. The background work (facts, reconciliation, the status projection, relaying facts to
// NATS) runs in src/worker.ts; this process only records facts in its outbox.
import { connectMongo, connectRedis, createLogger, createService, ensureIndexes, Outbox, pingMongo, pingRedis, serve, serviceTokens, type Bus } from '@easypass/kit'
import { catalogClient, paymentsClient, ticketingClient } from './clients'
import { ordersConfig } from './config'
import { defineModels } from './db'
import { checkinsModule } from './modules/checkins'
import { checkinsService } from './modules/checkins/service'
import { dirtyOrders, orderLocks } from './modules/coordination'
import { idempotency } from './modules/idempotency/service'
import { internalModule } from './modules/internal'
import { ordersModule } from './modules/orders'
import { settlement } from './modules/orders/settlement'
import { orderStore } from './modules/orders/store'
import { purchaseService } from './modules/purchase/service'
import { refundsService } from './modules/refunds/service'
import { ticketsService } from './modules/tickets/service'

const config = ordersConfig(4105)
const log = createLogger('orders', config.LOG_LEVEL)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_orders`, log)
const models = defineModels(conn)
await ensureIndexes(conn)
const redis = connectRedis(config.REDIS_URL, { name: 'orders' })
// Recording only (an insert next to the data); the worker relays the outbox to NATS.
const outbox = new Outbox(conn, undefined as unknown as Bus, log)

const token = serviceTokens(config, 'orders')
const catalog = catalogClient(config, token)
const ticketing = ticketingClient(config, token)
const payments = paymentsClient(config, token)
const locks = orderLocks(redis, config.REDIS_PREFIX, log)
const dirty = dirtyOrders(redis, config.REDIS_PREFIX)
const idem = idempotency(redis, config.REDIS_PREFIX, log)
const store = orderStore(models)
const tickets = ticketsService(models)
const settle = settlement({ store, tickets, ticketing, payments, dirty, outbox, log })
const purchase = purchaseService({ config, store, settlement: settle, catalog, ticketing, payments, locks, dirty, idem, log })
const refunds = refundsService({ config, store, catalog, ticketing, payments, locks, dirty, outbox, idem, log })

const app = createService({
  name: 'orders',
  description: 'Orders: buying, paying, cancelling and refunding tickets; e-tickets and check-in.',
  log,
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis) },
})
  .use(ordersModule(config, { store, purchase, refunds, tickets }))
  .use(checkinsModule(config, checkinsService(models, store, tickets)))
  .use(internalModule(config, store, tickets))

serve(app, { port: config.PORT, hostname: config.HOST, log, closers: [() => redis.quit(), () => conn.close()] })

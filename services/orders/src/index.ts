// Orders API: buying (hold → charge → confirm → tickets), paying, cancelling, refunds, e-tickets and
// check-in. The background work (facts, reconciliation, the status projection, relaying facts to
// NATS) runs in src/worker.ts; this process only records facts in its outbox.
import { connectMongo, connectRedis, createLogger, createService, ensureIndexes, Outbox, pingMongo, pingRedis, serve, type Bus } from '@easypass/kit'
import { ordersConfig } from './config'
import { ordersCore } from './core'
import { checkinsModule } from './modules/checkins'
import { checkinsService } from './modules/checkins/service'
import { internalModule } from './modules/internal'
import { ordersModule } from './modules/orders'
import { gated } from './modules/purchase/gate'
import { purchaseService } from './modules/purchase/service'

const config = ordersConfig(4105)
const log = createLogger('orders', config.LOG_LEVEL)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_orders`, log)
const redis = connectRedis(config.REDIS_URL, { name: 'orders' })
// Recording only (an insert next to the data); the worker relays the outbox to NATS.
const outbox = new Outbox(conn, undefined as unknown as Bus, log)
const core = ordersCore(config, conn, redis, outbox, log)
await ensureIndexes(conn)
const { store, tickets, refunds } = core
const purchase = gated(purchaseService({ config, log, ...core }), config.ORDER_MAX_CONCURRENT, config.ORDER_WAIT_MS)

const app = createService({
  name: 'orders',
  description: 'Orders: buying, paying, cancelling and refunding tickets; e-tickets and check-in.',
  log,
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis) },
})
  .use(ordersModule(config, { store, purchase, refunds, tickets }))
  .use(checkinsModule(config, checkinsService(core.models, store, tickets)))
  .use(internalModule(config, store, tickets))

serve(app, { port: config.PORT, hostname: config.HOST, log, closers: [() => redis.quit(), () => conn.close()] })

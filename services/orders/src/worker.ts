// orders-worker: everything of orders that happens in the background. It relays the outbox to NATS,
// consumes the facts orders reacts to, keeps the status projection, finishes what crashes or
// unreachable services left unfinished, and works through cancelled events. It also serves /health
// and /metrics on its PORT.
import { Bus, connectMongo, connectNats, connectRedis, createLogger, createService, ensureIndexes, Outbox, pingMongo, pingNats, pingRedis, serve, serviceTokens } from '@easypass/kit'
import { catalogClient, paymentsClient, ticketingClient } from './clients'
import { ordersConfig } from './config'
import { defineModels } from './db'
import { dirtyOrders, orderLocks } from './modules/coordination'
import { consumeFacts } from './modules/facts'
import { idempotency } from './modules/idempotency/service'
import { settlement } from './modules/orders/settlement'
import { orderStore } from './modules/orders/store'
import { cancellations } from './modules/reconciler/cancellations'
import { reconciler } from './modules/reconciler/service'
import { refundsService } from './modules/refunds/service'
import { ticketsService } from './modules/tickets/service'

const config = ordersConfig(4115)
const log = createLogger('orders-worker', config.LOG_LEVEL)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_orders`, log)
const models = defineModels(conn)
await ensureIndexes(conn)
const redis = connectRedis(config.REDIS_URL, { name: 'orders-worker' })
const nc = await connectNats(config.NATS_URL, 'orders-worker', log)
const bus = new Bus({ nc, prefix: config.BUS_PREFIX, log })
const outbox = new Outbox(conn, bus, log)

const token = serviceTokens(config, 'orders')
const catalog = catalogClient(config, token)
const ticketing = ticketingClient(config, token)
const payments = paymentsClient(config, token)
const locks = orderLocks(redis, config.REDIS_PREFIX, log)
const dirty = dirtyOrders(redis, config.REDIS_PREFIX)
const store = orderStore(models)
const tickets = ticketsService(models)
const settle = settlement({ store, tickets, ticketing, payments, dirty, outbox, log })
const refunds = refundsService({ config, store, catalog, ticketing, payments, locks, dirty, outbox, idem: idempotency(redis, config.REDIS_PREFIX, log), log })
const repair = reconciler({ config, models, store, settlement: settle, refunds, payments, locks, dirty, outbox, log })
const cancelled = cancellations({ config, models, store, settlement: settle, refunds, locks, log })

let stopped = false
const timers: Timer[] = []
/** Runs `task` every `ms` (never two at once); `wake` runs it now. */
function every(ms: number, name: string, task: () => Promise<unknown>) {
  let busy = false
  const run = async () => {
    if (busy || stopped) return
    busy = true
    try {
      await task()
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error), task: name }, 'background task failed')
    } finally {
      busy = false
    }
  }
  timers.push(setInterval(run, ms))
  return run
}

outbox.start()
every(Math.min(1_000, config.RECONCILE_INTERVAL_MS), 'dirty orders', async () => {
  // Drain a backlog quickly; stop when nothing more is due.
  while (!stopped && (await repair.processDue()) > 0);
})
let sweeps = 0
const sweep = every(config.RECONCILE_INTERVAL_MS, 'sweep', () => repair.sweep(sweeps++ % 6 === 0))
const cancellationsRun = every(config.RECONCILE_INTERVAL_MS, 'event cancellations', () => cancelled.processOpen())
void sweep()
void cancellationsRun()

let stopConsumer: (() => Promise<void>) | undefined
// In the background: the port opens at once even while NATS is still unreachable.
void consumeFacts({ config, bus, store, settlement: settle, payments, locks, dirty, cancellations: cancelled, onCancellation: () => void cancellationsRun(), log })
  .then((stop) => {
    stopConsumer = stop
    log.info('consuming facts')
  })
  .catch((error) => log.error({ err: String(error) }, 'could not start the fact consumer'))

const app = createService({
  name: 'orders-worker',
  description: 'Background work of orders: facts, reconciliation, status projection.',
  log,
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis), nats: () => pingNats(nc) },
})

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  closers: [
    () => {
      stopped = true
      timers.forEach(clearInterval)
    },
    () => stopConsumer?.(),
    () => outbox.stop(),
    () => nc.drain(),
    () => redis.quit(),
    () => conn.close(),
  ],
})

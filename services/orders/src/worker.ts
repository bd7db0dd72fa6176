// orders-worker: everything of orders that happens in the background. It relays its own facts and
// what the API left in the outbox, consumes the facts orders reacts to, keeps the status projection,
// finishes what crashes or unreachable services left unfinished, works through cancelled events and
// reminds buyers whose hold runs out soon, and tells ticket holders what an organiser wrote to them.
// It also serves /health and /metrics on its PORT.
import { Bus, connectMongo, connectNats, connectRedis, createLogger, createService, ensureIndexes, Outbox, pingMongo, pingRedis, serve } from '@easypass/kit'
import { ordersConfig } from './config'
import { ordersCore } from './core'
import { consumeFacts } from './modules/facts'
import { cancellations } from './modules/reconciler/cancellations'
import { reconciler } from './modules/reconciler/service'
import { messageDelivery, removeSentAddresses } from './modules/messages/service'
import { reminderSender } from './modules/reminders/service'

const config = ordersConfig(4115)
const log = createLogger('orders-worker', config.LOG_LEVEL)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_orders`, log)
const redis = connectRedis(config.REDIS_URL, { name: 'orders-worker', autoPipeline: true })
// Not awaited: the service starts and serves while NATS is away (facts wait in the outbox).
const bus = new Bus({ nc: connectNats(config.NATS_URL, 'orders-worker', log), prefix: config.BUS_PREFIX, log })
const outbox = new Outbox(conn, bus, log)
const core = ordersCore(config, conn, redis, outbox, log)
await ensureIndexes(conn)
const { models, store, settlement: settle, refunds, payments, catalog, locks, dirty, settled, reminders } = core
const repair = reconciler({ config, models, store, settlement: settle, refunds, payments, locks, dirty, settled, outbox, log })
const cancelled = cancellations({ config, models, store, settlement: settle, refunds, locks, log })

let stopped = false
const timers: Timer[] = []
/** Background tasks running now: a shutdown waits for them before it closes Redis and MongoDB. */
const running = new Set<Promise<void>>()
/** Runs `task` every `ms` (never two at once); `wake` runs it now. */
function every(ms: number, name: string, task: () => Promise<unknown>) {
  let busy = false
  const run = async () => {
    if (busy || stopped) return
    busy = true
    const done = (async () => {
      try {
        await task()
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error), task: name }, 'background task failed')
      } finally {
        busy = false
      }
    })()
    running.add(done)
    await done
    running.delete(done)
  }
  timers.push(setInterval(run, ms))
  return run
}

outbox.start()
every(Math.min(1_000, config.RECONCILE_INTERVAL_MS), 'dirty orders', async () => {
  // Drain a backlog quickly; stop when nothing more is due.
  while (!stopped && (await repair.processDue()) > 0);
})
const holdReminder = reminderSender({ reminders, store, outbox, models, log })
every(1_000, 'hold reminders', () => holdReminder.sendDue())
every(1_000, 'messages to ticket holders', messageDelivery({ models, outbox, log }))
void removeSentAddresses({ models, log }).catch((err) => log.warn({ err: String(err) }, 'addresses of messages sent earlier not removed; tried again at the next start'))
// At most one pass (100 orders) every 250 ms: the projection never takes the database from a sale.
every(250, 'status projection', () => repair.projectSettled())
let sweeps = 0
const sweep = every(config.RECONCILE_INTERVAL_MS, 'sweep', () => repair.sweep(sweeps++ % 6 === 0))
const cancellationsRun = every(config.RECONCILE_INTERVAL_MS, 'event cancellations', () => cancelled.processOpen())
void sweep()
void cancellationsRun()

// In the background, until it starts: the port opens at once even while NATS is still unreachable.
const stopConsumer = bus.keepStarting('fact consumer', () =>
  consumeFacts({ config, models, bus, store, settlement: settle, payments, catalog, locks, dirty, settled, cancellations: cancelled, onCancellation: () => void cancellationsRun(), log }),
)

const app = createService({
  name: 'orders-worker',
  description: 'Background work of orders: facts, reconciliation, status projection.',
  log,
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis), nats: () => bus.ping() },
})

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  closers: [
    () => {
      stopped = true
      timers.forEach(clearInterval)
      return Promise.all(running)
    },
    () => stopConsumer(),
    () => outbox.stop(),
    () => bus.close(),
    () => redis.quit(),
    () => conn.close(),
  ],
})

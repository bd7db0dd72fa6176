// notifications-worker: webhooks. It turns the facts organisers subscribe to into deliveries (a
// durable consumer of its own, so that slow receivers never hold up notifications or emails) and
// sends them from a BullMQ queue, signed, trying again with backoff. It serves /health and /metrics.
import { Queue, Worker } from 'bullmq'
import { WEBHOOK_QUEUE, type WebhookJobData, type WebhookJobName } from '@easypass/contracts/webhooks'
import { Bus, connectMongo, connectNats, connectRedis, createLogger, createService, ensureIndexes, pingMongo, pingRedis, previousSecrets, serve } from '@easypass/kit'
import { notificationsConfig } from './config'
import { defineModels } from './db'
import { secretSeal } from './modules/webhooks/sealed'
import { ENDED, webhookSender } from './modules/webhooks/sender'
import { WEBHOOK_CONSUMER, WEBHOOK_SUBJECTS, webhooksService } from './modules/webhooks/service'

const config = notificationsConfig(4116)
const log = createLogger('notifications-worker', config.LOG_LEVEL)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_notifications`, log)
const models = defineModels(conn)
await ensureIndexes(conn)
const redis = connectRedis(config.REDIS_URL, { name: 'notifications-worker' })
const workerRedis = connectRedis(config.REDIS_URL, { worker: true, name: 'notifications-worker-jobs' })
const queue = new Queue<WebhookJobData, void, WebhookJobName>(WEBHOOK_QUEUE, { connection: redis, prefix: config.REDIS_PREFIX })
const seal = secretSeal(config.SERVICE_SECRET!, previousSecrets(config))
const webhooks = webhooksService({ models, queue, redis, prefix: config.REDIS_PREFIX, settings: config.webhooks, seal, log })
// Not awaited: the worker sends what is queued while NATS is away; facts wait in the stream.
const bus = new Bus({ nc: connectNats(config.NATS_URL, 'notifications-worker', log), prefix: config.BUS_PREFIX, log })

// A quarter of the slots at most per webhook: one receiver that does not answer slows only itself.
const perWebhook = Math.max(1, Math.floor(config.WEBHOOK_CONCURRENCY / 4))
const send = webhookSender({ models, settings: config.webhooks, seal, timeoutMs: config.WEBHOOK_TIMEOUT_MS, perWebhook, log })
const worker = new Worker<WebhookJobData, void, WebhookJobName>(WEBHOOK_QUEUE, send, {
  connection: workerRedis,
  prefix: config.REDIS_PREFIX,
  concurrency: config.WEBHOOK_CONCURRENCY,
  // A delivery waits at most WEBHOOK_TIMEOUT_MS for its receiver: the lock outlasts it.
  lockDuration: Math.max(30_000, config.WEBHOOK_TIMEOUT_MS * 3),
})
worker.on('error', (err) => log.error({ err: err.message }, 'webhook worker error'))
// A job BullMQ failed without running it to the end (stalled too often: its workers died) is ended
// in its record too, or the admin would see it waiting for ever.
worker.on('failed', (job, err) => {
  if (!job || (job.attemptsMade < (job.opts.attempts ?? 1) && !/stalled/i.test(err.message))) return
  void models.WebhookDelivery.updateOne(
    { _id: job.data.deliveryId, status: { $nin: [...ENDED] } },
    { $set: { status: 'failed', lastError: err.message }, $unset: { nextAttemptAt: 1 } },
  ).catch((error) => log.warn({ delivery: job.data.deliveryId, err: String(error) }, 'webhook delivery not marked failed'))
})

// The delivery history keeps 30 days.
const pruneDeliveries = () =>
  models.WebhookDelivery.deleteMany({ createdAt: { $lt: new Date(Date.now() - 30 * 86_400_000) } }).catch((error) => log.warn({ err: String(error) }, 'old webhook deliveries not pruned'))
void pruneDeliveries()
const pruning = setInterval(pruneDeliveries, 3_600_000)

// The fact consumer runs only while a webhook is switched on: without one, a flash sale's facts cost
// nothing here (measured: 0.3 of 5.3 ms of CPU per purchase, this process and NATS's acknowledgements).
// Resumed, it reads the facts that came meanwhile from where it stopped; each is older than the webhook
// that woke it, so none is sent.
let stopConsumer: (() => Promise<void>) | undefined
let switching = Promise.resolve()
const consumeWhileNeeded = () =>
  (switching = switching.then(async () => {
    const needed = await webhooks.anyActive().catch(() => stopConsumer !== undefined)
    if (needed && !stopConsumer) {
      log.info('a webhook is on: consuming facts')
      stopConsumer = bus.keepStarting('webhook fact consumer', () => bus.consume(WEBHOOK_CONSUMER, WEBHOOK_SUBJECTS, (f) => webhooks.fromFact(f), { parallel: 8 }))
    } else if (!needed && stopConsumer) {
      log.info('no webhook is on: fact consumer paused')
      const stop = stopConsumer
      stopConsumer = undefined
      await stop()
    }
  }))
void consumeWhileNeeded()
const watching = setInterval(consumeWhileNeeded, 1_000)

const app = createService({
  name: 'notifications-worker',
  description: 'Sends webhook deliveries.',
  log,
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis), nats: () => bus.ping() },
})

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  closers: [
    () => clearInterval(pruning),
    () => clearInterval(watching),
    () => switching.then(() => stopConsumer?.()),
    // Finishes the deliveries it is sending (nothing is lost: an unfinished one is sent again by the next worker).
    () => worker.close(),
    () => queue.close(),
    () => bus.close(),
    () => Promise.all([redis, workerRedis].map((c) => c.quit())),
    () => conn.close(),
  ],
})

// The inventory worker: applies every change of every event's inventory, one job per partition at a
// time across all replicas. Serves /health and /metrics on its PORT.
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { InventoryOp, OpResult } from '@easypass/contracts/inventory'
import { connectRedis, createLogger, createService, Outbox, pingRedis, serve } from '@easypass/kit'
import { loadTicketingConfig } from './config'
import { connectTicketing } from './connect'
import { InventoryApplier } from './inventory/applier'
import { createQueues, queueName, type ApplyJob, type ExpireJob, type InventoryJobData, type InventoryJobName } from './inventory/queues'
import { jobDuration, jobsStalled } from './metrics'

const config = loadTicketingConfig(4113)
const log = createLogger('ticketing-worker', config.LOG_LEVEL)
const { conn, models, bus, checks } = await connectTicketing(config, 'ticketing-worker', log)
const outbox = new Outbox(conn, bus, log)
outbox.start()

const redis = connectRedis(config.REDIS_URL, { worker: true, name: 'ticketing-worker' })
const queues = createQueues(redis, config.REDIS_PREFIX, config.INVENTORY_PARTITIONS)
// One job per partition at a time over every worker replica: this is what serialises an event.
await Promise.all(queues.map((q) => q.setGlobalConcurrency(1)))

const applier = new InventoryApplier({
  models,
  queues,
  outbox,
  bus,
  log,
  holdTtlSeconds: config.HOLD_TTL_SECONDS,
  cacheMaxEntries: config.INVENTORY_CACHE_MAX_ENTRIES,
})

const OBJECT_ID = /^[0-9a-fA-F]{24}$/
/** Every op a job may carry (a Record, so that a new op type cannot be forgotten here). */
const OP_TYPES = new Set(
  Object.keys({ hold: 1, confirm: 1, release: 1, expire: 1, refund: 1, addType: 1, updateType: 1, removeType: 1, addVoucher: 1, updateVoucher: 1, removeVoucher: 1, addPool: 1, updatePool: 1, removePool: 1 } satisfies Record<InventoryOp['type'], 1>),
)

async function processJob(job: Job<InventoryJobData, OpResult[], InventoryJobName>, token?: string): Promise<OpResult[]> {
  const done = jobDuration.startTimer({ job: job.name })
  try {
    if (job.name === 'apply') {
      const { eventId, ops } = job.data as ApplyJob
      if (typeof eventId !== 'string' || !OBJECT_ID.test(eventId) || !Array.isArray(ops) || !ops.every((op) => op && OP_TYPES.has(op.type)))
        throw new UnrecoverableError('malformed apply job')
      return await applier.apply(eventId, ops)
    }
    if (job.name === 'expire') {
      const { eventId, orderId } = job.data as ExpireJob
      if (typeof eventId !== 'string' || !OBJECT_ID.test(eventId) || typeof orderId !== 'string') throw new UnrecoverableError('malformed expire job')
      const results = await applier.apply(eventId, [{ type: 'expire', orderId }])
      const early = results[0]
      const expiresAt = early && !early.ok && 'code' in early && early.code === 'CONFLICT' ? (early.details as { expiresAt?: number })?.expiresAt : undefined
      if (expiresAt) {
        // Came before the hold's end: wait until then.
        await job.moveToDelayed(expiresAt, token)
        throw new DelayedError()
      }
      return results
    }
    throw new UnrecoverableError(`unknown job ${job.name}`)
  } finally {
    done()
  }
}

const workerConnections = queues.map((_, n) => connectRedis(config.REDIS_URL, { worker: true, name: `ticketing-worker-${n}` }))
const workers = queues.map((_, n) => {
  const worker = new Worker<InventoryJobData, OpResult[], InventoryJobName>(queueName(n), processJob, {
    connection: workerConnections[n]!,
    prefix: config.REDIS_PREFIX,
    concurrency: 1,
    lockDuration: config.INVENTORY_LOCK_MS,
    stalledInterval: config.INVENTORY_STALLED_INTERVAL_MS,
    maxStalledCount: config.INVENTORY_MAX_STALLED,
  })
  worker.on('failed', (job, err) =>
    log.warn({ queue: queueName(n), job: job?.id, name: job?.name, attempts: job?.attemptsMade, err: err.message }, 'inventory job failed'),
  )
  worker.on('stalled', (jobId) => {
    jobsStalled.inc()
    log.warn({ queue: queueName(n), job: jobId }, 'inventory job stalled; it runs again')
  })
  worker.on('error', (err) => log.error({ queue: queueName(n), err: err.message }, 'inventory worker error'))
  return worker
})

const app = createService({
  name: 'ticketing-worker',
  description: 'Applies inventory changes, one event at a time.',
  log,
  checks: { ...checks, redis: () => pingRedis(redis) },
})

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  closers: [
    // Every partition's worker stops taking jobs at once and finishes its running one (nothing is lost), then the rest.
    () => Promise.all(workers.map((w) => w.close())),
    () => outbox.stop(),
    () => Promise.all(queues.map((q) => q.close())),
    () => Promise.all([redis, ...workerConnections].map((c) => c.quit())),
    () => bus.close(),
    () => conn.close(),
  ],
})

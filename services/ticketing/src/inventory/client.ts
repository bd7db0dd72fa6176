// The API's side of the inventory: hands ops to the worker and waits for their decisions.
// Group commit: per event, at most one job of this process is in flight; every op arriving meanwhile
// waits for the next job (up to INVENTORY_BATCH_MAX ops), so a flood of buyers costs a few jobs, not
// one job per buyer.
import { Job, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import type { InventoryOp, OpFailure, OpResult, OpResults } from '@easypass/contracts/inventory'
import { AppError, counter, fail, histogram, type Logger } from '@easypass/kit'
import { applyJobOptions, createQueues, partitionOf, queueName, type InventoryQueue } from './queues'

const requests = counter('ticketing_inventory_requests_total', 'Ops handed to the worker by this API process, by outcome', ['outcome'])
const waitSeconds = histogram('ticketing_inventory_wait_seconds', 'Time from an op arriving to its decision', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
const jobsSent = counter('ticketing_inventory_jobs_sent_total', 'Jobs enqueued by this API process')

/** A decision refused → the contract's error (404, 409, 400); a decision made → its result. */
export function decided<R extends OpResult>(result: R): Exclude<R, OpFailure> {
  if ('code' in result) throw fail(result.code, result.message, result.details)
  return result as Exclude<R, OpFailure>
}

export interface InventoryClientOptions {
  /** Fails fast: a request never hangs on a Redis that is down. */
  redis: Redis
  /** One blocking connection per partition's QueueEvents. */
  blockingConnection: (name: string) => Redis
  prefix: string
  partitions: number
  batchMax: number
  waitMs: number
  log: Logger
}

interface Waiting {
  op: InventoryOp
  since: number
  settled: boolean
  resolve: (r: OpResult) => void
  reject: (e: Error) => void
  timer: Timer
}

const unavailable = (message: string) => new AppError('UNAVAILABLE', message, undefined, 503)

/** Admin ops: decided only while their requester waits. */
const TIMED_OPS = new Set<InventoryOp['type']>(['addType', 'updateType', 'addVoucher', 'updateVoucher', 'addPool', 'updatePool'])
/** Changes: each with an id of its own, so that a job run again applies it once. */
const PATCH_OPS = new Set<InventoryOp['type']>(['updateType', 'updateVoucher', 'updatePool'])

/**
 * The op as it goes to the worker. An admin op gets the time its requester stops waiting (the 503
 * below tells them to send it again; a retried job deciding it after that would apply it over what
 * they did next), and a change gets an id of its own (a job run again after its commit finds it done).
 */
function timed(op: InventoryOp, waitMs: number, since: number): InventoryOp {
  if (!TIMED_OPS.has(op.type)) return op
  // Half the wait, counted from when the request came: the decision's writes, its way back, the gateway's
  // own wait (begun a little earlier) and another node's clock all fit in the other half. Decided after
  // it, the requester is answered 503 and nothing changed.
  const notAfter = since + waitMs / 2
  return { ...op, notAfter, ...(PATCH_OPS.has(op.type) ? { patchId: crypto.randomUUID() } : {}) } as InventoryOp
}

export class InventoryClient {
  private queues: InventoryQueue[]
  private events: QueueEvents[]
  private waiting = new Map<string, Waiting[]>()
  private inFlight = new Set<string>()
  private scheduled = new Set<string>()

  constructor(private opts: InventoryClientOptions) {
    this.queues = createQueues(opts.redis, opts.prefix, opts.partitions)
    this.events = this.queues.map(
      (_, n) => new QueueEvents(queueName(n), { connection: opts.blockingConnection(`ticketing-events-${n}`), prefix: opts.prefix }),
    )
    for (const e of this.events) e.on('error', (err) => opts.log.warn({ err: String(err) }, 'queue events error'))
  }

  /**
   * The worker's decision on one op. Rejects with 503 UNAVAILABLE when no decision came within the
   * wait budget: the op may still be decided later, and sending the same op again is always safe.
   * `since`: when the request asking for it came (an admin op is decided only while it is waited for).
   */
  submit<O extends InventoryOp>(eventId: string, op: O, since = Date.now()): Promise<OpResults[O['type']]> {
    return new Promise<OpResult>((resolve, reject) => {
      const entry: Waiting = {
        op: timed(op, this.opts.waitMs, since),
        since: performance.now(),
        settled: false,
        resolve,
        reject,
        timer: setTimeout(() => this.finish(entry, unavailable('the inventory did not decide in time; send the same op again')), this.opts.waitMs),
      }
      const list = this.waiting.get(eventId)
      if (list) list.push(entry)
      else this.waiting.set(eventId, [entry])
      this.schedule(eventId)
    }) as Promise<OpResults[O['type']]>
  }

  private finish(entry: Waiting, outcome: OpResult | Error) {
    if (entry.settled) return
    entry.settled = true
    clearTimeout(entry.timer)
    waitSeconds.observe((performance.now() - entry.since) / 1000)
    if (outcome instanceof Error) {
      requests.inc({ outcome: 'unavailable' })
      entry.reject(outcome)
    } else {
      requests.inc({ outcome: 'decided' })
      entry.resolve(outcome)
    }
  }

  /** Lets the ops of the current tick join before the job goes out. */
  private schedule(eventId: string) {
    if (this.inFlight.has(eventId) || this.scheduled.has(eventId)) return
    this.scheduled.add(eventId)
    setImmediate(() => {
      this.scheduled.delete(eventId)
      void this.flush(eventId)
    })
  }

  private async flush(eventId: string) {
    if (this.inFlight.has(eventId)) return
    const list = (this.waiting.get(eventId) ?? []).filter((w) => !w.settled)
    const batch = list.splice(0, this.opts.batchMax)
    if (list.length) this.waiting.set(eventId, list)
    else this.waiting.delete(eventId)
    if (!batch.length) return

    this.inFlight.add(eventId)
    const partition = partitionOf(eventId, this.opts.partitions)
    const batchId = crypto.randomUUID()
    try {
      const job = await this.queues[partition]!.add('apply', { eventId, batchId, ops: batch.map((w) => w.op) }, applyJobOptions(batchId))
      jobsSent.inc()
      let results: unknown
      try {
        results = await job.waitUntilFinished(this.events[partition]!, this.opts.waitMs)
      } catch (error) {
        // Its completion may have been missed (the events stream is trimmed): the job keeps its result a minute.
        results = await this.finishedResult(partition, batchId)
        if (results === undefined) throw error
      }
      if (!Array.isArray(results) || results.length !== batch.length) throw new Error('the worker answered a different number of results')
      batch.forEach((w, i) => this.finish(w, results[i]!))
    } catch (error) {
      this.opts.log.warn({ eventId, ops: batch.length, err: error instanceof Error ? error.message : String(error) }, 'inventory job not decided')
      const failure = unavailable('the inventory is unavailable; send the same op again')
      for (const w of batch) this.finish(w, failure)
    } finally {
      this.inFlight.delete(eventId)
      if (this.waiting.has(eventId)) this.schedule(eventId)
    }
  }

  /** The results of a job that completed, read from the job itself; undefined when it has not. */
  private async finishedResult(partition: number, batchId: string): Promise<unknown> {
    try {
      const job = await Job.fromId(this.queues[partition]!, batchId)
      return job && (await job.isCompleted()) ? job.returnvalue : undefined
    } catch {
      return undefined
    }
  }

  async close() {
    await Promise.all(this.events.map((e) => e.close()))
    await Promise.all(this.queues.map((q) => q.close()))
  }
}

// The work queues of the inventory: `inventory-<n>`, one per partition, each run one job at a time
// across every worker replica, so all changes of one event are applied strictly one after another.
import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import type { InventoryOp, OpResult } from '@easypass/contracts/inventory'

export interface ApplyJob {
  eventId: string
  batchId: string
  ops: InventoryOp[]
}
export interface ExpireJob {
  eventId: string
  orderId: string
}
export type InventoryJobName = 'apply' | 'expire'
export type InventoryJobData = ApplyJob | ExpireJob
export type InventoryQueue = Queue<InventoryJobData, OpResult[], InventoryJobName>

export const queueName = (partition: number) => `inventory-${partition}`

/** FNV-1a of the event id: stable across processes and releases, spreads ObjectIds evenly. */
export function partitionOf(eventId: string, partitions: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < eventId.length; i++) {
    hash ^= eventId.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % partitions
}

export const applyJobOptions = (batchId: string): JobsOptions => ({
  jobId: batchId,
  attempts: 8,
  backoff: { type: 'exponential', delay: 200 },
  // The API learns results from the events stream; a finished job's copy is kept only briefly (they are big).
  removeOnComplete: { age: 60, count: 500 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
})

/**
 * One delayed job per hold and end: its id makes scheduling it twice harmless, and a hold decided
 * again with a later end (its first batch failed) gets a job of its own, not the finished one's id.
 */
export const expireJobOptions = (orderId: string, expiresAt: number, now: number): JobsOptions => ({
  jobId: `expire-${orderId}-${expiresAt}`,
  delay: Math.max(0, expiresAt - now),
  attempts: 20,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
})

export function createQueues(connection: Redis, prefix: string, partitions: number): InventoryQueue[] {
  return Array.from(
    { length: partitions },
    // Completed events carry every op's result: a short events stream keeps Redis small; readers follow it live.
    (_, n) => new Queue<InventoryJobData, OpResult[], InventoryJobName>(queueName(n), { connection, prefix, streams: { events: { maxLen: 2000 } } }),
  )
}

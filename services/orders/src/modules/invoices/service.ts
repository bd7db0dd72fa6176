// Invoice numbers: one per order, given at its first invoice and the same ever after, from one
// sequence without repeats. Redis counts (INCR is atomic across every orders process); a unique index
// on the sequence number in the database is the guard: a counter that fell behind (Redis emptied) is
// caught at the insert, moved past the highest number given, and the number drawn again. The order's
// lock makes two first downloads of one order draw once. A number is lost (a gap) only when a process
// dies between drawing it and storing it.
import type { Redis } from 'ioredis'
import { isDuplicateOnly, type Logger } from '@easypass/kit'
import type { InvoiceDoc, Models } from '../../db'
import type { OrderLocks } from '../coordination'

export interface InvoiceIssuer {
  name: string
  address?: string
  taxId?: string
}

export function invoiceNumbers({ models, redis, prefix, numberPrefix, locks, log }: { models: Pick<Models, 'Invoice'>; redis: Redis; prefix: string; numberPrefix: string; locks: OrderLocks; log: Logger }) {
  const { Invoice } = models
  const counter = `${prefix}:orders:invoice-seq`

  /** Moves the counter past every number the database holds (only after a collision: the sort scans on FerretDB). */
  async function catchUp() {
    const highest = await Invoice.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean<Pick<InvoiceDoc, 'seq'>>()
    if (!highest) return
    // Only ever forward: another process may have moved it further meanwhile.
    await redis.eval("local n = tonumber(redis.call('GET', KEYS[1]) or '0') if n < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end return 1", 1, counter, String(highest.seq))
    log.warn({ seq: highest.seq }, 'invoice counter was behind the database: moved past its highest number')
  }

  return {
    /** The order's invoice: the one it has, or a new number. */
    async of(orderId: string): Promise<InvoiceDoc> {
      const existing = await Invoice.findById(orderId).lean<InvoiceDoc>()
      if (existing) return existing
      const lock = await locks.acquire(orderId, 10_000)
      try {
        for (let attempt = 1; ; attempt++) {
          const again = await Invoice.findById(orderId).lean<InvoiceDoc>()
          if (again) return again
          const seq = await redis.incr(counter)
          const doc: InvoiceDoc = { _id: orderId, seq, number: `${numberPrefix}${String(seq).padStart(6, '0')}`, issuedAt: new Date() }
          try {
            await Invoice.create(doc)
            return doc
          } catch (error) {
            if (!isDuplicateOnly(error) || attempt >= 3) throw error
            // Not this order's (looked for above, under its lock): the number was given before.
            await catchUp()
          }
        }
      } finally {
        await lock.release()
      }
    },
  }
}
export type InvoiceNumbers = ReturnType<typeof invoiceNumbers>

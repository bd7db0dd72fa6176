// The worker's side of the inventory: applies one job's ops to one event with the crash-safe batch
// protocol (no transactions needed):
//   1. read the inventory doc; `pendingSeq` set → a batch died between its writes → write what it
//      claimed and the ledger lacks, then rebuild the counters from the ledger;
//   2. decide every op in memory (seq' = seq + 1);
//   3. `updateOne({_id, seq, pendingSeq: null}, {pendingSeq: seq', pending: entries})` — claim
//   4. insertMany the new ledger entries (unique `_id`s)                        — the truth
//   5. `updateOne({_id, seq, pendingSeq: seq'}, {types, seq: seq', pendingSeq: null})` — commit
//   6. schedule hold expiries, record facts, publish the live availability.
// Jobs of one event never run at the same time (one job per partition queue across all workers),
// and every op is idempotent through the ledger ids, so a job re-run after a crash changes nothing twice.
// A batch that is not dead but stalled (its worker paused past the job's lock, its job taken over)
// may still write its entries after another worker rebuilt the counters: because the rebuild rolls
// the claimed batch forward whole, such late writes are duplicates of entries already counted.
//
// FerretDB answers every lookup on the big ledger with a full scan, so the worker keeps each event's
// ledger folded in memory and trusts it only while its seq equals the document's: another replica's
// batch, a failed write or a restart makes it read the event's ledger again.
import type { mongo } from 'mongoose'
import type { InventoryOp, OpResult } from '@easypass/contracts/inventory'
import { LIVE } from '@easypass/contracts/facts'
import { fact, isDuplicateOnly, type Bus, type Logger, type Outbox } from '@easypass/kit'
import type { InventoryDoc, LedgerEntry, Models, TypeRecord, VoucherRecord } from '../db'
import { batchSize as batchSizeMetric, ledgerLoads, opsDecided, repairs } from '../metrics'
import { countersFromLedger, decideBatch, foldLedger, typeCountsDiffer, voucherCountersFromLedger, voucherCountsDiffer, type Decision, type OrderLedger } from './decide'
import { expireJobOptions, partitionOf, type InventoryQueue } from './queues'
import { availabilityView } from './views'

interface EventCache {
  seq: number
  orders: Map<string, OrderLedger>
  /** Live holds: orderId → expiresAt (ms). */
  live: Map<string, number>
}

export interface ApplierOptions {
  models: Models
  queues: InventoryQueue[]
  outbox: Outbox
  bus: Bus
  log: Logger
  holdTtlSeconds: number
  cacheMaxEntries: number
}

/** Raised when the inventory changed under a batch: the job is retried and starts from the ledger. */
export class InventoryMoved extends Error {}

/**
 * Ops committed apart from the selling ops: the ticket types' changes, and a voucher added, changed or
 * removed (a claim carries ledger entries, not definitions: a hold deciding on a voucher added, or on
 * a voucher's terms changed, in its own batch would, after a crash, be counted against the definitions
 * without it: more uses than its limit).
 */
const APART_OPS = new Set<InventoryOp['type']>(['addType', 'updateType', 'removeType', 'addVoucher', 'updateVoucher', 'removeVoucher', 'addPool', 'updatePool', 'removePool'])
const committedApart = (op: InventoryOp) => APART_OPS.has(op.type)
/**
 * Changes whose checks count held tickets (a capacity, a pool's capacity or types, a voucher's uses):
 * the holds past their end are released first, in a commit of their own.
 */
const JUDGES_HELD = new Set<InventoryOp['type']>(['updateType', 'addPool', 'updatePool', 'updateVoucher', 'removeVoucher'])
/** Most overdue holds released along with one batch. */
const MAX_EXTRA_EXPIRIES = 2000
/** Largest claim that carries its ledger entries (as JSON; the document limit is 16 MB). */
const MAX_CLAIMED_BYTES = 8 * 1024 * 1024

export class InventoryApplier {
  private cache = new Map<string, EventCache>()
  private cachedOrders = 0
  private inventories: mongo.Collection<InventoryDoc>
  private ledger: mongo.Collection<LedgerEntry>

  constructor(private opts: ApplierOptions) {
    this.inventories = opts.models.Inventory.collection as unknown as mongo.Collection<InventoryDoc>
    this.ledger = opts.models.Ledger.collection as unknown as mongo.Collection<LedgerEntry>
  }

  /**
   * Decides the ops of one job, in order. Type changes and ledger ops are committed separately, so a
   * batch that dies midway only ever leaves ledger entries on types that exist (a removal releases the
   * holds naming its type in its own commit: if that dies, the type is still there, its held count
   * rebuilt from the ledger, and the retry removes it). Every batch of selling ops first releases the
   * event's holds that are past their end, so a hold whose expiry job is late (queued behind others in
   * a flash sale, or lost) never makes a buyer's hold look sold out.
   */
  async apply(eventId: string, ops: InventoryOp[]): Promise<OpResult[]> {
    const results: OpResult[] = []
    let start = 0
    while (start < ops.length) {
      let end = start + 1
      while (end < ops.length && committedApart(ops[end]!) === committedApart(ops[start]!)) end++
      // A capacity judged against what is held: holds past their end go first, in a commit of their own
      // (an admin's cut to what is sold and held now is not refused for holds that ended unreleased).
      if (committedApart(ops[start]!) && ops.slice(start, end).some((op) => JUDGES_HELD.has(op.type))) await this.commit(eventId, [], true)
      results.push(...(await this.commit(eventId, ops.slice(start, end), !committedApart(ops[start]!))))
      start = end
    }
    batchSizeMetric.observe(ops.length)
    ops.forEach((op, i) => {
      const r = results[i]!
      r.batchSize = ops.length
      opsDecided.inc({ op: op.type, outcome: r.ok ? ('repeated' in r && r.repeated ? 'repeated' : 'ok') : 'code' in r ? r.code : 'no' })
    })
    return results
  }

  private async commit(eventId: string, ops: InventoryOp[], releaseOverdue: boolean): Promise<OpResult[]> {
    const now = Date.now()
    const found = await this.inventories.findOne({ _id: eventId })
    const doc: InventoryDoc = found ?? { _id: eventId, seq: 0, pendingSeq: null, types: [], updatedAt: new Date(now) }
    const cache = await this.ensureCache(doc, Boolean(found))

    // Overdue holds go first, so that the batch's own holds see their tickets free again. An order the
    // batch names itself is left to its op (a confirm of a hold past its end answers it expired).
    const overdue: InventoryOp[] = []
    if (releaseOverdue) {
      const named = new Set(ops.map((op) => ('orderId' in op ? op.orderId : '')))
      for (const [orderId, expiresAt] of cache.live) {
        if (overdue.length >= MAX_EXTRA_EXPIRIES) break
        if (expiresAt <= now && !named.has(orderId)) overdue.push({ type: 'expire', orderId })
      }
    }
    const allOps = overdue.length ? [...overdue, ...ops] : ops

    const next = doc.seq + 1
    const decision = decideBatch({
      eventId,
      types: doc.types,
      ...(doc.vouchers ? { vouchers: doc.vouchers } : {}),
      ...(doc.pools ? { pools: doc.pools } : {}),
      ...(doc.removed ? { removed: doc.removed } : {}),
      lookup: (orderId) => cache.orders.get(orderId),
      liveOrders: () => cache.live.keys(),
      ops: allOps,
      now,
      holdTtlSeconds: this.opts.holdTtlSeconds,
      seq: next,
    })
    const changed = decision.entries.length > 0 || decision.typesChanged || decision.vouchersChanged || decision.poolsChanged
    if (changed) {
      if (!found) await this.createDoc(eventId, now)
      // Expiry jobs go out while the batch is written: if the batch then fails, they find no hold (or,
      // after a retry decided later, a hold not yet due: they wait again), so nothing depends on the order.
      // Both finish before anything fails the job: a retry must never overlap writes still in flight.
      const outcomes = await Promise.allSettled([this.write(eventId, doc.seq, next, decision, now), this.scheduleExpiries(eventId, decision.expiries)])
      for (const o of outcomes) if (o.status === 'rejected') throw o.reason
      this.remember(eventId, cache, next, decision.orders)
    } else await this.afterCommit(eventId, decision)
    if (changed) this.opts.bus.publishLive(LIVE.availabilityChanged(eventId), availabilityView(eventId, next, decision.types, new Date(now), decision.pools))
    return decision.results.slice(overdue.length)
  }

  private async write(eventId: string, seq: number, next: number, decision: Decision, now: number) {
    // The entries go with the claim unless they would make the document too big (a type removed with tens
    // of thousands of live holds, say): that batch is then rebuilt as before, from what reached the ledger.
    const carried = JSON.stringify(decision.entries).length <= MAX_CLAIMED_BYTES
    if (!carried) this.opts.log.warn({ eventId, seq: next, entries: decision.entries.length }, 'batch too big to claim its entries; a rebuild would count only those in the ledger')
    const claimed = await this.inventories.updateOne(
      { _id: eventId, seq, pendingSeq: null },
      { $set: { pendingSeq: next, pending: { seq: next, entries: carried ? decision.entries : [] } } },
    )
    if (claimed.matchedCount !== 1) {
      this.forget(eventId)
      throw new InventoryMoved(`inventory of ${eventId} changed under batch ${next}`)
    }
    try {
      if (decision.entries.length) await this.ledger.insertMany(decision.entries, { ordered: false })
      // The ledger entries count from here on (a batch that dies now is rebuilt from them, and the
      // rebuild records its expiries' facts again): the facts go before the commit, so that a crash
      // after it cannot lose those of holds this batch expired in passing (they are no longer live).
      await this.recordEnded(eventId, decision)
      const committed = await this.inventories.updateOne(
        { _id: eventId, seq, pendingSeq: next },
        {
          $set: {
            types: decision.types,
            ...(decision.vouchersChanged ? { vouchers: decision.vouchers } : {}),
            ...(decision.poolsChanged ? { pools: decision.pools } : {}),
            ...(decision.removed ? { removed: decision.removed } : {}),
            seq: next,
            pendingSeq: null,
            updatedAt: new Date(now),
          },
          $unset: { pending: '' },
        },
      )
      if (committed.matchedCount !== 1) throw new InventoryMoved(`inventory of ${eventId} changed before batch ${next} committed`)
    } catch (error) {
      // A duplicate ledger id or a lost write: `pendingSeq` stays set, the retry rebuilds from the ledger.
      this.forget(eventId)
      throw error
    }
  }

  private async createDoc(eventId: string, now: number) {
    try {
      await this.inventories.insertOne({ _id: eventId, seq: 0, pendingSeq: null, types: [], updatedAt: new Date(now) })
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
      throw new InventoryMoved(`inventory of ${eventId} was created concurrently`)
    }
  }

  /** Expiry jobs for live holds, facts for ended ones: both idempotent, so repeats redo them safely. */
  private async afterCommit(eventId: string, decision: Pick<Decision, 'expiries' | 'expired' | 'withdrawn'>) {
    await this.scheduleExpiries(eventId, decision.expiries)
    await this.recordEnded(eventId, decision)
  }

  /** The facts of holds that ended without their order asking: expired, or withdrawn with their ticket type. */
  private async recordEnded(eventId: string, { expired, withdrawn }: Pick<Decision, 'expired' | 'withdrawn'>) {
    if (!expired.length && !withdrawn.length) return
    const who = (userId?: string) => (userId ? { userId } : {})
    await this.opts.outbox.record([
      ...expired.map((e) => fact('ticketing.hold-expired', { orderId: e.orderId, eventId, ...who(e.userId) }, `hold-expired:${e.orderId}`)),
      ...withdrawn.map((e) => fact('ticketing.hold-withdrawn', { orderId: e.orderId, eventId, ...who(e.userId) }, `hold-withdrawn:${e.orderId}`)),
    ])
  }

  private async scheduleExpiries(eventId: string, expiries: Decision['expiries']) {
    if (!expiries.length) return
    const queue = this.opts.queues[partitionOf(eventId, this.opts.queues.length)]!
    const now = Date.now()
    for (let i = 0; i < expiries.length; i += 500) {
      await queue.addBulk(
        expiries.slice(i, i + 500).map((e) => ({ name: 'expire' as const, data: { eventId, orderId: e.orderId }, opts: expireJobOptions(e.orderId, e.expiresAt, now) })),
      )
    }
  }

  /** The cached ledger of the event, read again unless it is exactly at the document's seq. */
  private async ensureCache(doc: InventoryDoc, exists: boolean): Promise<EventCache> {
    const eventId = doc._id
    const cached = this.cache.get(eventId)
    if (cached && doc.pendingSeq == null && cached.seq === doc.seq) {
      this.cache.delete(eventId)
      this.cache.set(eventId, cached) // most recently used last
      return cached
    }
    // Another replica ran the event's last batches: what they added to the ledger is folded in, rather
    // than the whole ledger read again (with replicas taking turns on a partition, every batch would).
    if (cached && doc.pendingSeq == null && cached.seq < doc.seq) {
      const caughtUp = await this.catchUp(doc, cached)
      if (caughtUp) return caughtUp
    }
    this.forget(eventId)
    if (!exists) return this.remember(eventId, { seq: 0, orders: new Map(), live: new Map() }, 0, new Map())

    const reason = doc.pendingSeq != null ? 'rebuild' : cached ? 'stale' : 'cold'
    ledgerLoads.inc({ reason })
    // The dead batch is rolled forward: whatever of it the ledger lacks is written first. (A claim by
    // an older version carries no entries: then what it wrote is what counts.)
    if (doc.pendingSeq != null && doc.pending?.seq === doc.pendingSeq && doc.pending.entries.length) {
      await this.ledger.insertMany(doc.pending.entries, { ordered: false }).catch((error) => {
        if (!isDuplicateOnly(error)) throw error
      })
    }
    const entries = await this.ledger.find({ eventId }).toArray()
    const orders = foldLedger(entries)
    const counted = countersFromLedger(doc.types, orders)
    const countedVouchers = voucherCountersFromLedger(doc.vouchers ?? [], orders)
    const differs = typeCountsDiffer(counted, doc.types) || voucherCountsDiffer(countedVouchers, doc.vouchers ?? [])
    const vouchersSet = doc.vouchers ? { vouchers: countedVouchers } : {}

    if (doc.pendingSeq != null) {
      // The dead batch's entries count, all of them now; its doc update never happened.
      const dead = doc.pendingSeq
      // Whatever the dead batch could not finish: facts of the holds it ended (recorded before the
      // counters are fixed, as a batch does, so that a crash now cannot lose them) and expiry jobs.
      const expiries: Decision['expiries'] = []
      const expired: Decision['expired'] = []
      const withdrawn: Decision['withdrawn'] = []
      for (const [orderId, o] of orders) if (o.hold && !o.settle) expiries.push({ orderId, expiresAt: o.hold.expiresAt })
      for (const e of entries) {
        if (e.kind !== 'settle' || e.seq !== dead) continue
        const ended = { orderId: e.orderId, userId: orders.get(e.orderId)?.hold?.userId }
        if (e.reason === 'expired') expired.push(ended)
        else if (e.withdrawn) withdrawn.push(ended)
      }
      await this.recordEnded(eventId, { expired, withdrawn })
      const fixed = await this.inventories.updateOne(
        { _id: eventId, seq: doc.seq, pendingSeq: dead },
        { $set: { types: counted, ...vouchersSet, seq: dead, pendingSeq: null, rebuiltSeq: dead, updatedAt: new Date() }, $unset: { pending: '' } },
      )
      if (fixed.matchedCount !== 1) throw new InventoryMoved(`inventory of ${eventId} changed during its rebuild`)
      this.opts.log.warn({ eventId, seq: doc.seq, deadSeq: dead, differs }, 'rebuilt inventory counters from the ledger after an interrupted batch')
      doc.seq = dead
      doc.pendingSeq = null
      doc.types = counted
      if (doc.vouchers) doc.vouchers = countedVouchers
      await this.scheduleExpiries(eventId, expiries)
      this.opts.bus.publishLive(LIVE.availabilityChanged(eventId), availabilityView(eventId, doc.seq, doc.types, new Date(), doc.pools))
    } else if (differs) {
      // Should never happen; the ledger is the truth, so the counters follow it (logged loudly).
      repairs.inc()
      const fixed = await this.inventories.updateOne({ _id: eventId, seq: doc.seq, pendingSeq: null }, { $set: { types: counted, ...vouchersSet, rebuiltSeq: doc.seq } })
      if (fixed.matchedCount !== 1) throw new InventoryMoved(`inventory of ${eventId} changed during its repair`)
      this.opts.log.error(
        { eventId, seq: doc.seq, stored: summarize(doc.types), ledger: summarize(counted), vouchers: { stored: summarizeVouchers(doc.vouchers ?? []), ledger: summarizeVouchers(countedVouchers) } },
        'inventory counters differed from the ledger; repaired',
      )
      doc.types = counted
      if (doc.vouchers) doc.vouchers = countedVouchers
    }
    return this.remember(eventId, { seq: doc.seq, orders: new Map(), live: new Map() }, doc.seq, orders)
  }

  /**
   * The ledger entries written since the cache's seq, folded into it. Every batch's entries carry its
   * seq, and a batch writes only after claiming the next seq, so nothing below the cache's seq is new
   * (unless a rebuild since counted what a stalled writer left there: `rebuiltSeq`). Undefined when
   * rebuilt since, or when the result does not match the stored counters: then the whole ledger is read.
   */
  private async catchUp(doc: InventoryDoc, cached: EventCache): Promise<EventCache | undefined> {
    // Rebuilt or repaired since: counted from the whole ledger, which this cache may not match.
    if ((doc.rebuiltSeq ?? 0) > cached.seq) return undefined
    const entries = await this.ledger.find({ eventId: doc._id, seq: { $gt: cached.seq } }).toArray()
    const touched = foldLedger(entries, cached.orders)
    const all = function* () {
      for (const [orderId, o] of cached.orders) yield touched.get(orderId) ?? o
      for (const [orderId, o] of touched) if (!cached.orders.has(orderId)) yield o
    }
    const counted = countersFromLedger(doc.types, all())
    if (typeCountsDiffer(counted, doc.types)) return undefined
    if (doc.vouchers && voucherCountsDiffer(voucherCountersFromLedger(doc.vouchers, all()), doc.vouchers)) return undefined
    ledgerLoads.inc({ reason: 'catch-up' })
    return this.remember(doc._id, cached, doc.seq, touched)
  }

  private remember(eventId: string, cache: EventCache, seq: number, orders: Map<string, OrderLedger>): EventCache {
    // A cache forgotten while its batch was writing (another partition's batch evicted it) comes back
    // whole: counted again, or the count would drift below what is held and eviction stop.
    const current = this.cache.get(eventId)
    if (current !== cache) {
      if (current) this.forget(eventId)
      this.cachedOrders += cache.orders.size
    }
    for (const [orderId, o] of orders) {
      // An order the ledger knows nothing of (a refused hold: sold out, say) is not kept: a flash sale
      // refuses far more than it holds, and looking it up again finds nothing either way.
      if (!o.hold && !o.settle && !o.refunded && !o.parts?.length) continue
      if (!cache.orders.has(orderId)) this.cachedOrders++
      cache.orders.set(orderId, o)
      if (o.hold && !o.settle) cache.live.set(orderId, o.hold.expiresAt)
      else cache.live.delete(orderId)
    }
    cache.seq = seq
    this.cache.delete(eventId)
    this.cache.set(eventId, cache)
    // Least recently used events are forgotten first (read again from the ledger when needed).
    for (const [other] of this.cache) {
      if (this.cachedOrders <= this.opts.cacheMaxEntries || other === eventId) break
      this.forget(other)
    }
    return cache
  }

  private forget(eventId: string) {
    const cached = this.cache.get(eventId)
    if (!cached) return
    this.cachedOrders -= cached.orders.size
    this.cache.delete(eventId)
  }
}

const summarize = (types: TypeRecord[]) => types.map((t) => ({ id: t.id, sold: t.sold, held: t.held, ...(t.taken ? { taken: t.taken.length } : {}) }))
const summarizeVouchers = (vouchers: VoucherRecord[]) => vouchers.map((v) => ({ code: v.code, used: v.used, held: v.held }))

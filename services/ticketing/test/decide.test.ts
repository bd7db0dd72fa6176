// The decisions of one batch, without I/O: what the worker computes before it writes anything.
import { describe, expect, test } from 'bun:test'
import type { InventoryOp } from '@easypass/contracts/inventory'
import type { LedgerEntry, TypeRecord, VoucherRecord } from '../src/db'
import { countersFromLedger, decideBatch, foldLedger, voucherCountersFromLedger, type OrderLedger } from '../src/inventory/decide'

const EVENT = 'e'.repeat(24)
const NOW = Date.parse('2027-01-01T12:00:00Z')
const type = (overrides: Partial<TypeRecord> = {}): TypeRecord => ({
  id: 'a'.repeat(24),
  name: 'Standing',
  priceCents: 4500,
  currency: 'EUR',
  capacity: 2,
  maxPerOrder: 10,
  sold: 0,
  held: 0,
  createdAt: new Date(NOW).toISOString(),
  ...overrides,
})
const hold = (orderId: string, quantity = 1, ticketTypeId = 'a'.repeat(24)): InventoryOp => ({ type: 'hold', orderId, userId: 'u', items: [{ ticketTypeId, quantity }] })

function run(ops: InventoryOp[], types: TypeRecord[] = [type()], known = new Map<string, OrderLedger>(), now = NOW) {
  return decideBatch({ eventId: EVENT, types, lookup: (id) => known.get(id), ops, now, holdTtlSeconds: 600, seq: 7 })
}

describe('one batch', () => {
  test('ops are decided in order, each seeing the ones before it', () => {
    const d = run([hold('o1'), hold('o2'), hold('o3'), { type: 'release', orderId: 'o1', reason: 'cancelled' }, hold('o4'), { type: 'confirm', orderId: 'o2' }])
    expect(d.results.map((r) => r.ok)).toEqual([true, true, false, true, true, true])
    expect(d.results[2]).toMatchObject({ ok: false, code: 'SOLD_OUT' })
    expect(d.types[0]).toMatchObject({ capacity: 2, sold: 1, held: 1 })
    expect(d.entries.map((e) => e._id)).toEqual(['o1:hold', 'o2:hold', 'o1:settle', 'o4:hold', 'o2:settle'])
    expect(d.entries.every((e) => e.seq === 7)).toBe(true)
    expect(d.expiries.map((e) => e.orderId)).toEqual(['o4'])
  })

  test('the committed types are not touched until the batch is written', () => {
    const types = [type()]
    run([hold('o1', 2)], types)
    expect(types[0]).toMatchObject({ sold: 0, held: 0 })
  })

  test('a repeated hold answers the recorded decision and writes nothing', () => {
    const first = run([hold('o1', 2)])
    const known = new Map(first.orders)
    const again = run([hold('o1', 2), hold('o1', 2)], first.types, known)
    expect(again.entries).toEqual([])
    expect(again.results).toEqual([first.results[0]!, first.results[0]!])
    expect(again.types[0]).toMatchObject({ held: 2 })
    // Still live: its expiry job is scheduled again (the first scheduling may have been lost).
    expect(again.expiries).toEqual([{ orderId: 'o1', expiresAt: NOW + 600_000 }])
  })

  test('a confirm after the hold time sells nothing, even before the expiry job ran', () => {
    const first = run([hold('o1', 2)])
    const late = run([{ type: 'confirm', orderId: 'o1' }], first.types, new Map(first.orders), NOW + 600_000)
    expect(late.results[0]).toEqual({ ok: false, outcome: 'released', reason: 'expired' })
    expect(late.types[0]).toMatchObject({ sold: 0, held: 0 })
    expect(late.expired).toEqual([{ orderId: 'o1', userId: 'u' }])
  })

  test('an expiry that comes early waits; one at the end releases', () => {
    const first = run([hold('o1', 2)])
    const early = run([{ type: 'expire', orderId: 'o1' }], first.types, new Map(first.orders), NOW + 60_000)
    expect(early.results[0]).toMatchObject({ ok: false, code: 'CONFLICT', details: { expiresAt: NOW + 600_000 } })
    expect(early.entries).toEqual([])
    // Half a second early is still early: the hold lasts as long as it was promised.
    const almost = run([{ type: 'expire', orderId: 'o1' }], first.types, new Map(first.orders), NOW + 600_000 - 500)
    expect(almost.results[0]).toMatchObject({ ok: false, code: 'CONFLICT' })
    const due = run([{ type: 'expire', orderId: 'o1' }], first.types, new Map(first.orders), NOW + 600_000)
    expect(due.results[0]).toEqual({ ok: true, outcome: 'released', reason: 'expired' })
    expect(due.types[0]).toMatchObject({ held: 0 })
    expect(due.expired).toEqual([{ orderId: 'o1', userId: 'u' }])
  })

  test('a refund restocks once and only what was sold', () => {
    const d = run([hold('o1', 2), { type: 'confirm', orderId: 'o1' }, { type: 'refund', orderId: 'o1' }, { type: 'refund', orderId: 'o1' }, { type: 'refund', orderId: 'o9' }])
    expect(d.results.slice(2)).toEqual([{ ok: true, outcome: 'refunded' }, { ok: true, outcome: 'refunded', repeated: true }, expect.objectContaining({ ok: false, code: 'CONFLICT' })])
    expect(d.types[0]).toMatchObject({ sold: 0, held: 0 })
    expect(d.entries.filter((e) => e.kind === 'refund').length).toBe(1)
  })

  test('capacity never goes below what is sold and held; a type with sales is never removed', () => {
    const d = run([hold('o1', 1), hold('o2', 1), { type: 'confirm', orderId: 'o2' }, { type: 'updateType', typeId: 'a'.repeat(24), patch: { capacity: 1 } }, { type: 'removeType', typeId: 'a'.repeat(24) }])
    expect(d.results[3]).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(d.results[4]).toMatchObject({ ok: false, code: 'CONFLICT', details: { sold: 1, held: 1, refunded: 0 } })
    expect(d.types[0]).toMatchObject({ capacity: 2, held: 1, sold: 1 })
    expect(d.withdrawn).toEqual([])
  })

  test('a type only held is removed: the holds that name it are released and reported, the others stay', () => {
    const other = 'b'.repeat(24)
    const types = [type({ capacity: 10, held: 2 }), type({ id: other, capacity: 10, held: 1 })]
    const known = new Map<string, OrderLedger>([
      ['o1', { hold: { userId: 'u1', items: [{ ticketTypeId: 'a'.repeat(24), name: 'Standing', quantity: 2, unitPriceCents: 4500 }], currency: 'EUR', totalCents: 9000, expiresAt: NOW + 60_000 } }],
      ['o2', { hold: { userId: 'u2', items: [{ ticketTypeId: other, name: 'Standing', quantity: 1, unitPriceCents: 4500 }], currency: 'EUR', totalCents: 4500, expiresAt: NOW + 60_000 } }],
    ])
    const d = decideBatch({
      eventId: EVENT,
      types,
      lookup: (id) => known.get(id),
      liveOrders: () => known.keys(),
      ops: [hold('o3', 1), { type: 'removeType', typeId: 'a'.repeat(24) }],
      now: NOW,
      holdTtlSeconds: 600,
      seq: 7,
    })
    expect(d.results[1]).toMatchObject({ ok: true, removed: 'a'.repeat(24) })
    expect(d.types.map((t) => t.id)).toEqual([other])
    expect(d.types[0]).toMatchObject({ held: 1 })
    expect(d.withdrawn).toEqual([{ orderId: 'o1', userId: 'u1' }, { orderId: 'o3', userId: 'u' }])
    expect(d.entries.filter((e) => e.kind === 'settle')).toMatchObject([
      { _id: 'o1:settle', outcome: 'released', reason: 'cancelled', withdrawn: true },
      { _id: 'o3:settle', outcome: 'released', reason: 'cancelled', withdrawn: true },
    ])
    expect(d.orders.get('o2')?.settle).toBeUndefined()
    expect(d.expiries).toEqual([])
    expect(d.expired).toEqual([])
  })

  test('folding later entries onto earlier ones gives what folding them all gives, and leaves the earlier fold as it was', () => {
    const types = [type({ capacity: 10 })]
    const first = run([hold('o1', 2), hold('o2', 1)], types)
    const known = foldLedger(first.entries as LedgerEntry[])
    const snapshot = structuredClone([...known])
    const second = decideBatch({ eventId: EVENT, types: first.types, lookup: (id) => known.get(id), liveOrders: () => known.keys(), ops: [{ type: 'confirm', orderId: 'o1' }, hold('o3', 1)], now: NOW, holdTtlSeconds: 600, seq: 8 })
    const touched = foldLedger(second.entries as LedgerEntry[], known)
    expect([...touched.keys()].sort()).toEqual(['o1', 'o3'])
    const merged = new Map([...known, ...touched])
    expect(merged).toEqual(foldLedger([...first.entries, ...second.entries] as LedgerEntry[]))
    expect(countersFromLedger(second.types, merged.values())).toEqual(second.types)
    expect([...known]).toEqual(snapshot)
  })

  test('a withdrawn hold stays ended: asked again it is refused, its old expiry job reports the withdrawal again, the ledger keeps the mark', () => {
    const types = [type({ capacity: 10 }), type({ id: 'b'.repeat(24), capacity: 10 })]
    const first = run([hold('o1', 2), hold('o2', 1, 'b'.repeat(24))], types)
    const known = foldLedger(first.entries as LedgerEntry[])
    const removed = decideBatch({ eventId: EVENT, types: first.types, lookup: (id) => known.get(id), liveOrders: () => known.keys(), ops: [{ type: 'removeType', typeId: 'a'.repeat(24) }], now: NOW, holdTtlSeconds: 600, seq: 8 })
    expect(removed.withdrawn).toEqual([{ orderId: 'o1', userId: 'u' }])
    const after = foldLedger([...first.entries, ...removed.entries] as LedgerEntry[])
    expect(after.get('o1')?.settle).toEqual({ outcome: 'released', reason: 'cancelled', withdrawn: true })
    const later = decideBatch({ eventId: EVENT, types: removed.types, lookup: (id) => after.get(id), ops: [hold('o1', 2), { type: 'expire', orderId: 'o1' }], now: NOW + 601_000, holdTtlSeconds: 600, seq: 9 })
    expect(later.results[0]).toMatchObject({ ok: false, code: 'CONFLICT', details: { reason: 'cancelled' } })
    expect(later.results[1]).toMatchObject({ ok: true, outcome: 'released', reason: 'cancelled', repeated: true })
    expect(later.withdrawn).toEqual([{ orderId: 'o1', userId: 'u' }])
    expect(later.entries).toEqual([])
  })

  test('a removal whose held count does not match its holds is refused whole; a hold already past its end is expired, not withdrawn', () => {
    const known = new Map<string, OrderLedger>([
      ['o1', { hold: { userId: 'u1', items: [{ ticketTypeId: 'a'.repeat(24), name: 'Standing', quantity: 1, unitPriceCents: 4500 }], currency: 'EUR', totalCents: 4500, expiresAt: NOW - 1 } }],
    ])
    const decide = (held: number) =>
      decideBatch({ eventId: EVENT, types: [type({ capacity: 10, held })], lookup: (id) => known.get(id), liveOrders: () => known.keys(), ops: [{ type: 'removeType', typeId: 'a'.repeat(24) }], now: NOW, holdTtlSeconds: 600, seq: 7 })
    const refused = decide(2)
    expect(refused.results[0]).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(refused.entries).toEqual([])
    expect(refused.typesChanged).toBe(false)
    const done = decide(1)
    expect(done.results[0]).toMatchObject({ ok: true })
    expect(done.expired).toEqual([{ orderId: 'o1', userId: 'u1' }])
    expect(done.withdrawn).toEqual([])
  })
})

describe('admin changes decided again or late', () => {
  const A = 'a'.repeat(24)
  test('a change applied once is not applied again over a later one when its job runs again', () => {
    const first = run([{ type: 'updateType', typeId: A, patch: { priceCents: 5000 }, patchId: 'p1' }])
    expect(first.types[0]).toMatchObject({ priceCents: 5000, patches: ['p1'] })
    const later = run([{ type: 'updateType', typeId: A, patch: { priceCents: 6000 }, patchId: 'p2' }], first.types)
    // The first job runs again (a later part of it had failed): the later price stays.
    const again = run([{ type: 'updateType', typeId: A, patch: { priceCents: 5000 }, patchId: 'p1' }], later.types)
    expect(again.results[0]).toMatchObject({ ok: true, ticketType: { priceCents: 6000 } })
    expect(again.typesChanged).toBe(false)
    expect(again.types[0]).toMatchObject({ priceCents: 6000, patches: ['p1', 'p2'] })
    // Only the latest ids are kept.
    let types = again.types
    for (let i = 0; i < 20; i++) types = run([{ type: 'updateType', typeId: A, patch: { maxPerOrder: 1 + i }, patchId: `q${i}` }], types).types
    expect(types[0]!.patches).toHaveLength(16)
    expect(types[0]!.patches!.at(-1)).toBe('q19')
  })

  test('an admin op decided after its requester was answered changes nothing; one already applied still answers what it did', () => {
    const late = run(
      [
        { type: 'updateType', typeId: A, patch: { priceCents: 1 }, patchId: 'p1', notAfter: NOW - 1 },
        { type: 'addType', typeId: 'b'.repeat(24), fields: { name: 'Late', priceCents: 100, currency: 'EUR', capacity: 5 }, notAfter: NOW - 1 },
        { type: 'addVoucher', fields: { code: 'late', percentOff: 10, maxUses: 5 }, notAfter: NOW - 1 },
        { type: 'addPool', poolId: 'f'.repeat(24), fields: { name: 'Hall', capacity: 1, ticketTypeIds: [A, A] }, notAfter: NOW - 1 },
      ],
      [type()],
    )
    expect(late.results.map((r) => (r.ok ? 'ok' : 'code' in r ? `${r.code}:${(r.details as { reason?: string })?.reason}` : ''))).toEqual(['UNAVAILABLE:late', 'UNAVAILABLE:late', 'UNAVAILABLE:late', 'UNAVAILABLE:late'])
    expect(late.typesChanged || late.vouchersChanged || late.poolsChanged).toBe(false)
    expect(late.types).toEqual([type()])
    // In time: applied. The same op again after its deadline (the job retried) answers what it did.
    const inTime = run([{ type: 'updateType', typeId: A, patch: { priceCents: 1 }, patchId: 'p1', notAfter: NOW }], [type()])
    expect(inTime.types[0]).toMatchObject({ priceCents: 1 })
    const retried = run([{ type: 'updateType', typeId: A, patch: { priceCents: 1 }, patchId: 'p1', notAfter: NOW }], inTime.types, undefined, NOW + 60_000)
    expect(retried.results[0]).toMatchObject({ ok: true, ticketType: { priceCents: 1 } })
  })
})

describe('the ledger is the truth', () => {
  test('folding the ledger gives the counters the batches committed', () => {
    const types = [type({ capacity: 10 }), type({ id: 'b'.repeat(24), capacity: 10 })]
    const d = run(
      [hold('o1', 2), hold('o2', 3, 'b'.repeat(24)), hold('o3', 1), { type: 'confirm', orderId: 'o1' }, { type: 'confirm', orderId: 'o2' }, { type: 'refund', orderId: 'o2' }, { type: 'release', orderId: 'o3', reason: 'failed' }, hold('o4', 4)],
      types,
    )
    const orders = foldLedger(d.entries as LedgerEntry[])
    expect(countersFromLedger(types, orders)).toEqual(d.types)
    expect(orders.get('o1')).toMatchObject({ settle: { outcome: 'sold', reason: 'paid' } })
    expect(orders.get('o2')).toMatchObject({ refunded: true })
  })

  test('entries of ticket types that no longer exist are ignored', () => {
    const d = run([hold('o1', 2)])
    expect(countersFromLedger([type({ id: 'c'.repeat(24) })], foldLedger(d.entries as LedgerEntry[]))[0]).toMatchObject({ held: 0, sold: 0 })
  })
})

describe('vouchers', () => {
  const B = 'b'.repeat(24)
  const voucher = (overrides: Partial<VoucherRecord> = {}): VoucherRecord => ({ code: 'EARLY', percentOff: 20, maxUses: 2, used: 0, held: 0, active: true, createdAt: new Date(NOW).toISOString(), ...overrides })
  const withCode = (orderId: string, quantity = 1, code = 'early', ticketTypeId = 'a'.repeat(24)): InventoryOp => ({ type: 'hold', orderId, userId: 'u', items: [{ ticketTypeId, quantity }], voucherCode: code })
  const runV = (ops: InventoryOp[], vouchers: VoucherRecord[], types: TypeRecord[] = [type({ capacity: 20 })], known = new Map<string, OrderLedger>(), now = NOW) =>
    decideBatch({ eventId: EVENT, types, vouchers, lookup: (id) => known.get(id), ops, now, holdTtlSeconds: 600, seq: 7 })

  test('a voucher lowers the price each ticket of its types pays, and is used at most maxUses times, each order once', () => {
    const d = runV([withCode('o1', 2), withCode('o2', 1), withCode('o3', 1), hold('o4', 1)], [voucher()])
    expect(d.results[0]).toMatchObject({ ok: true, totalCents: 7200, voucher: { code: 'EARLY', discountCents: 1800 } })
    expect(d.results[1]).toMatchObject({ ok: true, totalCents: 3600 })
    expect(d.results[2]).toMatchObject({ ok: false, code: 'CONFLICT', details: { reason: 'used-up' } })
    expect(d.results[3]).toMatchObject({ ok: true, totalCents: 4500 })
    expect(d.vouchers[0]).toMatchObject({ used: 0, held: 2 })
    expect(d.vouchersChanged).toBe(true)
    expect(d.entries[0]).toMatchObject({ kind: 'hold', totalCents: 7200, voucher: { code: 'EARLY', discountCents: 1800 } })
    // Nothing was held for the refused order.
    expect(d.types[0]).toMatchObject({ held: 4 })
  })

  test('a type priced in another currency is refused while an amount off in the old one is named for it', () => {
    const A = 'a'.repeat(24)
    const save5 = voucher({ code: 'SAVE5', percentOff: undefined, amountOffCents: 500, currency: 'EUR', ticketTypeIds: [A] })
    const toDollars: InventoryOp = { type: 'updateType', typeId: A, patch: { currency: 'USD' } }
    const refused = runV([toDollars], [save5])
    expect(refused.results[0]).toMatchObject({ ok: false, code: 'CONFLICT', details: { voucherCodes: ['SAVE5'] } })
    expect(refused.typesChanged).toBe(false)
    // Switched off, or a percentage: nothing to strand; switched on again after the change: refused.
    const switchedOff = runV([toDollars], [{ ...save5, active: false }])
    expect(switchedOff.results[0]).toMatchObject({ ok: true })
    expect(runV([{ type: 'updateVoucher', code: 'SAVE5', patch: { active: true } }], switchedOff.vouchers, switchedOff.types).results[0]).toMatchObject({ ok: false, code: 'CONFLICT', details: { ticketTypeId: A } })
    expect(runV([toDollars], [voucher({ ticketTypeIds: [A] })]).results[0]).toMatchObject({ ok: true })
  })

  test('its uses move with the orders: sold counts as used; released, expired and refunded give the use back', () => {
    const first = runV([withCode('o1'), withCode('o2')], [voucher()])
    const known = new Map(first.orders)
    const next = runV([{ type: 'confirm', orderId: 'o1' }, { type: 'release', orderId: 'o2', reason: 'failed' }, withCode('o3')], first.vouchers, first.types, known)
    expect(next.results.map((r) => r.ok)).toEqual([true, true, true])
    expect(next.vouchers[0]).toMatchObject({ used: 1, held: 1 })
    for (const [id, o] of next.orders) known.set(id, o)
    const later = runV([{ type: 'refund', orderId: 'o1' }, { type: 'expire', orderId: 'o3' }, { type: 'refund', orderId: 'o1' }], next.vouchers, next.types, known, NOW + 600_000)
    expect(later.vouchers[0]).toMatchObject({ used: 0, held: 0 })
    // The ledger says the same.
    const all = foldLedger([...first.entries, ...next.entries, ...later.entries] as LedgerEntry[])
    expect(voucherCountersFromLedger([voucher({ used: 9, held: 9 })], all)[0]).toMatchObject({ used: 0, held: 0 })
    expect(voucherCountersFromLedger([voucher()], foldLedger([...first.entries, ...next.entries] as LedgerEntry[]))[0]).toMatchObject({ used: 1, held: 1 })
  })

  test('unknown, switched off, past its time, or for none of the tickets: refused, nothing held', () => {
    const types = [type({ capacity: 20 }), type({ id: B, priceCents: 1000, capacity: 20 })]
    const vouchers = [voucher({ code: 'OFF', active: false }), voucher({ code: 'OLD', validUntil: new Date(NOW).toISOString() }), voucher({ code: 'BONLY', amountOffCents: 1500, percentOff: undefined, ticketTypeIds: [B] })]
    const d = runV([withCode('o1', 1, 'nope'), withCode('o2', 1, 'off'), withCode('o3', 1, 'old'), withCode('o4', 1, 'bonly')], vouchers, types)
    expect(d.results.map((r) => (r.ok ? 'ok' : 'code' in r ? r.code : r.outcome))).toEqual(['NOT_FOUND', 'NOT_FOUND', 'CONFLICT', 'VALIDATION'])
    expect(d.entries).toEqual([])
    expect(d.types.map((t) => t.held)).toEqual([0, 0])
    // Only the lines of its types are lowered, never below 0.
    const mixed = runV([{ type: 'hold', orderId: 'o5', userId: 'u', items: [{ ticketTypeId: 'a'.repeat(24), quantity: 1 }, { ticketTypeId: B, quantity: 2 }], voucherCode: 'BONLY' }], vouchers, types)
    expect(mixed.results[0]).toMatchObject({ ok: true, totalCents: 4500, voucher: { code: 'BONLY', discountCents: 2000 } })
  })

  test('added once (a repeat with the same fields is the same voucher), changed within what is in use', () => {
    const add = { type: 'addVoucher' as const, fields: { code: 'summer', percentOff: 10, maxUses: 5 } }
    const d = runV([add, add, { type: 'addVoucher', fields: { code: 'SUMMER', percentOff: 50, maxUses: 5 } }], [])
    expect(d.results.map((r) => r.ok)).toEqual([true, true, false])
    expect(d.vouchers).toHaveLength(1)
    expect(d.vouchers[0]).toMatchObject({ code: 'SUMMER', percentOff: 10, maxUses: 5, used: 0, held: 0, active: true })
    const inUse = runV([withCode('o1', 1, 'summer'), withCode('o2', 1, 'summer'), { type: 'updateVoucher', code: 'SUMMER', patch: { maxUses: 1 } }, { type: 'updateVoucher', code: 'SUMMER', patch: { maxUses: 2, active: false } }, withCode('o3', 1, 'summer')], d.vouchers)
    expect(inUse.results.map((r) => (r.ok ? 'ok' : 'code' in r ? r.code : r.outcome))).toEqual(['ok', 'ok', 'CONFLICT', 'ok', 'NOT_FOUND'])
    expect(inUse.vouchers[0]).toMatchObject({ maxUses: 2, held: 2, active: false })
  })

  test('an amount is taken off tickets of its currency only; a switched-off voucher is not added again by the same request', () => {
    const types = [type({ capacity: 20 }), type({ id: B, priceCents: 900, currency: 'JPY', capacity: 20 })]
    const d = runV([{ type: 'addVoucher', fields: { code: 'FIVE', amountOffCents: 500, currency: 'EUR', maxUses: 5 } }, withCode('o1', 1, 'five', B), withCode('o2', 2, 'five')], [], types)
    expect(d.results.map((r) => (r.ok ? 'ok' : 'code' in r ? r.code : r.outcome))).toEqual(['ok', 'VALIDATION', 'ok'])
    expect(d.results[2]).toMatchObject({ totalCents: 8000, voucher: { discountCents: 1000 } })
    const off = runV([{ type: 'updateVoucher', code: 'FIVE', patch: { active: false } }, { type: 'addVoucher', fields: { code: 'FIVE', amountOffCents: 500, currency: 'EUR', maxUses: 5 } }], d.vouchers, d.types)
    expect(off.results[1]).toMatchObject({ ok: false, code: 'CONFLICT' })
  })

  test('a removed ticket type leaves the vouchers that named it; one only for it is switched off', () => {
    const types = [type({ capacity: 20 }), type({ id: B, capacity: 20 })]
    const vouchers = [voucher({ code: 'BOTH', ticketTypeIds: ['a'.repeat(24), B] }), voucher({ code: 'BONLY', ticketTypeIds: [B] }), voucher({ code: 'ALL' })]
    const d = runV([{ type: 'removeType', typeId: B }], vouchers, types)
    expect(d.results[0]).toMatchObject({ ok: true })
    expect(d.vouchersChanged).toBe(true)
    expect(d.vouchers.map((v) => [v.code, v.ticketTypeIds, v.active])).toEqual([['BOTH', ['a'.repeat(24)], true], ['BONLY', [], false], ['ALL', undefined, true]])
    // For nothing now: it cannot be switched on again (it would be offered, and refused at every order).
    const on = runV([{ type: 'updateVoucher', code: 'BONLY', patch: { active: true } }], d.vouchers, d.types)
    expect(on.results[0]).toMatchObject({ ok: false, code: 'CONFLICT' })
  })

  test('a voucher nothing counts on is removed; one in use is not', () => {
    const first = runV([withCode('o1')], [voucher(), voucher({ code: 'SPARE' })])
    const d = runV([{ type: 'removeVoucher', code: 'early' }, { type: 'removeVoucher', code: 'spare' }, { type: 'removeVoucher', code: 'spare' }], first.vouchers, first.types, new Map(first.orders))
    expect(d.results.map((r) => (r.ok ? 'ok' : 'code' in r ? r.code : r.outcome))).toEqual(['CONFLICT', 'ok', 'ok'])
    expect(d.vouchers.map((v) => v.code)).toEqual(['EARLY'])
  })
})

describe('refunds of part of an order', () => {
  const A = 'a'.repeat(24)
  const B = 'b'.repeat(24)
  const C = 'c'.repeat(24)
  const voucher: VoucherRecord = { code: 'EARLY', percentOff: 20, maxUses: 5, used: 0, held: 0, active: true, createdAt: new Date(NOW).toISOString() }
  const part = (orderId: string, n: number, items: Array<[string, number]>): InventoryOp => ({ type: 'refund', orderId, part: { n, items: items.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })) } })
  const outcomes = (d: ReturnType<typeof decideBatch>) => d.results.map((r) => (r.ok ? ('repeated' in r && r.repeated ? 'repeated' : 'ok') : 'code' in r ? r.code : r.outcome))
  const counters = (d: { types: TypeRecord[] }) => d.types.map((t) => ({ sold: t.sold, held: t.held, refunded: t.refunded ?? 0 }))

  /** The event through batches: each sees the orders, types and vouchers the ones before it left. */
  function event() {
    let types = [type({ capacity: 10 }), type({ id: B, capacity: 10 })]
    let vouchers = [voucher]
    const known = new Map<string, OrderLedger>()
    const entries: LedgerEntry[] = []
    let seq = 7
    const step = (ops: InventoryOp[]) => {
      const d = decideBatch({ eventId: EVENT, types, vouchers, lookup: (id) => known.get(id), ops, now: NOW, holdTtlSeconds: 600, seq: seq++ })
      types = d.types
      vouchers = d.vouchers
      for (const [id, o] of d.orders) known.set(id, o)
      entries.push(...d.entries)
      return d
    }
    // o1: 3 A and 2 B with the voucher, paid; o2: 1 A, only held.
    step([{ type: 'hold', orderId: 'o1', userId: 'u', items: [{ ticketTypeId: A, quantity: 3 }, { ticketTypeId: B, quantity: 2 }], voucherCode: 'EARLY' }, hold('o2', 1), { type: 'confirm', orderId: 'o1' }])
    return { step, entries, known, get types() { return types }, get vouchers() { return vouchers } }
  }

  test('a part moves exactly its tickets from sold to refunded and keeps the voucher\'s use; the same n again changes nothing', () => {
    const e = event()
    expect(counters(e)).toEqual([{ sold: 3, held: 1, refunded: 0 }, { sold: 2, held: 0, refunded: 0 }])
    const d = e.step([part('o1', 1, [[A, 2], [B, 1]])])
    expect(d.results).toEqual([{ ok: true, outcome: 'refunded' }])
    expect(counters(d)).toEqual([{ sold: 1, held: 1, refunded: 2 }, { sold: 1, held: 0, refunded: 1 }])
    expect(d.vouchers[0]).toMatchObject({ used: 1, held: 0 })
    expect(d.entries).toEqual([{ _id: 'o1:refund:1', kind: 'refund-part', eventId: EVENT, orderId: 'o1', n: 1, items: [{ ticketTypeId: A, quantity: 2 }, { ticketTypeId: B, quantity: 1 }], seq: 8, at: new Date(NOW) }])
    expect(d.orders.get('o1')?.parts).toEqual([{ n: 1, items: [{ ticketTypeId: A, quantity: 2 }, { ticketTypeId: B, quantity: 1 }] }])
    expect(d.orders.get('o1')?.refunded).toBeUndefined()
    // A retry, even with other items, is the part already decided.
    const again = e.step([part('o1', 1, [[A, 2], [B, 1]]), part('o1', 1, [[A, 1]])])
    expect(again.results).toEqual([{ ok: true, outcome: 'refunded', repeated: true }, { ok: true, outcome: 'refunded', repeated: true }])
    expect(again.entries).toEqual([])
    expect(counters(again)).toEqual(counters(d))
    expect(again.vouchers).toEqual(d.vouchers)
  })

  test('more than the line, more than an earlier part left, a type not in the order, an unsold order, or after the whole refund: refused, nothing changes', () => {
    const e = event()
    const first = e.step([part('o1', 1, [[A, 2]])])
    const refused = e.step([
      part('o1', 2, [[B, 3]]), // the line has 2
      part('o1', 2, [[A, 2]]), // 1 A left after part 1
      part('o1', 2, [[A, 1], [A, 1]]), // the same, named twice
      part('o1', 2, [[B, 1], [C, 1]]), // C is not in the order (B alone would do: nothing of it is refunded either)
      part('o2', 1, [[A, 1]]), // held, not sold
      part('o9', 1, [[A, 1]]), // unknown
    ])
    expect(outcomes(refused)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT'])
    expect(refused.results[0]).toMatchObject({ details: { ticketTypeId: B, requested: 3, refundable: 2 } })
    expect(refused.results[1]).toMatchObject({ message: 'order o1 has only 1 "Standing" tickets left to refund, not 2', details: { ticketTypeId: A, requested: 2, refundable: 1 } })
    expect(refused.results[3]).toMatchObject({ details: { ticketTypeId: C } })
    expect(refused.results[4]).toMatchObject({ message: 'order o2 was not sold, there is nothing to refund' })
    expect(refused.entries).toEqual([])
    expect(counters(refused)).toEqual(counters(first))
    expect(refused.vouchers).toEqual(first.vouchers)
    expect(refused.orders.get('o1')?.parts).toEqual([{ n: 1, items: [{ ticketTypeId: A, quantity: 2 }] }])

    const whole = e.step([{ type: 'refund', orderId: 'o1' }])
    const late = e.step([part('o1', 3, [[B, 1]]), part('o1', 1, [[A, 2]])])
    expect(late.results[0]).toMatchObject({ ok: false, code: 'CONFLICT', message: 'order o1 was already refunded' })
    // Part 1 asked again is still its retry.
    expect(late.results[1]).toEqual({ ok: true, outcome: 'refunded', repeated: true })
    expect(late.entries).toEqual([])
    expect(counters(late)).toEqual(counters(whole))
    expect(late.vouchers).toEqual(whole.vouchers)
  })

  test('the whole refund after parts moves only the rest, and gives the voucher\'s use back', () => {
    const e = event()
    e.step([part('o1', 1, [[A, 1]])])
    e.step([part('o1', 2, [[A, 2], [B, 1]])])
    const whole = e.step([{ type: 'refund', orderId: 'o1' }, { type: 'refund', orderId: 'o1' }])
    expect(whole.results).toEqual([{ ok: true, outcome: 'refunded' }, { ok: true, outcome: 'refunded', repeated: true }])
    // A: all 3 were refunded by parts, nothing moves; B: the 1 left does.
    expect(counters(whole)).toEqual([{ sold: 0, held: 1, refunded: 3 }, { sold: 0, held: 0, refunded: 2 }])
    expect(whole.vouchers[0]).toMatchObject({ used: 0, held: 0 })
    expect(whole.entries.map((x) => [x._id, x.kind])).toEqual([['o1:refund', 'refund']])
  })

  test('the ledger folded at each step gives the counters the live decisions gave', () => {
    const e = event()
    const steps = [[part('o1', 1, [[A, 1]])], [part('o1', 2, [[B, 2], [A, 1]])], [{ type: 'refund', orderId: 'o1' } as InventoryOp]]
    const check = (d: { types: TypeRecord[]; vouchers: VoucherRecord[] }) => {
      const folded = foldLedger(e.entries)
      expect(countersFromLedger(d.types, folded)).toEqual(d.types)
      expect(voucherCountersFromLedger(d.vouchers, folded)).toEqual(d.vouchers)
      // The entries in another order fold the same.
      expect(foldLedger([...e.entries].reverse())).toEqual(folded)
      expect(folded.get('o1')).toEqual(e.known.get('o1')!)
    }
    check(e)
    for (const ops of steps) check(e.step(ops))
    expect(counters(e)).toEqual([{ sold: 0, held: 1, refunded: 3 }, { sold: 0, held: 0, refunded: 2 }])
    expect(e.entries.map((x) => x._id)).toEqual(['o1:hold', 'o2:hold', 'o1:settle', 'o1:refund:1', 'o1:refund:2', 'o1:refund'])
    // A part folded onto an earlier fold leaves that fold as it was.
    const before = foldLedger(e.entries.slice(0, 4))
    const snapshot = structuredClone([...before])
    const touched = foldLedger(e.entries.slice(4), before)
    expect([...before]).toEqual(snapshot)
    expect(touched.get('o1')?.parts?.map((p) => p.n)).toEqual([1, 2])
  })
})

describe('pools of shared capacity', () => {
  const A = 'a'.repeat(24)
  const B = 'b'.repeat(24)
  const C = 'c'.repeat(24)
  const P = 'f'.repeat(24)
  const three = () => [type({ id: A, name: 'Early', capacity: 10 }), type({ id: B, name: 'Standard', capacity: 10 }), type({ id: C, name: 'Parking', capacity: 10 })]
  const pool = (capacity = 5, ticketTypeIds = [A, B]) => ({ id: P, name: 'Hall', capacity, ticketTypeIds, createdAt: new Date(NOW).toISOString() })
  const withPools = (ops: InventoryOp[], types = three(), pools = [pool()], known = new Map<string, OrderLedger>()) =>
    decideBatch({ eventId: EVENT, types, pools, lookup: (id) => known.get(id), ops, now: NOW, holdTtlSeconds: 600, seq: 7 })
  const lines = (orderId: string, items: Array<[string, number]>): InventoryOp => ({ type: 'hold', orderId, userId: 'u', items: items.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })) })

  test('its types together never sell past it, whichever of them is asked for; a type outside it is not limited', () => {
    const d = withPools([lines('o1', [[A, 3]]), lines('o2', [[B, 3]]), lines('o3', [[B, 2]]), lines('o4', [[A, 1]]), lines('o5', [[C, 8]])])
    expect(d.results.map((r) => r.ok)).toEqual([true, false, true, false, true])
    expect(d.results[1]).toMatchObject({ ok: false, code: 'SOLD_OUT' })
    expect(d.types.map((t) => t.held)).toEqual([3, 2, 8])
    // One order asking two of its types at once is judged on their sum.
    const both = withPools([lines('o1', [[A, 3], [B, 3]])])
    expect(both.results[0]).toMatchObject({ ok: false, code: 'SOLD_OUT', details: { pool: { id: P, requested: 6, available: 5 } } })
    expect(both.types.map((t) => t.held)).toEqual([0, 0, 0])
  })

  test('sold and held count against it; what is released, expired or refunded is free again', () => {
    const d = withPools([lines('o1', [[A, 3]]), { type: 'confirm', orderId: 'o1' }, lines('o2', [[B, 2]]), { type: 'release', orderId: 'o2', reason: 'cancelled' }, lines('o3', [[B, 2]]), lines('o4', [[B, 1]])])
    expect(d.results.map((r) => r.ok)).toEqual([true, true, true, true, true, false])
    const known = d.orders
    const after = withPools([{ type: 'refund', orderId: 'o1' }, lines('o5', [[A, 3]]), lines('o6', [[A, 1]])], d.types, [pool()], known)
    expect(after.results.map((r) => r.ok)).toEqual([true, true, false])
  })

  test('added once (a retry is the same pool), changed within what its types sold and hold, removed; a removed type leaves it', () => {
    const add = (capacity: number, ids = [A, B]): InventoryOp => ({ type: 'addPool', poolId: P, fields: { name: 'Hall', capacity, ticketTypeIds: ids } })
    const busy = three().map((t) => (t.id === A ? { ...t, sold: 4 } : t.id === B ? { ...t, held: 2 } : t))
    expect(withPools([add(5)], busy, []).results[0]).toMatchObject({ ok: false, code: 'CONFLICT' })
    const added = withPools([add(6), add(6)], busy, [])
    expect(added.results[0]).toMatchObject({ ok: true, pool: { id: P, capacity: 6, sold: 4, held: 2, available: 0 } })
    expect(added.results[1]).toMatchObject({ ok: true, pool: { id: P } })
    expect(added.pools).toHaveLength(1)
    expect(added.poolsChanged).toBe(true)
    expect(withPools([add(7)], busy, added.pools).results[0]).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(withPools([{ type: 'addPool', poolId: 'd'.repeat(24), fields: { name: 'Hall', capacity: 6, ticketTypeIds: ['9'.repeat(24)] } }], busy, []).results[0]).toMatchObject({ ok: false, code: 'VALIDATION' })
    expect(withPools([{ type: 'updatePool', poolId: P, patch: { capacity: 5 } }], busy, added.pools).results[0]).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(withPools([{ type: 'updatePool', poolId: P, patch: { capacity: 9, ticketTypeIds: [A, C] } }], busy, added.pools).results[0]).toMatchObject({ ok: true, pool: { capacity: 9, sold: 4, held: 0, available: 5 } })
    const removed = withPools([{ type: 'removePool', poolId: P }, { type: 'removePool', poolId: P }], busy, added.pools)
    expect(removed.results.map((r) => r.ok)).toEqual([true, true])
    expect(removed.pools).toEqual([])
    // A removed type leaves its pools; one left with a single type shares nothing any more and goes.
    const typeGone = withPools([{ type: 'removeType', typeId: C }], three(), [pool(5, [A, B, C]), { ...pool(4, [A, C]), id: 'd'.repeat(24) }])
    expect(typeGone.pools.map((p) => p.ticketTypeIds)).toEqual([[A, B]])
    expect(typeGone.poolsChanged).toBe(true)
    // The pool that went still limits the type left in it: A sells at most the 4 the pool had, not its own 10.
    expect(typeGone.types.find((t) => t.id === A)?.capacity).toBe(4)
    expect(typeGone.typesChanged).toBe(true)
  })

  test('one seated type per pool: two would each sell the same seat; a seated type left alone keeps its seats within the pool', () => {
    const rows = { rows: [{ label: 'A', seats: 4 }, { label: 'B', seats: 6 }] }
    const seatedPair = () => [type({ id: A, name: 'Standard', capacity: 10, seating: rows, taken: [] }), type({ id: B, name: 'Student', capacity: 10, seating: rows, taken: [] }), type({ id: C, name: 'Standing', capacity: 10 })]
    // Pooled together: refused, nothing changed; a seated type with an unseated one is fine.
    const both = withPools([{ type: 'addPool', poolId: P, fields: { name: 'Hall', capacity: 10, ticketTypeIds: [A, B] } }], seatedPair(), [])
    expect(both.results[0]).toMatchObject({ ok: false, code: 'VALIDATION', details: { ticketTypeIds: [A, B] } })
    expect(both.poolsChanged).toBe(false)
    expect(withPools([{ type: 'addPool', poolId: P, fields: { name: 'Hall', capacity: 10, ticketTypeIds: [A, C] } }], seatedPair(), []).results[0]).toMatchObject({ ok: true })
    expect(withPools([{ type: 'updatePool', poolId: P, patch: { ticketTypeIds: [A, B, C] } }], seatedPair(), [pool(10, [A, C])]).results[0]).toMatchObject({ ok: false, code: 'VALIDATION' })
    // Seats given to the unseated type of a pool that has a seated one: refused.
    const given = withPools([{ type: 'updateType', typeId: C, patch: { seating: { rows: [{ label: 'Z', seats: 10 }] } } }], seatedPair(), [pool(10, [A, C])])
    expect(given.results[0]).toMatchObject({ ok: false, code: 'CONFLICT', details: { poolId: P } })
    // Removing the other type would leave 10 seats in a pool of 8: refused until one of them is lowered.
    const lone = withPools([{ type: 'removeType', typeId: C }], seatedPair(), [pool(8, [A, C])])
    expect(lone.results[0]).toMatchObject({ ok: false, code: 'CONFLICT', details: { poolId: P, ticketTypeId: A } })
    expect(lone.types.find((t) => t.id === C)).toBeDefined()
    expect(withPools([{ type: 'removeType', typeId: C }], seatedPair(), [pool(10, [A, C])]).results[0]).toMatchObject({ ok: true })
  })
})

describe('seats counted once', () => {
  test('pooled types count their pools once; apart, inside one another or overlapping, never more than there is', async () => {
    const { countOnce } = await import('@easypass/contracts/capacity')
    const t = (id: string, available: number) => ({ id, capacity: 100, available })
    // A and B share a pool of 10 (each shows 10): 10, not 20; C apart adds its own.
    expect(countOnce([t('a', 10), t('b', 10), t('c', 4)], [{ ticketTypeIds: ['a', 'b'], capacity: 10, available: 10 }], 'available')).toBe(14)
    // Two pools over the same types (10 and 8): the tighter counts.
    expect(countOnce([t('a', 8), t('b', 8)], [{ ticketTypeIds: ['a', 'b'], capacity: 10, available: 10 }, { ticketTypeIds: ['a', 'b'], capacity: 8, available: 8 }], 'available')).toBe(8)
    // A pool inside another: the outer one's 12 over all three types, the inner's 5 over two.
    expect(countOnce([t('a', 5), t('b', 5), t('c', 12)], [{ ticketTypeIds: ['a', 'b', 'c'], capacity: 12, available: 12 }, { ticketTypeIds: ['a', 'b'], capacity: 5, available: 5 }], 'available')).toBe(12)
    expect(countOnce([t('a', 3), t('b', 4)], undefined, 'available')).toBe(7)
  })
})

describe('reserved seats', () => {
  const seated = (overrides: Partial<TypeRecord> = {}) =>
    type({ name: 'Stalls', capacity: 10, seating: { rows: [{ label: 'A', seats: 4 }, { label: 'B', seats: 6 }] }, taken: [], ...overrides })
  const pick = (orderId: string, seats: string[]): InventoryOp => ({ type: 'hold', orderId, userId: 'u', items: [{ ticketTypeId: 'a'.repeat(24), quantity: seats.length, seats }] })
  const seatsOf = (r: unknown) => (r as { items: Array<{ seats?: string[] }> }).items[0]!.seats

  test('a seat is held once: the second buyer of it is refused, whoever asks in the batch; a seat not in the hall is a bad request', () => {
    const d = run([pick('o1', ['A-2', 'A-3']), pick('o2', ['A-3', 'A-4']), pick('o3', ['A-4']), pick('o4', ['C-1']), pick('o5', ['A-1', 'A-1'])], [seated()])
    expect(d.results.map((r) => (r.ok ? 'ok' : (r as { code: string }).code))).toEqual(['ok', 'SOLD_OUT', 'ok', 'VALIDATION', 'VALIDATION'])
    expect(d.results[1]).toMatchObject({ message: 'seat A-3 of "Stalls" is taken', details: { seats: ['A-3'] } })
    expect(d.types[0]).toMatchObject({ held: 3, taken: ['A-2', 'A-3', 'A-4'] })
    expect(d.entries.filter((e) => e.kind === 'hold').map((e) => (e as { items: Array<{ seats?: string[] }> }).items[0]!.seats)).toEqual([['A-2', 'A-3'], ['A-4']])
  })

  test('without seats named, the best ones left: the front row together, near its middle; else the next row; else apart', () => {
    const d = run([hold('o1', 2), hold('o2', 2), hold('o3', 3), hold('o4', 2), hold('o5', 1)], [seated()])
    // A: 4 seats, B: 6. After o1 and o2, no row has three free side by side: o3 gets the frontmost free
    // seats apart; o4's two fit together in B's end; o5's one takes the frontmost left.
    expect(d.results.map(seatsOf)).toEqual([['A-2', 'A-3'], ['B-3', 'B-4'], ['A-1', 'A-4', 'B-1'], ['B-5', 'B-6'], ['B-2']])
    expect(d.types[0]).toMatchObject({ held: 10, taken: ['A-1', 'A-2', 'A-3', 'A-4', 'B-1', 'B-2', 'B-3', 'B-4', 'B-5', 'B-6'] })
    expect(run([hold('o6', 1)], d.types).results[0]).toMatchObject({ ok: false, code: 'SOLD_OUT' })
  })

  test('released, expired and refunded seats are free again; sold seats stay taken; a part gives back the seats it names, and only the order’s', () => {
    let types = [seated()]
    const first = run([pick('o1', ['A-1', 'A-2']), pick('o2', ['B-1']), pick('o3', ['B-2', 'B-3'])], types)
    types = first.types
    const known = new Map(first.orders)
    const second = run(
      [
        { type: 'release', orderId: 'o1', reason: 'cancelled' },
        { type: 'confirm', orderId: 'o3' },
        { type: 'refund', orderId: 'o3', part: { n: 1, items: [{ ticketTypeId: 'a'.repeat(24), quantity: 1, seats: ['A-2'] }] } },
        { type: 'refund', orderId: 'o3', part: { n: 1, items: [{ ticketTypeId: 'a'.repeat(24), quantity: 1 }] } },
        { type: 'refund', orderId: 'o3', part: { n: 2, items: [{ ticketTypeId: 'a'.repeat(24), quantity: 1 }] } },
        { type: 'refund', orderId: 'o3', part: { n: 2, items: [{ ticketTypeId: 'a'.repeat(24), quantity: 1, seats: ['B-3'] }] } },
        pick('o4', ['A-1', 'B-3']),
      ],
      types,
      known,
      NOW + 1000,
    )
    expect(second.results.map((r) => (r.ok ? 'ok' : (r as { code: string }).code))).toEqual(['ok', 'ok', 'CONFLICT', 'VALIDATION', 'VALIDATION', 'ok', 'ok'])
    expect(second.types[0]).toMatchObject({ sold: 1, held: 3, refunded: 1, taken: ['A-1', 'B-1', 'B-2', 'B-3'] })
    // o2's hold ends by its expiry; the rest of o3 by a whole refund.
    const third = run([{ type: 'expire', orderId: 'o2' }, { type: 'refund', orderId: 'o3' }], second.types, new Map([...known, ...second.orders]), NOW + 601_000)
    expect(third.types[0]).toMatchObject({ sold: 0, held: 2, taken: ['A-1', 'B-3'] })
    // The ledger says the same, seat for seat.
    const all = foldLedger([...first.entries, ...second.entries, ...third.entries] as LedgerEntry[])
    expect(countersFromLedger([seated()], all)[0]).toMatchObject({ sold: 0, held: 2, taken: ['A-1', 'B-3'] })
  })

  test('a new layout keeps every seat held or sold and sets the capacity; a capacity alone is refused; an unseated type with sales cannot get seats', () => {
    const held = run([pick('o1', ['B-6'])], [seated()]).types
    const smaller = run([{ type: 'updateType', typeId: 'a'.repeat(24), patch: { seating: { rows: [{ label: 'A', seats: 4 }, { label: 'B', seats: 5 }] } } }], held)
    expect(smaller.results[0]).toMatchObject({ ok: false, code: 'CONFLICT', details: { seats: ['B-6'] } })
    const bigger = run([{ type: 'updateType', typeId: 'a'.repeat(24), patch: { seating: { rows: [{ label: 'A', seats: 4 }, { label: 'B', seats: 6 }, { label: 'C', seats: 8 }] } } }], held)
    expect(bigger.results[0]).toMatchObject({ ok: true, ticketType: { capacity: 18, seating: { taken: ['B-6'] } } })
    expect(run([{ type: 'updateType', typeId: 'a'.repeat(24), patch: { capacity: 12 } }], held).results[0]).toMatchObject({ ok: false, code: 'VALIDATION' })
    const plain = run([hold('o1', 1)], [type()]).types
    expect(run([{ type: 'updateType', typeId: 'a'.repeat(24), patch: { seating: { rows: [{ label: 'A', seats: 2 }] } } }], plain).results[0]).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(run([pick('o2', ['A-1'])], plain).results[0]).toMatchObject({ ok: false, code: 'VALIDATION' })
  })

  test('an event has at most 20,000 numbered seats, over all its types', () => {
    const hall = { rows: Array.from({ length: 25 }, (_, i) => ({ label: `R${i}`, seats: 200 })) }
    const add = (typeId: string): InventoryOp => ({ type: 'addType', typeId, fields: { name: typeId, priceCents: 100, currency: 'EUR', capacity: 5000, seating: hall } })
    const d = run([add('t1'.padEnd(24, '0')), add('t2'.padEnd(24, '0')), add('t3'.padEnd(24, '0')), add('t4'.padEnd(24, '0')), add('t5'.padEnd(24, '0'))], [])
    expect(d.results.map((r) => r.ok)).toEqual([true, true, true, true, false])
    expect(d.results[4]).toMatchObject({ code: 'CONFLICT', details: { seats: 25_000, maxSeats: 20_000 } })
    // Changing a type's own layout counts the others, not its old one.
    const bigger = run([{ type: 'updateType', typeId: 't1'.padEnd(24, '0'), patch: { seating: { rows: [...hall.rows.slice(0, 24), { label: 'X', seats: 201 }] } } }], d.types)
    expect(bigger.results[0]).toMatchObject({ ok: false, code: 'VALIDATION' })
    const same = run([{ type: 'updateType', typeId: 't1'.padEnd(24, '0'), patch: { seating: { rows: hall.rows.slice(0, 24) } } }], d.types)
    expect(same.results[0]).toMatchObject({ ok: true, ticketType: { capacity: 4800 } })
  })
})

describe('complimentary holds', () => {
  test('free, past the per-order limit and outside the sales window, never past the capacity, without a voucher', () => {
    const later = type({ capacity: 5, maxPerOrder: 2, taxRateBasisPoints: 1900, salesStart: new Date(NOW + 86_400_000).toISOString() })
    const comp = (orderId: string, quantity: number, extra: object = {}): InventoryOp => ({ type: 'hold', orderId, userId: 'admin', items: [{ ticketTypeId: 'a'.repeat(24), quantity }], complimentary: true, ...extra })
    const d = run([hold('o0', 1), comp('o1', 3), comp('o2', 3), comp('o3', 1, { voucherCode: 'FREE' })], [later])
    expect(d.results.map((r) => (r.ok ? 'ok' : (r as { code: string }).code))).toEqual(['CONFLICT', 'ok', 'SOLD_OUT', 'VALIDATION'])
    expect(d.results[1]).toMatchObject({ totalCents: 0, items: [{ quantity: 3, unitPriceCents: 0 }] })
    expect((d.results[1] as { items: Array<{ taxRateBasisPoints?: number }> }).items[0]!.taxRateBasisPoints).toBeUndefined()
    expect(d.types[0]).toMatchObject({ held: 3, sold: 0 })
  })
})

describe('sales at the door', () => {
  test('priced, past the per-order limit and after the sales window, never past the capacity, without a voucher', () => {
    const closed = type({ capacity: 5, maxPerOrder: 2, priceCents: 2500, taxRateBasisPoints: 1900, salesEnd: new Date(NOW - 60_000).toISOString() })
    const door = (orderId: string, quantity: number, extra: object = {}): InventoryOp => ({ type: 'hold', orderId, userId: 'staff', items: [{ ticketTypeId: 'a'.repeat(24), quantity }], atTheDoor: true, ...extra })
    const d = run([hold('o0', 1), door('o1', 4), door('o2', 2), door('o3', 1, { voucherCode: 'HALF' }), door('o4', 1, { complimentary: true })], [closed])
    expect(d.results.map((r) => (r.ok ? 'ok' : (r as { code: string }).code))).toEqual(['CONFLICT', 'ok', 'SOLD_OUT', 'VALIDATION', 'VALIDATION'])
    expect(d.results[1]).toMatchObject({ totalCents: 10_000, items: [{ quantity: 4, unitPriceCents: 2500, taxRateBasisPoints: 1900 }] })
    expect(d.types[0]).toMatchObject({ held: 4, sold: 0 })
  })
})

describe('extras (add-ons)', () => {
  const TICKET = 'a'.repeat(24)
  const PARKING = 'b'.repeat(24)
  const types = () => [type({ capacity: 10 }), type({ id: PARKING, name: 'Parking', priceCents: 1000, capacity: 10, addOn: true })]
  const order = (orderId: string, items: Array<[string, number]>, extra: Partial<Extract<InventoryOp, { type: 'hold' }>> = {}): InventoryOp => ({
    type: 'hold',
    orderId,
    userId: 'u',
    items: items.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })),
    ...extra,
  })

  test('an extra is sold with admission, at most one per admission ticket; the hold marks its line', () => {
    const d = run([order('o1', [[TICKET, 2], [PARKING, 2]]), order('o2', [[TICKET, 1], [PARKING, 1], [PARKING, 1]])], types())
    expect(d.results[0]).toMatchObject({ ok: true, totalCents: 2 * 4500 + 2 * 1000 })
    const lines = (d.results[0] as { items: Array<{ ticketTypeId: string; addOn?: true }> }).items
    expect(lines.find((l) => l.ticketTypeId === PARKING)?.addOn).toBe(true)
    expect(lines.find((l) => l.ticketTypeId === TICKET)?.addOn).toBeUndefined()
    // Two lines of the extra are one: 2 parking spaces with 1 ticket is too many.
    expect(d.results[1]).toMatchObject({ ok: false, code: 'VALIDATION' })
    expect(d.types.map((t) => t.held)).toEqual([2, 2])
  })

  test('an extra alone, or more of it than admission tickets, is refused and holds nothing, given free or sold at the door too', () => {
    for (const extra of [{}, { complimentary: true }, { atTheDoor: true }]) {
      const d = run([order('o1', [[PARKING, 1]], extra), order('o2', [[TICKET, 1], [PARKING, 2]], extra)], types())
      expect(d.results).toMatchObject([
        { ok: false, code: 'VALIDATION', message: expect.stringContaining('only with an admission ticket') },
        { ok: false, code: 'VALIDATION', message: expect.stringContaining('at most 1 "Parking"') },
      ])
      expect(d.entries).toEqual([])
      expect(d.types.map((t) => t.held)).toEqual([0, 0])
    }
  })

  test('extras bought later for a paid order: only extras, one per admission ticket it keeps, counting those it holds', () => {
    const later = (admissions: number, had: number) => ({ laterFor: { orderId: 'f'.repeat(24), admissions, had: had ? [{ ticketTypeId: PARKING, quantity: had }] : [] } })
    const d = run(
      [
        order('o1', [[PARKING, 1]], later(2, 1)),
        order('o2', [[PARKING, 2]], later(2, 1)),
        order('o3', [[TICKET, 1]], later(2, 0)),
        order('o4', [[PARKING, 1]], later(0, 0)),
        order('o5', [[PARKING, 1]], { ...later(2, 0), atTheDoor: true }),
      ],
      types(),
    )
    expect(d.results).toMatchObject([
      { ok: true, totalCents: 1000 },
      { ok: false, code: 'VALIDATION', message: expect.stringContaining('1 more at most') },
      { ok: false, code: 'VALIDATION', message: expect.stringContaining('only extras are added'), details: { ticketTypeIds: [TICKET] } },
      { ok: false, code: 'VALIDATION', message: expect.stringContaining('no admission ticket') },
      { ok: false, code: 'VALIDATION', message: expect.stringContaining('bought online') },
    ])
    expect(d.types.map((t) => t.held)).toEqual([0, 1])
  })

  test('a type is made an extra and back by a change; holds made before keep what they were', () => {
    const first = run([order('o1', [[TICKET, 1]]), { type: 'updateType', typeId: TICKET, patch: { addOn: true } }, order('o2', [[TICKET, 1]])], [type({ capacity: 10 })])
    expect(first.results[0]).toMatchObject({ ok: true })
    expect(first.results[1]).toMatchObject({ ok: true, ticketType: { addOn: true } })
    expect(first.results[2]).toMatchObject({ ok: false, code: 'VALIDATION' })
    expect((first.results[0] as { items: Array<{ addOn?: true }> }).items[0]!.addOn).toBeUndefined()
    const back = run([{ type: 'updateType', typeId: TICKET, patch: { addOn: false } }, order('o3', [[TICKET, 1]])], first.types, new Map(first.orders))
    expect(back.results[0]).toMatchObject({ ok: true })
    expect((back.results[0] as { ticketType: { addOn?: true } }).ticketType.addOn).toBeUndefined()
    expect(back.results[1]).toMatchObject({ ok: true })
  })
})

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

// Vouchers of an event: admins add and change them, buyers look one up before using it. Adding and
// changing go through the event's queue like every inventory change, so a voucher's uses are counted
// by the same one writer that decides the holds using it: it is never used more often than allowed.
import { normaliseVoucherCode, type CreateVoucherBody, type UpdateVoucherBody, type Voucher, type VoucherOffer } from '@easypass/contracts/inventory'
import { isPublic } from '@easypass/contracts/catalog'
import { addressKey, fail, storedDateProblem, type GuessLimit } from '@easypass/kit'
import type { CatalogClient } from '../../catalog'
import type { Models } from '../../db'
import { decided, type InventoryClient } from '../../inventory/client'
import { voucherProblem, voucherRefusal } from '../../inventory/decide'
import { toVoucher, toVoucherOffer } from '../../inventory/views'
import { checkCurrency } from '../ticket-types/service'

export interface VouchersDeps {
  inventory: InventoryClient
  catalog: CatalogClient
  models: Models
  /** Wrong codes looked up, per client address. */
  guesses: GuessLimit
}

function checkValidUntil(validUntil?: string | null) {
  const wrong = validUntil ? storedDateProblem(validUntil) : undefined
  if (wrong) throw fail('VALIDATION', `validUntil: ${wrong}`, { fields: [{ path: 'validUntil', message: wrong }] })
}

export function vouchersService({ inventory, catalog, models, guesses }: VouchersDeps) {
  const stored = async (eventId: string) => (await models.Inventory.findById(eventId, { vouchers: 1 }).lean())?.vouchers ?? []

  async function create(eventId: string, body: CreateVoucherBody): Promise<Voucher> {
    const since = Date.now()
    const problem = voucherProblem(body)
    if (problem) throw fail('VALIDATION', `${problem.path}: ${problem.message}`, { fields: [problem] })
    checkCurrency(body.currency)
    checkValidUntil(body.validUntil)
    if (body.validUntil && Date.parse(body.validUntil) <= Date.now()) throw fail('VALIDATION', 'validUntil: already past', { fields: [{ path: 'validUntil', message: 'already past' }] })
    await catalog.changeable(eventId)
    return decided(await inventory.submit(eventId, { type: 'addVoucher', fields: body }, since)).voucher
  }

  async function list(eventId: string): Promise<{ items: Voucher[] }> {
    const [vouchers, event] = await Promise.all([stored(eventId), catalog.event(eventId, true)])
    if (!event) throw fail('NOT_FOUND', 'event not found')
    return { items: vouchers.map((v) => toVoucher(eventId, v)) }
  }

  async function update(eventId: string, code: string, patch: UpdateVoucherBody): Promise<Voucher> {
    const since = Date.now()
    checkValidUntil(patch.validUntil)
    const wanted = normaliseVoucherCode(code)
    if (!(await stored(eventId)).some((v) => v.code === wanted)) throw fail('NOT_FOUND', `there is no voucher ${wanted} for this event`)
    await catalog.changeable(eventId, true)
    return decided(await inventory.submit(eventId, { type: 'updateVoucher', code: wanted, patch }, since)).voucher
  }

  /** Only a voucher nothing counts on (no paid order, no live hold) is removed; its code is free again. */
  async function remove(eventId: string, code: string): Promise<void> {
    const wanted = normaliseVoucherCode(code)
    if (!(await stored(eventId)).some((v) => v.code === wanted)) throw fail('NOT_FOUND', `there is no voucher ${wanted} for this event`)
    await catalog.changeable(eventId, true)
    decided(await inventory.submit(eventId, { type: 'removeVoucher', code: wanted }))
  }

  /**
   * A code as a buyer may see it: 404 when unknown or switched off (or the event is a draft), 409 when
   * used up, past its time, or the event cancelled. An address that looked up too many unknown codes
   * is refused (429) before the next one. `address` undefined: a service asks (orders describing an
   * undecided order), not a guesser; the buyer's own tries are counted by orders.
   */
  async function offer(eventId: string, code: string, seesDrafts: boolean, address?: string): Promise<VoucherOffer> {
    const wanted = normaliseVoucherCode(code)
    const guesser = address === undefined ? undefined : addressKey(address)
    if (guesser) await guesses.check(guesser)
    const missing = () => fail('NOT_FOUND', `there is no voucher ${wanted} for this event`, { voucherCode: wanted })
    const event = await catalog.event(eventId)
    if (!event || (!seesDrafts && !isPublic(event))) throw missing()
    if (event.status === 'cancelled') throw fail('CONFLICT', 'the event was cancelled', { voucherCode: wanted, reason: 'cancelled' })
    const voucher = (await stored(eventId)).find((v) => v.code === wanted)
    if (!voucher || !voucher.active) {
      if (guesser) await guesses.failed(guesser)
      throw missing()
    }
    const refusal = voucherRefusal(voucher, Date.now())
    if (refusal) throw fail(refusal.code, refusal.message, refusal.details)
    return toVoucherOffer(eventId, voucher)
  }

  return { create, list, update, remove, offer }
}
export type VouchersService = ReturnType<typeof vouchersService>

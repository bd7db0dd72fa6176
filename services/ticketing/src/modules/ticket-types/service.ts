// Admin changes of ticket types: validated here, decided by the worker like every inventory change.
import { createHash } from 'node:crypto'
import { Types } from 'mongoose'
import type { CreateTicketTypeBody, TicketType, UpdateTicketTypeBody } from '@easypass/contracts/inventory'
import { fail, storedDateProblem } from '@easypass/kit'
import { currencyProblem } from '@easypass/contracts/inventory'
import type { CatalogClient } from '../../catalog'
import type { Models } from '../../db'
import { decided, type InventoryClient } from '../../inventory/client'
import { salesWindowProblem, seatingFieldsProblem } from '../../inventory/decide'
import { availableByType, toTicketType } from '../../inventory/views'

export interface TicketTypesDeps {
  inventory: InventoryClient
  catalog: CatalogClient
  models: Models
}

/** Both ends of the sales window are real calendar dates (the schema lets `2027-02-30` through) an ISO date can carry in UTC, the end after the start. */
function checkSalesWindow(fields: { salesStart?: string | null; salesEnd?: string | null }) {
  for (const key of ['salesStart', 'salesEnd'] as const) {
    const value = fields[key]
    const wrong = value ? storedDateProblem(value) : undefined
    if (wrong) throw fail('VALIDATION', `${key}: ${wrong}`, { fields: [{ path: key, message: wrong }] })
  }
  const problem = salesWindowProblem(fields.salesStart, fields.salesEnd)
  if (problem) throw fail('VALIDATION', problem, { fields: [{ path: 'salesEnd', message: problem }] })
}

/** A currency the schema's shape lets through but that does not exist ("ABC"): 400 naming the field. */
export function checkCurrency(currency: string | undefined) {
  const problem = currency === undefined ? undefined : currencyProblem(currency)
  if (problem) throw fail('VALIDATION', `currency: ${problem}`, { fields: [{ path: 'currency', message: problem }] })
}

/** A layout's rules the schema cannot say (rows named once, not too many seats, the capacity its seats), before the queue. */
function checkSeating(fields: Pick<CreateTicketTypeBody, 'seating' | 'capacity'> | UpdateTicketTypeBody) {
  const problem = fields.seating ? seatingFieldsProblem(fields.seating, fields.capacity) : undefined
  if (problem) throw fail('VALIDATION', problem, { fields: [{ path: problem.startsWith('capacity') ? 'capacity' : 'seating', message: problem }] })
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/** The fields of a creation in one order, absent ones left out: the same request gives the same text. */
const canonicalFields = (body: CreateTicketTypeBody) =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)))

export function ticketTypesService({ inventory, catalog, models }: TicketTypesDeps) {
  /**
   * With an Idempotency-Key the type's id comes from it (and the admin and event), so the worker creates
   * it once however often it is asked; the body's fingerprint tells a retry from another request.
   */
  async function create(eventId: string, body: CreateTicketTypeBody, adminId = '', idempotencyKey?: string): Promise<TicketType> {
    const since = Date.now()
    checkSalesWindow(body)
    checkCurrency(body.currency)
    checkSeating(body)
    await catalog.changeable(eventId)
    const typeId = idempotencyKey ? sha(`ticket-type:${eventId}:${adminId}:${idempotencyKey}`).slice(0, 24) : new Types.ObjectId().toHexString()
    const result = await inventory.submit(eventId, { type: 'addType', typeId, fields: body, ...(idempotencyKey ? { fingerprint: sha(JSON.stringify(canonicalFields(body))) } : {}) }, since)
    return decided(result).ticketType
  }

  async function update(eventId: string, typeId: string, patch: UpdateTicketTypeBody): Promise<TicketType> {
    const since = Date.now()
    checkSalesWindow(patch)
    checkCurrency(patch.currency)
    checkSeating(patch)
    await get(eventId, typeId) // 404 without a trip through the queue
    await catalog.changeable(eventId, true)
    const result = await inventory.submit(eventId, { type: 'updateType', typeId, patch }, since)
    return decided(result).ticketType
  }

  async function remove(eventId: string, typeId: string): Promise<void> {
    await get(eventId, typeId)
    await catalog.changeable(eventId, true)
    const result = await inventory.submit(eventId, { type: 'removeType', typeId })
    // It existed a moment ago: gone now means removed (a job run again after its commit, or another
    // admin's delete at the same time), which is what was asked.
    if ('code' in result && result.code === 'NOT_FOUND') return
    decided(result)
  }

  /** `get` as the public sees it: a draft event's ticket types are not shown (the same 404 as an unknown one). */
  async function visible(eventId: string, typeId: string, seesDrafts: boolean): Promise<TicketType> {
    if (!seesDrafts && (await catalog.isDraft(eventId))) throw fail('NOT_FOUND', 'ticket type not found')
    return get(eventId, typeId)
  }

  async function get(eventId: string, typeId: string): Promise<TicketType> {
    const doc = await models.Inventory.findById(eventId, { pending: 0 }).lean()
    const type = doc?.types.find((t) => t.id === typeId)
    if (!type) throw fail('NOT_FOUND', 'ticket type not found')
    return toTicketType(eventId, type, availableByType(doc!.types, doc!.pools).get(type.id))
  }

  return { create, update, remove, get, visible }
}
export type TicketTypesService = ReturnType<typeof ticketTypesService>

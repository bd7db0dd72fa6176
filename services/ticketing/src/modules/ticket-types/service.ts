// Admin changes of ticket types: validated here, decided by the worker like every inventory change.
import { Types } from 'mongoose'
import type { CreateTicketTypeBody, OpFailure, OpResult, TicketType, UpdateTicketTypeBody } from '@easypass/contracts/inventory'
import { fail } from '@easypass/kit'
import type { CatalogClient } from '../../catalog'
import type { Models } from '../../db'
import type { InventoryClient } from '../../inventory/client'
import { salesWindowProblem } from '../../inventory/decide'
import { toTicketType } from '../../inventory/views'

export interface TicketTypesDeps {
  inventory: InventoryClient
  catalog: CatalogClient
  models: Models
}

/** A decision refused → the contract's error (404, 409, 400). */
function decided<R extends OpResult>(result: R): Exclude<R, OpFailure> {
  if ('code' in result) throw fail(result.code, result.message, result.details)
  return result as Exclude<R, OpFailure>
}

export function ticketTypesService({ inventory, catalog, models }: TicketTypesDeps) {
  async function create(eventId: string, body: CreateTicketTypeBody): Promise<TicketType> {
    const problem = salesWindowProblem(body.salesStart, body.salesEnd)
    if (problem) throw fail('VALIDATION', problem, { fields: [{ path: 'salesEnd', message: problem }] })
    const event = await catalog.event(eventId, true)
    if (!event) throw fail('NOT_FOUND', 'event not found')
    if (event.status === 'cancelled') throw fail('CONFLICT', 'the event is cancelled')
    const result = await inventory.submit(eventId, { type: 'addType', typeId: new Types.ObjectId().toHexString(), fields: body })
    return decided(result).ticketType
  }

  async function update(eventId: string, typeId: string, patch: UpdateTicketTypeBody): Promise<TicketType> {
    const problem = salesWindowProblem(patch.salesStart, patch.salesEnd)
    if (problem) throw fail('VALIDATION', problem, { fields: [{ path: 'salesEnd', message: problem }] })
    await get(eventId, typeId) // 404 without a trip through the queue
    const result = await inventory.submit(eventId, { type: 'updateType', typeId, patch })
    return decided(result).ticketType
  }

  async function remove(eventId: string, typeId: string): Promise<void> {
    await get(eventId, typeId)
    decided(await inventory.submit(eventId, { type: 'removeType', typeId }))
  }

  async function get(eventId: string, typeId: string): Promise<TicketType> {
    const doc = await models.Inventory.findById(eventId).lean()
    const type = doc?.types.find((t) => t.id === typeId)
    if (!type) throw fail('NOT_FOUND', 'ticket type not found')
    return toTicketType(eventId, type)
  }

  return { create, update, remove, get }
}
export type TicketTypesService = ReturnType<typeof ticketTypesService>

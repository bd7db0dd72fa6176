// Pools of shared capacity of an event: admins add and change them; like every inventory change they
// are decided by the event's one writer, so a pool is never sold past, whichever of its types sells.
import { createHash } from 'node:crypto'
import { Types } from 'mongoose'
import type { CapacityPool, CreatePoolBody, UpdatePoolBody } from '@easypass/contracts/inventory'
import { fail } from '@easypass/kit'
import type { CatalogClient } from '../../catalog'
import type { Models } from '../../db'
import { decided, type InventoryClient } from '../../inventory/client'
import { poolFieldProblems } from '../../inventory/decide'
import { toCapacityPool } from '../../inventory/views'

export interface PoolsDeps {
  inventory: InventoryClient
  catalog: CatalogClient
  models: Models
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

export function poolsService({ inventory, catalog, models }: PoolsDeps) {
  const stored = async (eventId: string) => models.Inventory.findById(eventId, { types: 1, pools: 1 }).lean()

  async function eventFor(eventId: string) {
    const event = await catalog.event(eventId, true)
    if (!event) throw fail('NOT_FOUND', 'event not found')
    return event
  }

  /** A blank name, fewer than two different types, or a type the event does not have: 400 naming the field, before the queue. */
  async function check(eventId: string, fields: UpdatePoolBody) {
    const problems = poolFieldProblems(fields, fields.ticketTypeIds ? ((await stored(eventId))?.types ?? []) : [])
    if (problems.length) throw fail('VALIDATION', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { fields: problems })
  }

  /**
   * With an Idempotency-Key the pool's id comes from it (and the admin and event), and the request's
   * fingerprint goes with it: the same request again answers that pool, even changed since; another
   * body under the key is 409, and so is the key of a pool removed since.
   */
  async function create(eventId: string, body: CreatePoolBody, adminId = '', idempotencyKey?: string): Promise<CapacityPool> {
    const since = Date.now()
    await catalog.changeable(eventId)
    await check(eventId, body)
    const poolId = idempotencyKey ? sha(`pool:${eventId}:${adminId}:${idempotencyKey}`).slice(0, 24) : new Types.ObjectId().toHexString()
    const fingerprint = idempotencyKey ? sha(JSON.stringify({ name: body.name.trim(), capacity: body.capacity, ticketTypeIds: [...new Set(body.ticketTypeIds)].sort() })) : undefined
    return decided(await inventory.submit(eventId, { type: 'addPool', poolId, fields: body, ...(fingerprint ? { fingerprint } : {}) }, since)).pool
  }

  async function list(eventId: string): Promise<{ items: CapacityPool[] }> {
    const [doc] = await Promise.all([stored(eventId), eventFor(eventId)])
    return { items: (doc?.pools ?? []).map((p) => toCapacityPool(eventId, p, doc!.types)) }
  }

  async function mustExist(eventId: string, poolId: string) {
    const doc = await stored(eventId)
    if (!doc?.pools?.some((p) => p.id === poolId)) throw fail('NOT_FOUND', 'pool not found')
  }

  async function update(eventId: string, poolId: string, patch: UpdatePoolBody): Promise<CapacityPool> {
    const since = Date.now()
    await mustExist(eventId, poolId)
    await catalog.changeable(eventId, true)
    await check(eventId, patch)
    return decided(await inventory.submit(eventId, { type: 'updatePool', poolId, patch }, since)).pool
  }

  /** The pool's types sell by their own capacity again (and any other pool they are in). */
  async function remove(eventId: string, poolId: string): Promise<void> {
    await mustExist(eventId, poolId)
    await catalog.changeable(eventId, true)
    decided(await inventory.submit(eventId, { type: 'removePool', poolId }))
  }

  return { create, list, update, remove }
}
export type PoolsService = ReturnType<typeof poolsService>

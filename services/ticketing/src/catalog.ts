// What ticketing asks the catalog: does this event exist, and is it cancelled?
import { isPublic } from '@easypass/contracts/catalog'
import { AppError, callService, fail, type Logger } from '@easypass/kit'

export interface CatalogEvent {
  id: string
  status: string
  neverPublished?: boolean
  title?: string
}

export interface CatalogOptions {
  /** Unset (a deployment without catalog): every event id is taken as existing. */
  url?: string
  serviceToken: () => Promise<string>
  log: Logger
  timeoutMs?: number
}

/** Events do not disappear often: answers are reused for a little while. */
const KNOWN_MS = 10_000
const UNKNOWN_MS = 2_000
/** A draft is published by an admin who then expects its tickets to show: its status is asked again soon. */
const NOT_PUBLIC_MS = 1_000
const MAX_CACHED = 10_000

export function catalogClient(opts: CatalogOptions) {
  const cache = new Map<string, { event: CatalogEvent | null; until: number }>()

  /** The event, or null when the catalog does not know it; throws 503 UNAVAILABLE when the catalog does not answer. */
  async function event(eventId: string, fresh = false): Promise<CatalogEvent | null> {
    if (!opts.url) return { id: eventId, status: 'published' }
    const hit = cache.get(eventId)
    if (hit && !fresh && hit.until > Date.now()) return hit.event
    let found: CatalogEvent | null
    try {
      found = await callService<CatalogEvent>(opts.url, `/internal/events/${eventId}`, { token: await opts.serviceToken(), timeoutMs: opts.timeoutMs ?? 3_000 })
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') found = null
      else {
        opts.log.warn({ eventId, err: error instanceof Error ? error.message : String(error) }, 'catalog did not answer')
        throw new AppError('UNAVAILABLE', 'the catalog did not answer; try again', undefined, 503)
      }
    }
    if (cache.size >= MAX_CACHED) cache.clear()
    cache.set(eventId, { event: found, until: Date.now() + (!found ? UNKNOWN_MS : isPublic(found) ? KNOWN_MS : NOT_PUBLIC_MS) })
    return found
  }

  /** false only when the catalog said it does not know the event; true when it does or cannot answer. */
  async function mayExist(eventId: string): Promise<boolean> {
    try {
      return (await event(eventId)) !== null
    } catch {
      return true
    }
  }

  /**
   * True when the catalog says the event is not public (a draft, or one cancelled as a draft): its
   * stock and prices are for admins only. When the catalog cannot answer, what it said last (a published
   * event's availability stays visible meanwhile, a draft's stays hidden); about an event it never
   * answered for, the 503: a draft's types and prices are not shown on a guess.
   */
  async function isDraft(eventId: string): Promise<boolean> {
    try {
      const found = await event(eventId)
      return !!found && !isPublic(found)
    } catch (error) {
      const last = cache.get(eventId)
      if (!last) throw error
      return !!last.event && !isPublic(last.event)
    }
  }

  /**
   * Refuses a change of an event's ticket types, vouchers or pools: 404 when the event is unknown, 409
   * when it is cancelled (its sale is over and its orders refunded: what it sold stays as it was). A
   * change of what exists (`existing`) goes ahead while the catalog cannot answer, as it did before this
   * check: an admin switching off a leaked voucher or cutting capacity is not kept waiting for it.
   */
  async function changeable(eventId: string, existing = false): Promise<void> {
    let found: CatalogEvent | null
    try {
      found = await event(eventId, true)
    } catch (error) {
      if (existing && error instanceof AppError && error.code === 'UNAVAILABLE') return
      throw error
    }
    if (!found) throw fail('NOT_FOUND', 'event not found')
    if (found.status === 'cancelled') throw fail('CONFLICT', 'the event is cancelled')
  }

  return { event, mayExist, isDraft, changeable }
}
export type CatalogClient = ReturnType<typeof catalogClient>

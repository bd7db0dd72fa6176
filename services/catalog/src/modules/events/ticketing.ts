// What the catalog asks ticketing: live availability for an event page, price summaries for lists,
// and "was anything sold?" before a delete. The catalog keeps working while ticketing is down: the
// read paths degrade (empty ticket types, no prices), only the delete refuses to guess.
import { Value } from '@sinclair/typebox/value'
import { t } from 'elysia'
import { AppError, callService, type Logger } from '@easypass/kit'
import { EventTicketType, type TicketingEventSummary } from '@easypass/contracts/catalog'
import { AvailabilityPool, EventInventorySummary as SummaryItem, type CreatePoolBody, type CreateTicketTypeBody } from '@easypass/contracts/inventory'

export interface TicketingOptions {
  /** Unset: this deployment has no ticketing (yet); reads report availability as unavailable. */
  url?: string
  serviceToken: () => Promise<string>
  log: Logger
  availabilityTimeoutMs: number
  summaryTimeoutMs: number
  deleteCheckTimeoutMs: number
}

const AvailabilityAnswer = t.Object({ ticketTypes: t.Array(t.Object({})) })

const SummaryAnswer = t.Object({ items: t.Array(t.Object({})) })

export type Availability = { ticketTypes: EventTicketType[]; pools?: AvailabilityPool[]; unavailable: boolean }

/** Keeps only what the catalog publishes; anything malformed is dropped rather than served. */
function pickTicketType(raw: unknown): EventTicketType | undefined {
  const candidate = Value.Clean(EventTicketType, structuredClone(raw))
  return Value.Check(EventTicketType, candidate) ? candidate : undefined
}

export function ticketingClient(opts: TicketingOptions) {
  const { url, log } = opts

  async function availability(eventId: string, requestId?: string): Promise<Availability> {
    if (!url) return { ticketTypes: [], unavailable: true }
    try {
      // With the catalog's own service token: it shows drafts to admins, so it may see their stock.
      const answer = await callService<unknown>(url, `/api/events/${eventId}/availability`, { token: await opts.serviceToken(), requestId, timeoutMs: opts.availabilityTimeoutMs })
      if (!Value.Check(AvailabilityAnswer, answer)) throw new Error('unexpected availability answer')
      const ticketTypes = answer.ticketTypes.map(pickTicketType)
      if (ticketTypes.some((tt) => !tt)) throw new Error('malformed ticket type in availability answer')
      // Shared capacity, when there is any (a malformed pool is dropped, as a type would be).
      const raw = (answer as { pools?: unknown }).pools
      const pools = Array.isArray(raw) ? raw.map((p) => Value.Clean(AvailabilityPool, structuredClone(p))).filter((p): p is AvailabilityPool => Value.Check(AvailabilityPool, p)) : []
      return { ticketTypes: ticketTypes as EventTicketType[], ...(pools.length ? { pools } : {}), unavailable: false }
    } catch (error) {
      // Ticketing knows nothing about this event: it simply has no ticket types yet.
      if (error instanceof AppError && error.code === 'NOT_FOUND') return { ticketTypes: [], unavailable: false }
      log.warn({ eventId, err: String(error instanceof Error ? error.message : error) }, 'availability unavailable')
      return { ticketTypes: [], unavailable: true }
    }
  }

  /** One summary per event ticketing knows about; throws AppError UNAVAILABLE when it cannot answer. */
  async function summaries(eventIds: string[], timeoutMs: number, requestId?: string): Promise<Map<string, TicketingEventSummary>> {
    if (!url) throw new AppError('UNAVAILABLE', 'ticketing is not configured', undefined, 503)
    const found = new Map<string, TicketingEventSummary>()
    if (!eventIds.length) return found
    const answer = await callService<unknown>(url, `/internal/events/summary?ids=${eventIds.join(',')}`, {
      token: await opts.serviceToken(),
      requestId,
      timeoutMs,
    })
    if (!Value.Check(SummaryAnswer, answer)) throw new AppError('UNAVAILABLE', 'ticketing answered an unexpected summary', undefined, 503)
    for (const raw of answer.items) {
      const item = Value.Clean(SummaryItem, structuredClone(raw))
      if (Value.Check(SummaryItem, item)) found.set(item.eventId, item)
    }
    return found
  }

  /** Best effort, for lists: nothing (not an error) when ticketing is slow, down or not there. */
  async function summariesIfQuick(eventIds: string[], requestId?: string): Promise<Map<string, TicketingEventSummary> | undefined> {
    if (!url || !eventIds.length) return undefined
    try {
      return await summaries(eventIds, opts.summaryTimeoutMs, requestId)
    } catch (error) {
      log.debug({ err: String(error instanceof Error ? error.message : error) }, 'list prices unavailable')
      return undefined
    }
  }

  /**
   * Sold and held tickets of one event, for the delete check. Without a ticketing service nothing can
   * have been sold; when ticketing is configured but does not answer, this throws 503: never guess.
   */
  async function soldOrHeld(eventId: string, requestId?: string): Promise<{ sold: number; held: number; refunded: number }> {
    if (!url) return { sold: 0, held: 0, refunded: 0 }
    let found: Map<string, TicketingEventSummary>
    try {
      found = await summaries([eventId], opts.deleteCheckTimeoutMs, requestId)
    } catch (error) {
      log.warn({ eventId, err: String(error instanceof Error ? error.message : error) }, 'ticketing could not confirm that nothing was sold')
      throw new AppError('UNAVAILABLE', 'ticketing did not confirm that no tickets were sold or held; nothing was changed, try again later', undefined, 503)
    }
    const summary = found.get(eventId)
    return { sold: summary?.sold ?? 0, held: summary?.held ?? 0, refunded: summary?.refunded ?? 0 }
  }

  /** Adds a ticket type to an event; the same key adds it once however often it is asked. */
  async function addTicketType(eventId: string, body: CreateTicketTypeBody, idempotencyKey: string, requestId?: string): Promise<void> {
    if (!url) throw new AppError('UNAVAILABLE', 'ticketing is not configured', undefined, 503)
    await callService(url, `/internal/events/${eventId}/ticket-types`, { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey }, token: await opts.serviceToken(), requestId, timeoutMs: 15_000 })
  }

  /** A pool of shared capacity added to an event (a new date copying its source's), once per key. */
  async function addPool(eventId: string, body: CreatePoolBody, idempotencyKey: string, requestId?: string): Promise<void> {
    if (!url) throw new AppError('UNAVAILABLE', 'ticketing is not configured', undefined, 503)
    await callService(url, `/internal/events/${eventId}/pools`, { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey }, token: await opts.serviceToken(), requestId, timeoutMs: 15_000 })
  }

  return { availability, summariesIfQuick, soldOrHeld, addTicketType, addPool, configured: Boolean(url) }
}
export type TicketingClient = ReturnType<typeof ticketingClient>

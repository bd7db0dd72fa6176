import type { Availability } from '@easypass/contracts/inventory'
import { fail, type Logger } from '@easypass/kit'
import type { CatalogClient } from '../../catalog'
import type { Models } from '../../db'
import { availabilityView } from '../../inventory/views'
import { sseMessage, type AvailabilityHub } from './live'

export const HEARTBEAT_MS = 15_000

export interface AvailabilityDeps {
  models: Models
  catalog: CatalogClient
  hub: AvailabilityHub
  log: Logger
  /** Streams open at once on this replica; the next is refused (503) until one ends. */
  maxStreams: number
  /** A stream ends after this long: a client that stays reconnects (EventSource does on its own). */
  streamLifetimeMs: number
}

/** What EventSource waits before it reconnects to a stream that ended. */
export const RECONNECT_MS = 3_000
/** How often at most an open public stream asks whether its event went back to draft. */
const DRAFT_CHECK_MS = 10_000
const PING = new TextEncoder().encode(': ping\n\n')
const RETRY = new TextEncoder().encode(`retry: ${RECONNECT_MS}\n\n`)

export function availabilityService({ models, catalog, hub, log, maxStreams, streamLifetimeMs }: AvailabilityDeps) {
  /** Every open stream's end: shutting down ends them first, so the server's graceful stop does not wait on them. */
  const open = new Set<() => void>()

  /** What is left of each ticket type. An event without ticket types has an empty list; 404 only when the catalog does not know it. */
  async function current(eventId: string, seesDrafts = false): Promise<Availability> {
    // Drafts exist for admins only (as in the catalog): anyone else gets the same 404 as for an unknown event.
    if (!seesDrafts && (await catalog.isDraft(eventId))) throw fail('NOT_FOUND', 'event not found')
    const doc = await models.Inventory.findById(eventId, { pending: 0 }).lean()
    if (doc) return availabilityView(eventId, doc.seq, doc.types, doc.updatedAt, doc.pools)
    if (!(await catalog.mayExist(eventId))) throw fail('NOT_FOUND', 'event not found')
    return { eventId, seq: 0, ticketTypes: [] }
  }

  /**
   * Server-Sent Events: the current availability first, then every change (older or repeated messages
   * are skipped by seq), and a comment every 15 s so proxies keep the connection open. Each message is
   * a whole snapshot: to a client that reads slower than they come (a tab in the background, a
   * connection that stopped taking), only the newest unsent one is kept, never a queue of them.
   */
  async function stream(eventId: string, signal: AbortSignal, seesDrafts = false): Promise<Response> {
    if (open.size >= maxStreams) throw fail('UNAVAILABLE', 'too many live availability streams here: try again shortly', { retryAfterSeconds: 10 })
    // Its place is taken before the first read: streams opened together at an on-sale pass the limit's look one by one.
    const placeHolder = () => {}
    open.add(placeHolder)
    let first: Availability
    try {
      first = await current(eventId, seesDrafts)
    } finally {
      open.delete(placeHolder)
    }
    let stop = () => {}
    let waiting: Uint8Array<ArrayBuffer> | undefined
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let lastSeq = -1
        /** Queued when the client has taken what came before; else kept (a snapshot: in place of the one kept before). */
        const write = (bytes: Uint8Array<ArrayBuffer>, snapshot: boolean) => {
          try {
            if ((controller.desiredSize ?? 1) > 0) controller.enqueue(bytes)
            else if (snapshot) waiting = bytes
          } catch {
            stop()
          }
        }
        // An event put back to draft while its public streams are open: they end, within about 10 s of a
        // change or at the next heartbeat (a snapshot sent meanwhile is the draft's first change at most).
        let checkedAt = Date.now()
        const stillPublic = () => {
          if (seesDrafts || Date.now() - checkedAt < DRAFT_CHECK_MS) return
          checkedAt = Date.now()
          catalog.isDraft(eventId).then((draft) => draft && stop(), () => {})
        }
        const send = (a: Availability, message = sseMessage(a)) => {
          if (a.seq <= lastSeq) return
          lastSeq = a.seq
          write(message, true)
          stillPublic()
        }
        // Subscribed before the first message goes out, so no change falls between the two.
        const unsubscribe = hub.subscribe(eventId, send)
        const heartbeat = setInterval(() => {
          write(PING, false)
          stillPublic()
        }, HEARTBEAT_MS)
        // Bounded: an admin's view of a draft ends with (about) the token it was opened with, and a
        // client that stopped reading without closing does not hold its place for ever.
        // Spread (80–100 % of it): streams opened together at an on-sale do not all come back together.
        const lifetime = setTimeout(() => stop(), streamLifetimeMs * (0.8 + 0.2 * Math.random()))
        stop = () => {
          open.delete(stop)
          clearInterval(heartbeat)
          clearTimeout(lifetime)
          unsubscribe()
          waiting = undefined
          try {
            controller.close()
          } catch {}
        }
        open.add(stop)
        // The client may have left while the first read was on its way: its abort has fired already.
        if (signal.aborted) return stop()
        signal.addEventListener('abort', () => stop(), { once: true })
        write(RETRY, false)
        send(first)
        // A change may have landed between the read and the subscription: read once more.
        current(eventId, seesDrafts).then((a) => send(a), (err) => log.debug({ err: String(err) }, 'second availability read failed'))
      },
      // The client took what was queued: the snapshot kept meanwhile goes now.
      pull(controller) {
        if (!waiting) return
        const bytes = waiting
        waiting = undefined
        controller.enqueue(bytes)
      },
      cancel() {
        stop()
      },
    })
    return new Response(body, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' },
    })
  }

  /** Ends every open stream (clients reconnect to another replica), spread over `spreadMs` so that they do not all come back at once. */
  function closeAll(spreadMs = 0) {
    for (const stop of [...open]) {
      if (spreadMs > 0) setTimeout(stop, Math.random() * spreadMs).unref?.()
      else stop()
    }
  }

  return { current, stream, closeAll }
}
export type AvailabilityService = ReturnType<typeof availabilityService>

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
   * are skipped by seq), and a comment every 15 s so proxies keep the connection open.
   */
  async function stream(eventId: string, signal: AbortSignal, seesDrafts = false): Promise<Response> {
    if (open.size >= maxStreams) throw fail('UNAVAILABLE', 'too many live availability streams here: try again shortly', { retryAfterSeconds: 10 })
    const first = await current(eventId, seesDrafts)
    const encoder = new TextEncoder()
    let stop = () => {}
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let lastSeq = -1
        const write = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text))
          } catch {
            stop()
          }
        }
        const send = (a: Availability, message = sseMessage(a)) => {
          if (a.seq <= lastSeq) return
          lastSeq = a.seq
          write(message)
        }
        // Subscribed before the first message goes out, so no change falls between the two.
        const unsubscribe = hub.subscribe(eventId, send)
        const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS)
        // Bounded: an admin's view of a draft ends with (about) the token it was opened with, and a
        // client that stopped reading without closing does not hold its place for ever.
        // Spread (80–100 % of it): streams opened together at an on-sale do not all come back together.
        const lifetime = setTimeout(() => stop(), streamLifetimeMs * (0.8 + 0.2 * Math.random()))
        stop = () => {
          open.delete(stop)
          clearInterval(heartbeat)
          clearTimeout(lifetime)
          unsubscribe()
          try {
            controller.close()
          } catch {}
        }
        open.add(stop)
        // The client may have left while the first read was on its way: its abort has fired already.
        if (signal.aborted) return stop()
        signal.addEventListener('abort', () => stop(), { once: true })
        write(`retry: ${RECONNECT_MS}\n\n`)
        send(first)
        // A change may have landed between the read and the subscription: read once more.
        current(eventId, seesDrafts).then((a) => send(a), (err) => log.debug({ err: String(err) }, 'second availability read failed'))
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

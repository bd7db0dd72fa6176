// Live availability for SSE clients: the worker publishes each change on core NATS
// (`ticketing.availability-changed.<eventId>`); every API replica fans it out to its own clients.
import type { Availability } from '@easypass/contracts/inventory'
import { gauge, type Bus } from '@easypass/kit'

const openStreams = gauge('ticketing_availability_streams', 'Open availability SSE streams of this process')

type Listener = (a: Availability, message: Uint8Array<ArrayBuffer>) => void

const encoder = new TextEncoder()
/** A snapshot as its stream message, in bytes (encoded once for every client of the event). */
export const sseMessage = (a: Availability): Uint8Array<ArrayBuffer> => encoder.encode(`data: ${JSON.stringify(a)}\n\n`)

export class AvailabilityHub {
  private listeners = new Map<string, Set<Listener>>()
  private sub

  /** `onGap`: changes were missed while NATS was away (the service ends its streams: clients come back to a fresh snapshot). */
  constructor(bus: Bus, onGap?: () => void) {
    this.sub = bus.subscribeLive(
      'ticketing.availability-changed.*',
      (data) => {
        const a = data as Availability
        if (!a || typeof a.eventId !== 'string' || !Array.isArray(a.ticketTypes)) return
        const listeners = this.listeners.get(a.eventId)
        if (!listeners) return
        const message = sseMessage(a) // serialised and encoded once for every client of the event
        for (const listener of listeners) listener(a, message)
      },
      () => onGap?.(),
    )
  }

  subscribe(eventId: string, listener: Listener): () => void {
    let set = this.listeners.get(eventId)
    if (!set) this.listeners.set(eventId, (set = new Set()))
    set.add(listener)
    openStreams.inc()
    return () => {
      if (!set.delete(listener)) return
      openStreams.dec()
      if (!set.size) this.listeners.delete(eventId)
    }
  }

  close() {
    this.sub.unsubscribe()
  }
}

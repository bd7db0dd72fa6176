// Live availability for SSE clients: the worker publishes each change on core NATS
// (`ticketing.availability-changed.<eventId>`); every API replica fans it out to its own clients.
import type { Availability } from '@easypass/contracts/inventory'
import { gauge, type Bus } from '@easypass/kit'

const openStreams = gauge('ticketing_availability_streams', 'Open availability SSE streams of this process')

export class AvailabilityHub {
  private listeners = new Map<string, Set<(a: Availability) => void>>()
  private sub

  constructor(bus: Bus) {
    this.sub = bus.subscribeLive('ticketing.availability-changed.*', (data) => {
      const a = data as Availability
      if (!a || typeof a.eventId !== 'string' || !Array.isArray(a.ticketTypes)) return
      for (const listener of this.listeners.get(a.eventId) ?? []) listener(a)
    })
  }

  subscribe(eventId: string, listener: (a: Availability) => void): () => void {
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

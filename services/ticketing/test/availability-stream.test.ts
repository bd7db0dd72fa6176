// The availability stream to a client that reads slower than changes come: each message is a whole
// snapshot, so only the newest unsent one waits for it, never a queue of them (a background tab, or a
// connection that stopped taking, would otherwise pile every change up in this process).
import { describe, expect, test } from 'bun:test'
import type { Availability } from '@easypass/contracts/inventory'
import { createLogger } from '@easypass/kit'
import { availabilityService } from '../src/modules/availability/service'
import type { AvailabilityHub } from '../src/modules/availability/live'
import { sseMessage } from '../src/modules/availability/live'

const EVENT = 'e'.repeat(24)
const snapshot = (seq: number): Availability => ({ eventId: EVENT, seq, ticketTypes: [] })

function setup() {
  const listeners = new Set<(a: Availability, message: Uint8Array<ArrayBuffer>) => void>()
  const hub = {
    subscribe: (_eventId: string, listener: (a: Availability, message: Uint8Array<ArrayBuffer>) => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  } as unknown as AvailabilityHub
  // The stored inventory as the first read finds it (seq 1).
  const models = { Inventory: { findById: () => ({ lean: async () => ({ seq: 1, types: [], updatedAt: new Date() }) }) } }
  const catalog = { isDraft: async () => false, mayExist: async () => true }
  const service = availabilityService({ models: models as never, catalog: catalog as never, hub, log: createLogger('test', 'silent'), maxStreams: 10, streamLifetimeMs: 60_000 })
  const publish = (a: Availability) => listeners.forEach((l) => l(a, sseMessage(a)))
  return { service, publish, listeners }
}

/** The seqs of the snapshots read until one with `until` (or, without it, until one came). */
async function readSeqs(reader: ReadableStreamDefaultReader<Uint8Array>, until?: number): Promise<number[]> {
  const decoder = new TextDecoder()
  let text = ''
  const seqs = () => text.split('\n\n').filter((m) => m.startsWith('data: ')).map((m) => JSON.parse(m.slice(6)).seq as number)
  while (until === undefined ? !seqs().length : !seqs().includes(until)) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value)
  }
  return seqs()
}

describe('the availability stream to a slow client', () => {
  test('keeps only the newest snapshot while the client does not read; every snapshot goes out to one that does', async () => {
    const { service, publish, listeners } = setup()
    const abort = new AbortController()
    const response = await service.stream(EVENT, abort.signal)
    const reader = response.body!.getReader()
    expect(await readSeqs(reader)).toEqual([1])
    // 500 changes while the client reads nothing.
    for (let seq = 2; seq <= 501; seq++) publish(snapshot(seq))
    const after = await readSeqs(reader, 501)
    // What was queued before the client stopped taking, then the newest: a handful, ending at 501.
    expect(after.length).toBeLessThanOrEqual(3)
    expect(after.at(-1)).toBe(501)
    // A client that reads as they come gets each one.
    for (let seq = 502; seq <= 505; seq++) {
      publish(snapshot(seq))
      expect(await readSeqs(reader)).toEqual([seq])
    }
    abort.abort()
    expect(listeners.size).toBe(0)
  })
})

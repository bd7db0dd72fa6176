// A purchase's refusals worded in the reader's language from what the server says it refused.
import { describe, expect, test } from 'bun:test'
import { soldOutRefusal, poolSoldOutRefusal } from '@easypass/contracts/inventory'
import { refusalWords } from '../src/lib/refusals'

const NAMES: Record<string, string> = { pit: 'Pit', balcony: 'Balcony', stalls: 'Stalls' }
const nameOf = (id: string) => NAMES[id]
/** A refusal as the API sends it, built by the same functions the server uses where there are such. */
const refusal = (status: number, code: string, details: unknown, message = 'the server’s English') => ({ status, code, message, details })
const soldOut = (available: number) => {
  const r = soldOutRefusal([{ ticketTypeId: 'pit', name: 'Pit', requested: 4, available }])
  return refusal(409, 'SOLD_OUT', r.details, r.message)
}

describe('refusals in the reader’s language', () => {
  test('sold out, a few left, a shared pool, seats taken: German and French', () => {
    expect(refusalWords(soldOut(0), nameOf, 'de')).toBe('„Pit“ ist ausverkauft.')
    expect(refusalWords(soldOut(2), nameOf, 'de')).toBe('Von „Pit“ sind nur noch 2 übrig.')
    expect(refusalWords(soldOut(0), nameOf, 'fr')).toBe('«\u00a0Pit\u00a0» est complet.')
    expect(refusalWords(soldOut(2), nameOf, 'fr')).toBe('Il ne reste que 2 «\u00a0Pit\u00a0».')
    const pool = poolSoldOutRefusal({ id: 'hall', name: 'Hall' }, 3, [
      { ticketTypeId: 'pit', name: 'Pit', requested: 2, available: 3 },
      { ticketTypeId: 'balcony', name: 'Balcony', requested: 3, available: 3 },
    ])
    expect(refusalWords(refusal(409, 'SOLD_OUT', pool.details, pool.message), nameOf, 'de')).toBe('Von „Hall“, das sich „Pit“ und „Balcony“ teilen, sind nur noch 3 Tickets übrig, nicht 5.')
    expect(refusalWords(refusal(409, 'SOLD_OUT', pool.details, pool.message), nameOf, 'en')).toBe('Only 3 tickets are left of “Hall”, which “Pit” and “Balcony” share: not 5.')
    expect(refusalWords(refusal(409, 'SOLD_OUT', { ticketTypeId: 'stalls', seats: ['A-3'] }), nameOf, 'de')).toBe('Platz A-3 von „Stalls“ ist vergeben.')
    expect(refusalWords(refusal(409, 'SOLD_OUT', { ticketTypeId: 'stalls', seats: ['A-3', 'A-4'] }), nameOf, 'fr')).toBe('Les places A-3, A-4 de «\u00a0Stalls\u00a0» sont prises.')
  })

  test('limits and sales windows', () => {
    expect(refusalWords(refusal(400, 'VALIDATION', { ticketTypeId: 'pit', maxPerOrder: 10 }), nameOf, 'de')).toBe('Höchstens 10 × „Pit“ pro Bestellung.')
    expect(refusalWords(refusal(409, 'CONFLICT', { maxUnpaidHolds: 5 }), nameOf, 'fr')).toBe('Vous avez déjà 5 commandes non payées pour cet événement\u00a0: payez ou annulez d’abord l’une d’elles.')
    expect(refusalWords(refusal(409, 'CONFLICT', { ticketTypeId: 'pit', salesStart: '2027-06-01T18:00:00.000Z' }), nameOf, 'de')).toStartWith('Der Verkauf von „Pit“ beginnt am ')
    expect(refusalWords(refusal(409, 'CONFLICT', { ticketTypeId: 'pit', salesEnd: '2027-06-01T18:00:00.000Z' }), nameOf, 'fr')).toStartWith('La vente de «\u00a0Pit\u00a0» a fermé le ')
  })

  test('what cannot be worded stays as the server wrote it: an unknown type, other shapes', () => {
    const unknown = soldOutRefusal([{ ticketTypeId: 'gone', name: 'Gone', requested: 1, available: 0 }])
    expect(refusalWords(refusal(409, 'SOLD_OUT', unknown.details, unknown.message), nameOf, 'de')).toBeUndefined()
    expect(refusalWords(refusal(409, 'SOLD_OUT', { pool: { name: 'Hall', requested: 2, available: 1 }, ticketTypes: [{ ticketTypeId: 'gone', available: 1 }] }), nameOf, 'de')).toBeUndefined()
    expect(refusalWords(refusal(409, 'CONFLICT', { reason: 'expired' }), nameOf, 'de')).toBeUndefined()
    expect(refusalWords(refusal(400, 'VALIDATION', { maxPerOrder: 10 }), nameOf, 'de')).toBeUndefined()
    expect(refusalWords(refusal(409, 'SOLD_OUT', 'not an object'), nameOf, 'de')).toBeUndefined()
  })
})

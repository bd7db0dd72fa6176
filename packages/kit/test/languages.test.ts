// The language to answer in, from what a client says it reads, and amounts, dates and counts written
// the way each language writes them.
import { expect, test } from 'bun:test'
import { pickLanguage, sayReason } from '@easypass/contracts/languages'
import { countOf, formatDate, formatMoney, formatTime } from '../src/format'

test('the first language we speak, by weight; the region does not matter; anything else is English', () => {
  expect(pickLanguage('de-CH, en;q=0.5')).toBe('de')
  expect(pickLanguage('ja-JP, fr;q=0.8, de;q=0.9')).toBe('de')
  expect(pickLanguage('en;q=0.2, fr-CA')).toBe('fr')
  expect(pickLanguage('FR')).toBe('fr')
  expect(pickLanguage(['it-IT', 'fr-FR', 'de'])).toBe('fr')
  // Refused (q=0), unknown, malformed or absent: English, never an error.
  expect(pickLanguage('de;q=0, ja')).toBe('en')
  expect(pickLanguage('ja-JP')).toBe('en')
  expect(pickLanguage('*')).toBe('en')
  expect(pickLanguage(';;;,,q=de')).toBe('en')
  expect(pickLanguage('')).toBe('en')
  expect(pickLanguage(undefined)).toBe('en')
})

test('money, dates and counts in each language; English as before', () => {
  expect(formatMoney(4550, 'EUR')).toBe('€45.50')
  expect(formatMoney(4550, 'EUR', 'de')).toBe('45,50\u00a0€')
  expect(formatMoney(4550, 'EUR', 'fr')).toBe('45,50\u00a0€')
  expect(formatMoney(1200, 'JPY', 'de')).toBe('1.200\u00a0¥')
  expect(formatDate('2027-06-01T18:00:00Z')).toBe('Tuesday, 1 June 2027 at 18:00 UTC')
  expect(formatDate('2027-06-01T18:00:00Z', 'de')).toBe('Dienstag, 1. Juni 2027 um 18:00 UTC')
  expect(formatDate('2027-06-01T18:00:00Z', 'fr')).toBe('mardi 1 juin 2027 à 18:00 UTC')
  expect(formatTime('2027-06-01T18:05:00Z', 'fr')).toBe('18:05 UTC')
  // An event with a zone: on the venue's clock, named as the language names it (summer and winter time).
  expect(formatDate('2027-06-01T18:00:00Z', 'en', 'Europe/Helsinki')).toBe('Tuesday, 1 June 2027 at 21:00 EEST')
  expect(formatDate('2027-12-01T18:00:00Z', 'de', 'Europe/Helsinki')).toBe('Mittwoch, 1. Dezember 2027 um 20:00 OEZ')
  expect(formatTime('2027-06-01T18:05:00Z', 'en', 'America/New_York')).toBe('14:05 GMT-4')
  // A zone this runtime does not know is never guessed at: UTC, and says so.
  expect(formatDate('2027-06-01T18:00:00Z', 'en', 'Mars/Olympus_Mons')).toBe('Tuesday, 1 June 2027 at 18:00 UTC')
  expect([0, 1, 2].map((n) => countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de'))).toEqual(['0 Tickets', '1 Ticket', '2 Tickets'])
  // French takes the singular for 0 and 1.
  expect([0, 1, 2].map((n) => countOf(n, { one: 'billet', other: 'billets' }, 'fr'))).toEqual(['0 billet', '1 billet', '2 billets'])
})

test('the system’s own reasons are said in the language; a reason someone typed stays as typed', () => {
  expect(sayReason('the hold expired', 'de')).toBe('die Reservierung ist abgelaufen')
  expect(sayReason('requested by the buyer', 'fr')).toBe('à la demande de l’acheteur')
  expect(sayReason('the hold expired', 'en')).toBe('the hold expired')
  expect(sayReason('my cat ate the tickets', 'de')).toBe('my cat ate the tickets')
})

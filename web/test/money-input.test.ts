// Amounts an organiser types (prices, voucher amounts, an amount given back): read in the currency's
// units, with its number of decimals at most; anything else is not an amount (the form says so).
import { describe, expect, test } from 'bun:test'
import { parseMoney } from '../src/lib/format'

describe('parseMoney', () => {
  test('units with a point or a comma, up to the currency’s decimals', () => {
    expect(parseMoney('45', 'EUR')).toBe(4500)
    expect(parseMoney(' 45.50 ', 'EUR')).toBe(4550)
    expect(parseMoney('45,5', 'EUR')).toBe(4550)
    expect(parseMoney('0.07', 'EUR')).toBe(7)
    expect(parseMoney('1500', 'JPY')).toBe(1500)
  })

  test('more decimals than the currency has are refused, not rounded', () => {
    // "1.500" meant as fifteen hundred in German would have become 1.50.
    for (const [text, currency] of [['1.500', 'EUR'], ['10.005', 'EUR'], ['1.5', 'JPY'], ['1,5', 'JPY']] as const) expect(parseMoney(text, currency)).toBeNull()
  })

  test('not a number: refused', () => {
    for (const text of ['', 'abc', '-5', '1.2.3', '1,000.00', '.5', '5.']) expect(parseMoney(text, 'EUR')).toBeNull()
  })
})

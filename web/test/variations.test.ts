import { describe, expect, test } from 'bun:test'
import { byProduct, isGroup, variationLabel } from '../src/lib/variations'

describe('variations on the event page', () => {
  test("a product's types are gathered where the first stood; one type alone is not a group", () => {
    const list = [{ id: 'day' }, { id: 's', variationOf: 'T-shirt' }, { id: 'parking' }, { id: 'm', variationOf: 'T-shirt' }, { id: 'solo', variationOf: 'Mug' }]
    const grouped = byProduct(list)
    expect(grouped.map((g) => (isGroup(g) ? `${g.product}: ${g.offers.map((o) => o.id).join(',')}` : g.id))).toEqual(['day', 'T-shirt: s,m', 'parking', 'solo'])
  })

  test("a variation's label is its name without the product's", () => {
    expect(variationLabel('T-shirt M', 'T-shirt')).toBe('M')
    expect(variationLabel('t-shirt – XL', 'T-shirt')).toBe('XL')
    expect(variationLabel('T-shirt (S)', 'T-shirt')).toBe('S')
    expect(variationLabel('T-shirt (M) or (L)', 'T-shirt')).toBe('(M) or (L)')
    expect(variationLabel('Dinner: vegan', 'Dinner')).toBe('vegan')
    // Not at a word's end, not at the start, or nothing else: the whole name.
    expect(variationLabel('T-shirts M', 'T-shirt')).toBe('T-shirts M')
    expect(variationLabel('Small T-shirt', 'T-shirt')).toBe('Small T-shirt')
    expect(variationLabel('T-shirt', 'T-shirt')).toBe('T-shirt')
    expect(variationLabel('T-shirt  ', 'T-shirt')).toBe('T-shirt  ')
  })
})

// The router's parameters go into API paths: one that would reach another path names no page.
import { describe, expect, test } from 'bun:test'
import { match } from '../src/lib/match'

describe('match', () => {
  test('a parameter is decoded', () => {
    expect(match('/events/:id', '/events/abc%20d')).toEqual({ id: 'abc d' })
    expect(match('/orders/:id/tickets', '/orders/o1/tickets')).toEqual({ id: 'o1' })
  })

  test('a parameter that decodes to another path, a query or a fragment matches nothing', () => {
    for (const path of ['/checkout/..%2Fevents%2Fx', '/checkout/a%2Fb', '/checkout/a%5Cb', '/checkout/a%3Fb', '/checkout/a%23b', '/checkout/%2E%2E', '/checkout/%2e'])
      expect(match('/checkout/:id', path)).toBeNull()
  })

  test('a link cut short matches nothing', () => {
    expect(match('/events/:id', '/events/50%')).toBeNull()
  })
})

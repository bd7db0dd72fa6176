// The sign-in page's `?next=`: only a place in this app, read as the browser reads it.
import { describe, expect, test } from 'bun:test'
import { safeNext } from '../src/lib/next'

const ORIGIN = 'https://tickets.example'
const next = (value: string) => safeNext(new URLSearchParams({ next: value }), ORIGIN)

describe('safeNext', () => {
  test('a path of the app is kept with its query and fragment', () => {
    expect(next('/orders/abc?confirmed=1#tickets')).toBe('/orders/abc?confirmed=1#tickets')
    expect(next('/')).toBe('/')
  })

  test('another origin, however it is written, is home instead', () => {
    for (const value of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/.//evil.example', '/..//evil.example', '/%2e//evil.example', 'https://evil.example/', 'javascript:alert(1)', 'evil', ''])
      expect(next(value)).toBe('/')
  })

  test('without a next at all: home', () => {
    expect(safeNext(new URLSearchParams(), ORIGIN)).toBe('/')
  })
})

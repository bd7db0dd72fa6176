import { describe, expect, test } from 'bun:test'
import { relyingParty } from '../src/modules/passkeys/service'

describe('the site passkeys are made for', () => {
  test("PUBLIC_URL's host name and origin, or the origins given on a parent domain", () => {
    expect(relyingParty('https://tickets.example.com/some/path')).toEqual({ id: 'tickets.example.com', origins: ['https://tickets.example.com'], name: 'EasyPass' })
    expect(relyingParty('https://tickets.example.com,https://shop.example.com:8443', 'example.com')?.origins).toEqual(['https://tickets.example.com', 'https://shop.example.com:8443'])
    expect(relyingParty(undefined)).toBeUndefined()
  })

  test('an origin off the site stops the start, rather than every passkey failing later', () => {
    expect(() => relyingParty('https://tickets.example.com,https://evil.example', 'example.com')).toThrow('https://evil.example is not on example.com')
    expect(() => relyingParty('https://example.com', 'tickets.example.com')).toThrow('not on tickets.example.com')
    expect(() => relyingParty('https://badexample.com', 'example.com')).toThrow('not on example.com')
  })
})

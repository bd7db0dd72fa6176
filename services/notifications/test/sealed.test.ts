import { describe, expect, test } from 'bun:test'
import { secretSeal } from '../src/modules/webhooks/sealed'

const SECRET = 'whsec_' + 'k'.repeat(43)

describe('webhook secrets at rest', () => {
  test('sealed: not the secret, different every time, opened back to it', () => {
    const seal = secretSeal('s'.repeat(40))
    const a = seal.seal(SECRET)
    const b = seal.seal(SECRET)
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(a).not.toContain('kkkk')
    expect(a).not.toBe(b)
    expect(seal.open(a)).toBe(SECRET)
    expect(seal.open(b)).toBe(SECRET)
  })

  test('altered, or sealed under another SERVICE_SECRET: refused; one stored before sealing is read as it is', () => {
    const seal = secretSeal('s'.repeat(40))
    const sealed = seal.seal(SECRET)
    const [v, iv, body] = sealed.split('.')
    const flipped = Buffer.from(body!, 'base64url')
    flipped[0]! ^= 1
    expect(() => seal.open(`${v}.${iv}.${flipped.toString('base64url')}`)).toThrow()
    expect(() => secretSeal('t'.repeat(40)).open(sealed)).toThrow()
    expect(() => seal.open('v2.abc.def')).toThrow('not a sealed secret')
    expect(seal.open(SECRET)).toBe(SECRET)
  })
})

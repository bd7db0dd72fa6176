// Sealed secrets: what a key sealed opens with it alone; after a rotation, what the previous key sealed
// still opens and is sealed again under the new one, so the previous key can go.
import { expect, test } from 'bun:test'
import { sealer } from '../src'

const OLD = 'o'.repeat(48)
const NEW = 'n'.repeat(48)

test('a sealed secret opens under its key and purpose only, and an altered one does not', () => {
  const sealed = sealer(OLD, 'tests v1').seal('the secret')
  expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/)
  expect(sealer(OLD, 'tests v1').open(sealed)).toBe('the secret')
  expect(() => sealer(NEW, 'tests v1').open(sealed)).toThrow()
  expect(() => sealer(OLD, 'other purpose v1').open(sealed)).toThrow()
  const [version, iv, body] = sealed.split('.')
  const flipped = `${version}.${iv}.${body!.slice(0, -2)}${body!.endsWith('AA') ? 'AB' : 'AA'}`
  expect(() => sealer(OLD, 'tests v1').open(flipped)).toThrow()
})

test('after a rotation the previous key still opens what it sealed, and reseal moves it under the new key', () => {
  const underOld = sealer(OLD, 'tests v1').seal('the secret')
  const rotated = sealer(NEW, 'tests v1', [OLD])
  expect(rotated.open(underOld)).toBe('the secret')
  const resealed = rotated.reseal(underOld)!
  expect(resealed).not.toBe(underOld)
  // Under the new key alone: the previous one is no longer needed for it.
  expect(sealer(NEW, 'tests v1').open(resealed)).toBe('the secret')
  expect(() => sealer(OLD, 'tests v1').open(resealed)).toThrow()
  // Already under the new key: nothing to do.
  expect(rotated.reseal(resealed)).toBeUndefined()
  expect(rotated.reseal(rotated.seal('new one'))).toBeUndefined()
  // New secrets are sealed under the new key.
  expect(sealer(NEW, 'tests v1').open(rotated.seal('fresh'))).toBe('fresh')
  // Sealed under neither: refused, by open and by reseal.
  const foreign = sealer('f'.repeat(48), 'tests v1').seal('x')
  expect(() => rotated.open(foreign)).toThrow()
  expect(() => rotated.reseal(foreign)).toThrow()
})

// The bound on password hashing: a flood of sign-ins waits in a short queue, then is refused at once.
import { expect, test } from 'bun:test'
import { AppError } from '@easypass/kit'
import { hashGate } from '../src/modules/auth/passwords'

test('one runs, one waits, the next is refused with 503 and a retry time; the waiter runs when the first ends', async () => {
  const gate = hashGate(1, 1)
  let release!: () => void
  const order: string[] = []
  const first = gate(() => new Promise<void>((resolve) => (release = resolve)).then(() => order.push('first')))
  const second = gate(async () => order.push('second'))
  const third = gate(async () => order.push('third')).catch((error) => error)
  const refusal = await third
  expect(refusal).toBeInstanceOf(AppError)
  expect(refusal).toMatchObject({ status: 503, code: 'UNAVAILABLE', details: { retryAfterSeconds: 2 } })
  expect(order).toEqual([])
  release()
  await Promise.all([first, second])
  expect(order).toEqual(['first', 'second'])
  // Free again: the next runs at once.
  expect(await gate(async () => 'again')).toBe('again')
})

test('a hash that fails frees its slot', async () => {
  const gate = hashGate(1, 0)
  await expect(gate(async () => {
    throw new Error('out of memory')
  })).rejects.toThrow('out of memory')
  expect(await gate(async () => 'next')).toBe('next')
})

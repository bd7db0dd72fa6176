import { expect, test } from 'bun:test'
import { escapeRegExp } from '../src/text'

test('escapeRegExp: the input is matched literally, and the pattern holds no control character (MongoDB refuses a NUL)', () => {
  for (const input of ['(1999) [remastered] a+b', '.*', 'rock\u0000roll', 'tab\there', 'del\u007f', '\\d+']) {
    const pattern = escapeRegExp(input)
    expect({ input, control: /[\u0000-\u001f\u007f]/.test(pattern) }).toEqual({ input, control: false })
    expect(new RegExp(`^${pattern}$`).test(input)).toBe(true)
  }
  expect(new RegExp(escapeRegExp('.*')).test('anything')).toBe(false)
})

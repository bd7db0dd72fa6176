import { test, expect } from 'bun:test'
import { system } from '../support/system'

test('the run has its own namespace on real servers', async () => {
  const s = system()
  expect(s.namespace).toMatch(/^t[a-z0-9]+$/)
  expect(s.infra.redisUrl).toStartWith('redis://')
  expect(s.infra.mongoUrl).toStartWith('mongodb://')
})

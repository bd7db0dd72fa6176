// Configuration: connection URLs carry credentials in production, so only development defaults them.
import { describe, expect, test } from 'bun:test'
import { loadConfig } from '../src/config'

const PUBLIC_KEY = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAexampleexampleexampleexampleexample=\n-----END PUBLIC KEY-----'

describe('connection URLs', () => {
  test('outside production a local MongoDB, Redis and NATS are the defaults', () => {
    const config = loadConfig({}, { JWT_PUBLIC_KEY: PUBLIC_KEY })
    expect(config).toMatchObject({ MONGO_URL: 'mongodb://127.0.0.1:27017/', REDIS_URL: 'redis://127.0.0.1:6379', NATS_URL: 'nats://127.0.0.1:4222' })
  })

  test('in production nothing is assumed: a URL not given stays empty (connecting to it stops the process)', () => {
    const config = loadConfig({}, { NODE_ENV: 'production', JWT_PUBLIC_KEY: PUBLIC_KEY, REDIS_URL: 'redis://:pw@redis:6379' })
    expect(config).toMatchObject({ MONGO_URL: '', REDIS_URL: 'redis://:pw@redis:6379', NATS_URL: '' })
  })
})

// The local launcher reuses a server it finds on its port only when it is one of the kind it starts:
// a developer's own MongoDB on 27017 must never receive demo data unasked.
import { expect, test } from 'bun:test'
import { freePort, isFerretDB, natsWithoutOurUsers, waitForPort, writeNatsConfig } from '../stack/local/infra'
import { system } from './support/system'

test('a FerretDB on the port is reused; anything else there is refused, saying why', async () => {
  const ferret = Number(new URL(system().env.MONGO_URL!).port)
  expect(await isFerretDB(ferret)).toBeNull()

  const port = await freePort()
  // Something that accepts connections and says nothing a MongoDB client understands.
  const other = Bun.listen({ hostname: '127.0.0.1', port, socket: { open(socket) { socket.write('hello\r\n') }, data() {} } })
  try {
    const refusal = await isFerretDB(port)
    expect(refusal).toContain(`port ${port} is taken`)
    expect(refusal).toContain('MONGO_URL')
  } finally {
    other.stop(true)
  }
}, 30_000)

test('a NATS server on the port with users this checkout does not know (left by another checkout) is refused, saying how to stop it; one without users is reused', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'easypass-foreign-nats-'))
  const servers: Array<import('bun').Subprocess> = []
  const start = async (args: string[]) => {
    const port = await freePort()
    servers.push(Bun.spawn(['nats-server', ...args, '-a', '127.0.0.1', '-p', String(port)], { stdout: 'ignore', stderr: 'ignore' }))
    await waitForPort(port, 'nats-server')
    return port
  }
  try {
    const withUsers = await start(['-c', writeNatsConfig(dir, 0).file])
    const refusal = await natsWithoutOurUsers(withUsers)
    expect(refusal).toContain(`listening on ${withUsers}`)
    expect(refusal).toContain(`pkill -f "nats-server.*-p ${withUsers}"`)
    expect(await natsWithoutOurUsers(await start([]))).toBeNull()
  } finally {
    for (const server of servers) server.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}, 30_000)

test("a secrets file of an older version keeps what it has (the secret sealed webhooks need, the users' keys, the admin's password) and gets the service keys it lacks", async () => {
  const { mkdtempSync, readFileSync, statSync, writeFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { localSecrets, newTokenKeys } = await import('../stack/local/secrets')
  const file = join(mkdtempSync(join(tmpdir(), 'easypass-secrets-')), 'secrets.json')
  const old = newTokenKeys()
  // As files were written before each service had a key: one HMAC secret for every service.
  writeFileSync(file, JSON.stringify({ jwtPublicKey: old.jwtPublicKey, jwtPrivateKey: old.jwtPrivateKey, serviceSecret: old.serviceSecret, adminPassword: 'kept-password' }))
  const upgraded = localSecrets(file)
  expect(upgraded).toMatchObject({ jwtPublicKey: old.jwtPublicKey, jwtPrivateKey: old.jwtPrivateKey, serviceSecret: old.serviceSecret, adminPassword: 'kept-password' })
  expect(Object.keys(upgraded.serviceKeys).sort()).toEqual(['auth', 'catalog', 'notifications', 'orders', 'ticketing'])
  expect(new Set(Object.values(upgraded.serviceKeys)).size).toBe(5)
  expect(statSync(file).mode & 0o077).toBe(0)
  // Read again: the same keys, none made anew.
  expect(localSecrets(file)).toEqual(upgraded)
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(upgraded)
})

test("each process's environment: its own service key as SERVICE_KEY, no other service's, and nothing withheld from it", async () => {
  const { newTokenKeys, secretsFor, serviceKeyVariable, tokenKeysEnv } = await import('../stack/local/secrets')
  const keys = newTokenKeys()
  const env: Record<string, string> = { ...tokenKeysEnv(keys), SERVICE_KEY: 'inherited', SERVICE_SECRET_FILE: '/somewhere', PATH: '/bin' }
  const of = (name: string) => Object.fromEntries(Object.entries(secretsFor(name, env)).filter(([, v]) => v !== undefined))
  for (const name of ['auth', 'catalog', 'ticketing', 'ticketing-worker', 'payments', 'orders', 'orders-worker', 'notifications', 'notifications-worker', 'gateway', 'web']) {
    const got = of(name)
    // None of the launcher's per-service variables reaches a process.
    expect({ name, leaked: Object.keys(got).filter((k) => k.startsWith('SERVICE_KEY_')) }).toEqual({ name, leaked: [] })
    const own = ({ auth: 'auth', catalog: 'catalog', ticketing: 'ticketing', orders: 'orders', 'orders-worker': 'orders', notifications: 'notifications' } as Record<string, 'auth' | 'catalog' | 'ticketing' | 'orders' | 'notifications'>)[name]
    expect({ name, key: got.SERVICE_KEY }).toEqual({ name, key: own ? env[serviceKeyVariable(own)] : undefined })
    const service = name.replace(/-worker$/, '')
    const secret = service === 'orders' || service === 'notifications'
    expect({ name, secret: 'SERVICE_SECRET' in got, file: 'SERVICE_SECRET_FILE' in got }).toEqual({ name, secret, file: secret })
    expect({ name, signs: 'JWT_PRIVATE_KEY' in got }).toEqual({ name, signs: name === 'auth' })
    expect({ name, path: got.PATH }).toEqual({ name, path: '/bin' })
  }
})

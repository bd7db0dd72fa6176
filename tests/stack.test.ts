// The Swarm stack as `docker stack config` renders it (the Docker CLI validates it without an engine):
// what operators and the security review rely on, checked on the file that is deployed.
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { generateKeyPairSync } from 'node:crypto'
import { join } from 'node:path'
import { ROOT } from '../stack/local/services'
import { serviceKeyOf, withheldFrom } from '../stack/local/secrets'
import { servicePublicKeys, SERVICE_CALLERS } from '@easypass/kit'
import { natsUserNames, natsUserOf } from '../stack/local/infra'
import { redisUserNames, redisUserOf } from '../stack/local/redis-users'

/** The services that use MongoDB, each as a user of its own (stack/mongo/init-replica-set.js). */
const MONGO_USERS = ['auth', 'catalog', 'ticketing', 'payments', 'orders', 'notifications']

const docker = Bun.which('docker')

function render(env: Record<string, string> = {}) {
  const r = Bun.spawnSync(['docker', 'stack', 'config', '-c', join(ROOT, 'docker-stack.yml')], { cwd: ROOT, env: { ...process.env, PAYMENT_PROVIDER: 'sandbox', ...env } })
  return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString() }
}

describe.skipIf(!docker)('docker-stack.yml', () => {
  const rendered = render({ EASYPASS_IMAGE: 'registry.example/easypass:test' })
  const stack = rendered.ok ? (Bun.YAML.parse(rendered.out) as { services: Record<string, any>; secrets: Record<string, any> }) : { services: {}, secrets: {} }
  // The processes of EasyPass's image; nats-init (the same image) runs once as NATS's operator, looked at apart.
  const apps = Object.entries(stack.services).filter(([name, s]) => s.image === 'registry.example/easypass:test' && name !== 'nats-init')

  test('validates, and refuses to render without the image to deploy', () => {
    expect(rendered.err).toBe('')
    expect(rendered.ok).toBe(true)
    expect(apps.map(([name]) => name).sort()).toEqual(['auth', 'catalog', 'gateway', 'notifications', 'notifications-worker', 'orders', 'orders-worker', 'payments', 'ticketing', 'ticketing-worker', 'web'])
    const without = render({ EASYPASS_IMAGE: '' })
    expect(without.ok).toBe(false)
    expect(without.err).toContain('EASYPASS_IMAGE')
    // The payment provider is named at every deploy (the sandbox moves no money): never by default.
    const noProvider = render({ EASYPASS_IMAGE: 'registry.example/easypass:test', PAYMENT_PROVIDER: '' })
    expect(noProvider.ok).toBe(false)
    expect(noProvider.err).toContain('PAYMENT_PROVIDER')
    expect(stack.services.payments.environment.PAYMENT_PROVIDER).toBe('sandbox')
  })

  test('only Traefik publishes, 80 (a redirect) and 443, in host mode; every route is HTTPS', () => {
    const published = Object.entries(stack.services).filter(([, s]) => s.ports?.length)
    expect(published.map(([name]) => name)).toEqual(['traefik'])
    expect(stack.services.traefik.ports.map((p: { published: number; mode: string }) => `${p.published}/${p.mode}`).sort()).toEqual(['443/host', '80/host'])
    for (const [name, s] of apps) {
      const labels = (s.deploy?.labels ?? {}) as Record<string, string>
      for (const [key, value] of Object.entries(labels)) if (key.endsWith('.entrypoints')) expect({ name, value }).toEqual({ name, value: 'websecure' })
      for (const [key, value] of Object.entries(labels)) if (/routers\.\w+\.rule$/.test(key)) expect(labels[key.replace(/rule$/, 'tls')]).toBe('true')
      for (const key of Object.keys(labels)) {
        const router = /routers\.(\w+)\.rule$/.exec(key)?.[1]
        if (!router) continue
        // HSTS, and a per-address ceiling defined by the same service, far above what one buyer's browser sends.
        expect({ name, middlewares: labels[key.replace(/rule$/, 'middlewares')] }).toEqual({ name, middlewares: `hsts@file,edge-rate-${router}` })
        expect({ name, average: labels[`traefik.http.middlewares.edge-rate-${router}.ratelimit.average`], burst: labels[`traefik.http.middlewares.edge-rate-${router}.ratelimit.burst`] }).toEqual({ name, average: '300', burst: '600' })
      }
    }
    // Traefik's own files: port 80 only redirects to 443, and no TLS below 1.2.
    const traefik = Bun.YAML.parse(readFileSync(join(ROOT, 'stack/traefik/traefik.yml'), 'utf8')) as any
    expect(traefik.entryPoints.web.http.redirections.entryPoint).toEqual({ to: 'websecure', scheme: 'https' })
    expect(traefik.entryPoints.websecure.address).toBe(':443')
    expect(traefik.api.dashboard).toBe(false)
    // A connection is read for at most 930 s (a client trickling its request cannot hold one for ever), past the 900 s event streams live.
    expect(traefik.entryPoints.websecure.transport.respondingTimeouts.readTimeout).toBe('930s')
    const tls = Bun.YAML.parse(readFileSync(join(ROOT, 'stack/traefik/tls.yml'), 'utf8')) as any
    expect(tls.tls.options.default.minVersion).toBe('VersionTLS12')
    expect(tls.tls.certificates[0]).toEqual({ certFile: '/run/secrets/easypass_tls_cert', keyFile: '/run/secrets/easypass_tls_key' })
    // HSTS is defined once, in the file provider, so no router depends on another service's labels.
    expect(tls.http.middlewares.hsts.headers.stsSeconds).toBeGreaterThanOrEqual(31_536_000)
  })

  test('no credential in the environment: every secret is a Docker secret, and web holds none', () => {
    for (const [name, s] of Object.entries(stack.services)) {
      for (const [key, value] of Object.entries((s.environment ?? {}) as Record<string, string>)) {
        expect({ name, key, credential: /:\/\/[^/@\s]+:[^/@\s]+@/.test(String(value)) }).toEqual({ name, key, credential: false })
        if (/SECRET|PASSWORD|_KEYS?$|_URL$/.test(key) && !key.endsWith('_FILE') && !/^(AUTH|CATALOG|TICKETING|PAYMENTS|ORDERS|NOTIFICATIONS|WEB|TICKETING_WORKER|ORDERS_WORKER|NOTIFICATIONS_WORKER)_URL$/.test(key))
          throw new Error(`${name}: ${key} is given in clear`)
      }
    }
    expect(stack.services.web.secrets ?? []).toEqual([])
    // The one process facing the internet holds no database or bus credential.
    const secretsOf = (name: string) => ((stack.services[name].secrets ?? []) as Array<{ source: string }>).map((s) => s.source).sort()
    expect(secretsOf('gateway')).toEqual(['easypass_jwt_public_key', 'easypass_redis_url_gateway'])
    // Every service and worker reaches NATS as its service's own user (a worker as its service), allowed
    // only that service's facts (stack/nats/users.conf, the file local runs and tests use too): it holds
    // that user's URL and no other NATS credential. The gateway and web hold none; the operator's user
    // (`easypass`) is no service's: nats-init's alone (below). Auth publishes one fact (an account closed).
    for (const [name] of apps) {
      const user = natsUserOf(name)
      const nats = secretsOf(name).filter((secret) => secret.startsWith('easypass_nats'))
      expect({ name, nats }).toEqual({ name, nats: user ? [`easypass_nats_url_${user}`] : [] })
      expect({ name, url: stack.services[name].environment.NATS_URL_FILE }).toEqual({ name, url: user ? `/run/secrets/easypass_nats_url_${user}` : undefined })
    }
    // And for Redis: each service that uses it as its own user (stack/redis/users.acl, its own keys only,
    // the rules local runs and tests meet too); catalog, payments and web get no Redis address at all.
    for (const [name] of apps) {
      const user = redisUserOf(name)
      const redis = secretsOf(name).filter((secret) => secret.startsWith('easypass_redis'))
      expect({ name, redis, file: stack.services[name].environment.REDIS_URL_FILE }).toEqual({ name, redis: user ? [`easypass_redis_url_${user}`] : [], file: user ? `/run/secrets/easypass_redis_url_${user}` : undefined })
    }
    // Redis itself: the operator's password and each user's, its configuration written by start.sh.
    expect(secretsOf('redis')).toEqual(['easypass_redis_password', ...redisUserNames().map((u) => `easypass_redis_password_${u}`)].sort())
    expect(stack.services.redis.command.slice(0, 2)).toEqual(['sh', '/etc/redis/start.sh'])
    expect(Object.fromEntries((stack.services.redis.configs as Array<{ source: string; target: string }>).map((c) => [c.target, c.source]))).toEqual({ '/etc/redis/users.acl': 'redis_users', '/etc/redis/start.sh': 'redis_start' })
    // The same for MongoDB: each service and worker signs in as its service's own user, which may read and
    // write that service's database only (mongo-init makes the users from these URLs); the root user's
    // password is mongo-init's and the members', no service's.
    for (const [name] of apps) {
      const user = natsUserOf(name)
      const mongo = secretsOf(name).filter((secret) => secret.startsWith('easypass_mongo'))
      expect({ name, mongo, file: stack.services[name].environment.MONGO_URL_FILE }).toEqual({ name, mongo: user ? [`easypass_mongo_url_${user}`] : [], file: user ? `/run/secrets/easypass_mongo_url_${user}` : undefined })
    }
    expect(secretsOf('mongo-init')).toEqual(['easypass_mongo_password', ...MONGO_USERS.map((u) => `easypass_mongo_url_${u}`)].sort())
    for (const m of ['mongo1', 'mongo2', 'mongo3']) expect(secretsOf(m)).toEqual(['easypass_mongo_keyfile', 'easypass_mongo_password'])
    // A new password is a secret of a new name, given at deploy.
    const renamed = Bun.YAML.parse(render({ EASYPASS_IMAGE: 'registry.example/easypass:test', EASYPASS_MONGO_URL_ORDERS_NAME: 'easypass_mongo_url_orders_2' }).out) as { secrets: Record<string, { name: string }> }
    expect([renamed.secrets.easypass_mongo_url_orders!.name, stack.secrets.easypass_mongo_url_orders.name]).toEqual(['easypass_mongo_url_orders_2', 'easypass_mongo_url_orders'])
    // The key that signs users' tokens is auth's alone; each service that calls others holds its own
    // token key and no other's (a worker its service's); the services' public keys are the services';
    // the HMAC secret is orders' and notifications': the same split as `npm start` makes (one list for both).
    for (const [name, service] of apps) {
      const withheld = withheldFrom(name)
      const env = service.environment as Record<string, string | undefined>
      const fileOf = (key: string) => (env[`${key}_FILE`] ? env[`${key}_FILE`] : undefined)
      expect({ name, signs: secretsOf(name).includes('easypass_jwt_private_key') }).toEqual({ name, signs: !withheld.includes('JWT_PRIVATE_KEY') })
      const own = serviceKeyOf(name)
      const keys = secretsOf(name).filter((secret) => secret.startsWith('easypass_service_key_'))
      expect({ name, keys, file: fileOf('SERVICE_KEY') }).toEqual({ name, keys: own ? [`easypass_service_key_${own}`] : [], file: own ? `/run/secrets/easypass_service_key_${own}` : undefined })
      // Each of these mounted, and read from its file, exactly where `npm start` gives the variable; the
      // previous key and secret (a rotation's) where the key and the secret go, and nowhere else.
      for (const [variable, secret] of [
        ['SERVICE_PUBLIC_KEYS', 'easypass_service_public_keys'],
        ['SERVICE_SECRET', 'easypass_service_secret'],
        ['JWT_PREVIOUS_PRIVATE_KEY', 'easypass_jwt_previous_private_key'],
        ['SERVICE_PREVIOUS_SECRET', 'easypass_service_previous_secret'],
      ] as const) {
        const held = !withheld.includes(variable)
        expect({ name, variable, mounted: secretsOf(name).includes(secret), file: fileOf(variable) }).toEqual({ name, variable, mounted: held, file: held ? `/run/secrets/${secret}` : undefined })
      }
    }
    expect(SERVICE_CALLERS.map((s) => stack.secrets[`easypass_service_key_${s}`]?.external)).toEqual(SERVICE_CALLERS.map(() => true))
    expect(Object.keys(stack.services.gateway.environment).filter((k) => /^(MONGO|NATS)_/.test(k))).toEqual([])
    expect(Object.keys(stack.services.web.environment).sort()).toEqual(['LOG_LEVEL', 'NODE_ENV', 'PORT', 'SERVICE_ENTRY', 'SHUTDOWN_DRAIN_MS'])
    for (const data of ['redis', 'nats', 'mongo1', 'mongo2', 'mongo3']) expect((stack.services[data].secrets ?? []).length).toBeGreaterThan(0)
    expect(stack.services.mongo1.command).toContain('--keyFile')
    for (const secret of Object.values(stack.secrets)) expect(secret.external).toBe(true)
  })

  test("the keys' secrets are named at deploy, so a key rotates in three deploys (README); by default the first deploy's names", () => {
    const names = (st: { secrets: Record<string, { name?: string }> }) => Object.fromEntries(Object.entries(st.secrets).filter(([key]) => /jwt|service_(key|public|secret|previous)/.test(key)).map(([key, v]) => [key, v.name]))
    // Without the variables: each secret its own name, and the previous signing key is the signing key itself (nothing to reseal).
    expect(names(stack)).toEqual({
      easypass_jwt_public_key: 'easypass_jwt_public_key',
      easypass_jwt_private_key: 'easypass_jwt_private_key',
      easypass_jwt_previous_private_key: 'easypass_jwt_private_key',
      easypass_service_public_keys: 'easypass_service_public_keys',
      easypass_service_secret: 'easypass_service_secret',
      easypass_service_previous_secret: 'easypass_service_secret',
      ...Object.fromEntries(SERVICE_CALLERS.map((s) => [`easypass_service_key_${s}`, `easypass_service_key_${s}`])),
    })
    expect(stack.services.auth.environment.JWT_PREVIOUS_PRIVATE_KEY_FILE).toBe('/run/secrets/easypass_jwt_previous_private_key')
    // Step 2 of a rotation: the new keys sign, the replaced one is auth's previous key.
    const during = render({
      EASYPASS_IMAGE: 'registry.example/easypass:test',
      EASYPASS_JWT_PUBLIC_KEY_NAME: 'easypass_jwt_public_key_2',
      EASYPASS_JWT_PRIVATE_KEY_NAME: 'easypass_jwt_private_key_2',
      EASYPASS_JWT_PREVIOUS_PRIVATE_KEY_NAME: 'easypass_jwt_private_key',
      EASYPASS_SERVICE_PUBLIC_KEYS_NAME: 'easypass_service_public_keys_2',
      EASYPASS_SERVICE_KEY_ORDERS_NAME: 'easypass_service_key_orders_2',
      EASYPASS_SERVICE_SECRET_NAME: 'easypass_service_secret_2',
      EASYPASS_SERVICE_PREVIOUS_SECRET_NAME: 'easypass_service_secret',
    })
    expect(during.ok).toBe(true)
    const rotated = names(Bun.YAML.parse(during.out) as { secrets: Record<string, { name?: string }> })
    expect(rotated).toMatchObject({
      easypass_jwt_public_key: 'easypass_jwt_public_key_2',
      easypass_jwt_private_key: 'easypass_jwt_private_key_2',
      easypass_jwt_previous_private_key: 'easypass_jwt_private_key',
      easypass_service_public_keys: 'easypass_service_public_keys_2',
      easypass_service_key_orders: 'easypass_service_key_orders_2',
      easypass_service_key_catalog: 'easypass_service_key_catalog',
      easypass_service_secret: 'easypass_service_secret_2',
      easypass_service_previous_secret: 'easypass_service_secret',
    })
  })

  test('health, shutdown and updates: liveness checks, time to finish jobs, rollback on failure', () => {
    // Up to Go's duration, as the CLI renders it ("1m10s").
    const seconds = (d: string) => [...d.matchAll(/(\d+)([hms])/g)].reduce((s, [, n, u]) => s + Number(n) * (u === 'h' ? 3600 : u === 'm' ? 60 : 1), 0)
    for (const [name, s] of apps) {
      expect({ name, live: s.healthcheck.test.join(' ').includes('/live') }).toEqual({ name, live: true })
      // Not unhealthy while it still waits for MongoDB (60 s) at its start.
      expect({ name, startPeriod: seconds(s.healthcheck.start_period) >= 60 }).toEqual({ name, startPeriod: true })
      expect({ name, grace: s.stop_grace_period }).toEqual({ name, grace: '30s' })
      expect({ name, rollback: s.deploy.update_config.failure_action }).toEqual({ name, rollback: 'rollback' })
      expect(s.deploy.resources.limits.memory).toBeDefined()
    }
    for (const name of ['traefik', 'redis', 'nats', 'mongo1', 'mongo2', 'mongo3']) expect(stack.services[name].healthcheck).toBeDefined()
    // Traefik probes the replicas it sends the public to; on stop they drain longer than one probe interval.
    for (const [name, service] of [['gateway', 'api'], ['web', 'web']] as const) {
      const labels = stack.services[name].deploy.labels
      expect(labels[`traefik.http.services.${service}.loadbalancer.healthcheck.path`]).toBe('/live')
      const interval = Number.parseInt(labels[`traefik.http.services.${service}.loadbalancer.healthcheck.interval`])
      expect(Number(stack.services[name].environment.SHUTDOWN_DRAIN_MS)).toBeGreaterThan(interval * 1000)
    }
    expect(stack.services.web.deploy.labels['traefik.http.services.web.loadbalancer.sticky.cookie']).toBe('true')
  })

  test('every overlay network is encrypted between nodes', () => {
    const networks = (Bun.YAML.parse(rendered.out) as { networks: Record<string, { driver: string; driver_opts?: Record<string, string> }> }).networks
    expect(Object.keys(networks).sort()).toEqual(['edge', 'egress', 'internal'])
    for (const [name, n] of Object.entries(networks)) expect({ name, driver: n.driver, encrypted: n.driver_opts?.encrypted }).toEqual({ name, driver: 'overlay', encrypted: 'true' })
  })

  test('images are pinned to a release', () => {
    for (const [name, s] of Object.entries(stack.services)) if (s.image !== 'registry.example/easypass:test') expect({ name, pinned: /:v?\d+\.\d+\.\d+/.test(s.image) }).toEqual({ name, pinned: true })
    const dockerfile = readFileSync(join(ROOT, 'stack/Dockerfile'), 'utf8')
    for (const from of dockerfile.match(/^FROM \S+/gm) ?? []) expect(from).toMatch(/:\d+\.\d+\.\d+/)
  })

  test('data services: placement constraints Swarm accepts, Redis refuses writes before its limit, the replica set is initiated however long it takes, NATS syncs before it acknowledges', () => {
    // Swarm refuses a constraint value with quotes (and a quoted value would never match the label).
    for (const [name, s] of Object.entries(stack.services))
      for (const c of (s.deploy?.placement?.constraints ?? []) as string[]) expect({ name, c, ok: /^[\w.]+ ?(==|!=) ?[a-z0-9:\-_.]+$/i.test(c) }).toEqual({ name, c, ok: true })
    expect(['mongo1', 'mongo2', 'mongo3'].map((m) => stack.services[m].deploy.placement.constraints[0])).toEqual(['node.labels.easypass.mongo == 1', 'node.labels.easypass.mongo == 2', 'node.labels.easypass.mongo == 3'])
    const redis = stack.services.redis.command.join(' ')
    expect(redis).toContain('--maxmemory-policy noeviction')
    // At most half the container's limit: an AOF rewrite forks, and its copied pages count too.
    const [, amount, unit] = redis.match(/--maxmemory (\d+)(mb|gb)/)!
    expect(Number(amount) * (unit === 'gb' ? 1024 : 1) * 2 ** 20 * 2).toBeLessThanOrEqual(Number(stack.services.redis.deploy.resources.limits.memory))
    // MongoDB's cache is sized for its container, not for the node's memory.
    for (const m of ['mongo1', 'mongo2', 'mongo3']) {
      const command: string[] = stack.services[m].command
      const cacheGb = Number(command[command.indexOf('--wiredTigerCacheSizeGB') + 1])
      expect(cacheGb * 2 ** 30 * 2).toBeLessThanOrEqual(Number(stack.services[m].deploy.resources.limits.memory))
    }
    // A worker task is stopped before its replacement starts, in a rollback as in an update (its jobs are
    // taken over by the other replica, not shared between a task and its own successor).
    for (const w of ['ticketing-worker', 'orders-worker']) {
      expect(stack.services[w].deploy.update_config.order).toBe('stop-first')
      expect(stack.services[w].deploy.rollback_config.order).toBe('stop-first')
    }
    expect(stack.services['mongo-init'].deploy.restart_policy).toMatchObject({ condition: 'on-failure', max_attempts: 0 })
    // The facts stream is made by NATS's operator user (no service's may create a stream), once per deploy
    // until it succeeds: nats-init holds the operator's URL and nothing else, and runs the script the local launcher runs.
    const natsInit = stack.services['nats-init']
    expect((natsInit.secrets as Array<{ source: string }>).map((x) => x.source)).toEqual(['easypass_nats_url'])
    expect(natsInit.environment).toEqual({ SERVICE_ENTRY: 'stack/nats/facts-stream.ts', NATS_URL_FILE: '/run/secrets/easypass_nats_url', BUS_PREFIX: 'easypass' })
    expect(existsSync(join(ROOT, natsInit.environment.SERVICE_ENTRY))).toBe(true)
    expect(natsInit.deploy.restart_policy).toMatchObject({ condition: 'on-failure', max_attempts: 0 })
    expect(Object.entries(stack.services).filter(([, s]) => (s.secrets ?? []).some((x: { source: string }) => x.source === 'easypass_nats_url')).map(([name]) => name)).toEqual(['nats-init'])
    // The inventory worker's ledger cache (about 650 bytes an entry) fits its memory limit with room to spare.
    const worker = stack.services['ticketing-worker']
    // (`docker stack config` renders the limit in bytes.)
    const limitBytes = Number(worker.deploy.resources.limits.memory)
    expect(Number(worker.environment.INVENTORY_CACHE_MAX_ENTRIES) * 650 * 2).toBeLessThanOrEqual(limitBytes)
    // NATS acknowledges a fact only once it is on disk (the outboxes delete what NATS acknowledged), in its volume.
    const nats = stack.services.nats
    // The stack's config with the passwords put before it, in a file only root reads: never on the command line.
    expect(nats.command).toEqual(['sh', '/etc/nats/start.sh'])
    const natsConfigs = Object.fromEntries((nats.configs as Array<{ source: string; target: string }>).map((c) => [c.target, c.source]))
    expect(natsConfigs).toEqual({ '/etc/nats/easypass.conf': 'nats_config', '/etc/nats/users.conf': 'nats_users', '/etc/nats/start.sh': 'nats_start' })
    // One password secret for each user users.conf defines: the operator's and each service's.
    expect((nats.secrets as Array<{ source: string }>).map((s) => s.source).sort()).toEqual(natsUserNames().map((user) => (user === 'easypass' ? 'easypass_nats_password' : `easypass_nats_password_${user}`)).sort())
    // No password on any command line (`ps` on the node shows command lines to everyone).
    for (const [name, service] of Object.entries(stack.services as Record<string, { command?: string[] }>)) {
      const command = (service.command ?? []).join(' ')
      expect(`${name}: ${command}`).not.toMatch(/--pass\b|--requirepass|\s-p\s|--password/)
    }
    const natsConf = readFileSync(join(ROOT, 'stack/nats/nats.conf'), 'utf8')
    expect(natsConf).toMatch(/^\s*sync_interval: always$/m)
    expect(natsConf).toMatch(/^\s*store_dir: \/data$/m)
    expect(nats.volumes).toEqual([expect.objectContaining({ source: 'nats-data', target: '/data' })])
  })

  test("the gateway's rate limits are on unless a load test's deploy turns them off; hold time as deployed", () => {
    expect(stack.services.gateway.environment.RATE_LIMIT_DISABLED).toBe('false')
    expect(stack.services.ticketing.environment.HOLD_TTL_SECONDS).toBe('600')
    const loadTest = render({ EASYPASS_IMAGE: 'registry.example/easypass:test', RATE_LIMIT_DISABLED: 'true', HOLD_TTL_SECONDS: '120' })
    const services = (Bun.YAML.parse(loadTest.out) as { services: Record<string, any> }).services
    expect(services.gateway.environment.RATE_LIMIT_DISABLED).toBe('true')
    // Admins sign in with two steps unless a load test's deploy says none.
    expect(stack.services.auth.environment.TWO_FACTOR_REQUIRED_ROLES).toBe('admin')
    const scripted = render({ EASYPASS_IMAGE: 'registry.example/easypass:test', TWO_FACTOR_REQUIRED_ROLES: 'none' })
    expect((Bun.YAML.parse(scripted.out) as { services: Record<string, any> }).services.auth.environment.TWO_FACTOR_REQUIRED_ROLES).toBe('none')
    const loadTestEdge = render({ EASYPASS_IMAGE: 'registry.example/easypass:test', EDGE_RATE_AVERAGE: '100000', EDGE_RATE_BURST: '200000' })
    const edgeLabels = (Bun.YAML.parse(loadTestEdge.out) as { services: Record<string, any> }).services.gateway.deploy.labels
    expect([edgeLabels['traefik.http.middlewares.edge-rate-api.ratelimit.average'], edgeLabels['traefik.http.middlewares.edge-rate-api.ratelimit.burst']]).toEqual(['100000', '200000'])
    for (const name of ['ticketing', 'ticketing-worker', 'orders', 'orders-worker']) expect({ name, ttl: services[name].environment.HOLD_TTL_SECONDS }).toEqual({ name, ttl: '120' })
  })
})

describe.skipIf(!Bun.which('nats-server'))('the stack\'s NATS start script', () => {
  /** start.sh with its paths moved into a folder of the test's (secrets, configs, the written file), checking instead of serving. */
  function runStart(omit?: string, blank?: string) {
    const dir = mkdtempSync(join(tmpdir(), 'easypass-nats-start-'))
    mkdirSync(join(dir, 'secrets'))
    mkdirSync(join(dir, 'etc'))
    for (const user of natsUserNames()) {
      const secret = user === 'easypass' ? 'easypass_nats_password' : `easypass_nats_password_${user}`
      if (secret !== omit) writeFileSync(join(dir, 'secrets', secret), secret === blank ? ' \n' : `${user}-${'0123456789abcdef'.repeat(3)}\n`)
    }
    writeFileSync(join(dir, 'etc', 'users.conf'), readFileSync(join(ROOT, 'stack/nats/users.conf')))
    // The stack's server settings, with a store the test may write, less `sync_interval` (2.10, the
    // stack's image, has it; this machine's 2.9 does not; checked above).
    const settings = readFileSync(join(ROOT, 'stack/nats/nats.conf'), 'utf8').replace('store_dir: /data', `store_dir: ${join(dir, 'store')}`).replace(/^\s*sync_interval: always$/m, '')
    writeFileSync(join(dir, 'etc', 'easypass.conf'), settings)
    const script = readFileSync(join(ROOT, 'stack/nats/start.sh'), 'utf8')
      .replaceAll('/run/secrets', join(dir, 'secrets'))
      .replaceAll('/etc/nats', join(dir, 'etc'))
      .replaceAll('/tmp/nats.conf', join(dir, 'nats.conf'))
      .replace('exec nats-server -c', 'exec nats-server -t -c')
    writeFileSync(join(dir, 'start.sh'), script)
    const r = Bun.spawnSync(['sh', join(dir, 'start.sh')])
    return { dir, code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() }
  }

  test('writes a configuration nats-server accepts, with every user and its password, readable by its owner only', () => {
    const { dir, code, out } = runStart()
    expect(out).toContain('is valid')
    expect(code).toBe(0)
    const written = readFileSync(join(dir, 'nats.conf'), 'utf8')
    // Each password as the secret holds it, without the newline a secret file often ends with.
    for (const user of natsUserNames()) expect(written).toContain(`NATS_PASSWORD_${user.toUpperCase()}: "${user}-${'0123456789abcdef'.repeat(3)}"`)
    expect(statSync(join(dir, 'nats.conf')).mode & 0o077).toBe(0)
  })

  test('refuses to start when a service\'s password secret is missing (an empty password would let anyone in)', () => {
    const { code, out } = runStart('easypass_nats_password_orders')
    expect(code).not.toBe(0)
    expect(out).toContain('easypass_nats_password_orders is missing')
    // Blank (`echo | docker secret create …`): the same, for the operator's every right most of all.
    const blank = runStart(undefined, 'easypass_nats_password')
    expect(blank.code).not.toBe(0)
    expect(blank.out).toContain('easypass_nats_password is missing or empty')
  })
})

describe.skipIf(!Bun.which('openssl'))('service token keys made as docker-stack.yml says (openssl)', () => {
  test("the public keys file its loop writes is what the services read, and each key signs that service's tokens", async () => {
    const { serviceTokens, tokenVerifier } = await import('@easypass/kit')
    const dir = mkdtempSync(join(tmpdir(), 'easypass-keys-'))
    // The loop in docker-stack.yml's header as written, with `docker secret create` left out; run twice, as
    // an operator starting again would (the file is made anew, not appended to).
    const header = readFileSync(join(ROOT, 'docker-stack.yml'), 'utf8').split('\n').filter((line) => line.startsWith('#'))
    const loop = header.slice(header.findIndex((line) => line.includes('for s in auth')), header.findIndex((line) => line.includes('easypass_service_public_keys service-public-keys')))
    expect(loop.length).toBe(3)
    const script = loop.map((line) => line.replace(/^#\s*/, '').replace('docker secret create "easypass_service_key_$s" "$s.key" && rm "$s.key"; ', '')).join('\n')
    for (const run of [1, 2]) {
      const r = Bun.spawnSync(['sh', '-c', script], { cwd: dir })
      expect({ run, stderr: r.stderr.toString(), code: r.exitCode }).toEqual({ run, stderr: '', code: 0 })
    }
    const listed = readFileSync(join(dir, 'service-public-keys'), 'utf8')
    expect([...servicePublicKeys(listed).keys()]).toEqual([...SERVICE_CALLERS])
    const users = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const keys = { JWT_PUBLIC_KEY: users, JWT_ISSUER: 'easypass', SERVICE_PUBLIC_KEYS: listed }
    for (const name of SERVICE_CALLERS) {
      const token = await serviceTokens({ SERVICE_KEY: readFileSync(join(dir, `${name}.key`), 'utf8'), ...keys }, name)()
      expect(await tokenVerifier(keys).verify(token)).toMatchObject({ id: `service:${name}`, role: 'service' })
    }
  })
})

describe("mongo-init's script (stack/mongo/init-replica-set.js), with the URL secrets made as docker-stack.yml's head says", () => {
  /** The URL secrets as the head's loop makes them (its `docker secret create` writing a file instead). */
  function makeSecrets() {
    const dir = mkdtempSync(join(tmpdir(), 'easypass-mongo-secrets-'))
    const header = readFileSync(join(ROOT, 'docker-stack.yml'), 'utf8').split('\n').filter((line) => line.startsWith('#'))
    const first = header.findIndex((line) => line.includes('for s in auth catalog ticketing payments orders notifications; do') && header[header.indexOf(line) + 1]?.includes('mongodb://'))
    const loop = header.slice(first, first + 2).map((line) => line.replace(/^#\s*/, '').replace('docker secret create "easypass_mongo_url_$s" -', 'cat > "easypass_mongo_url_$s"'))
    expect(loop.join('\n')).toContain('cat > "easypass_mongo_url_$s"')
    const r = Bun.spawnSync(['sh', '-c', loop.join('\n')], { cwd: dir })
    expect({ stderr: r.stderr.toString(), code: r.exitCode }).toEqual({ stderr: '', code: 0 })
    writeFileSync(join(dir, 'easypass_mongo_password'), 'root-password-0123456789\n')
    return dir
  }

  /**
   * Runs the script as mongosh would, against a stand-in for the replica set's commands (mongosh and
   * mongod are not on this machine): what it connects to and every command it sends, in order.
   */
  function runInit(dir: string, existingUsers: string[] = [], initiated = false) {
    const commands: Array<{ url: string; command: Record<string, unknown> }> = []
    const database = (url: string) => ({
      adminCommand(command: Record<string, unknown>) {
        commands.push({ url, command })
        if ('replSetGetStatus' in command && !initiated) throw new Error('MongoServerError: no replset config has been received')
        return { ok: 1 }
      },
      runCommand(command: Record<string, unknown>) {
        commands.push({ url, command })
        if ('usersInfo' in command) return { ok: 1, users: existingUsers.includes(command.usersInfo as string) ? [{ user: command.usersInfo }] : [] }
        return { ok: 1 }
      },
    })
    const fs = { readFileSync: (path: string, encoding: string) => readFileSync(path.replace('/run/secrets', dir), encoding as 'utf8') }
    const script = readFileSync(join(ROOT, 'stack/mongo/init-replica-set.js'), 'utf8')
    const printed: string[] = []
    new Function('connect', 'print', 'require', 'process', 'db', script)(
      (url: string) => database(url),
      (line: string) => printed.push(line),
      (name: string) => (name === 'fs' ? fs : undefined),
      { env: {} },
      undefined,
    )
    return { commands, printed }
  }

  const urlOf = (dir: string, service: string) => readFileSync(join(dir, `easypass_mongo_url_${service}`), 'utf8')
  const passwordOf = (dir: string, service: string) => decodeURIComponent(/^mongodb:\/\/[^:]+:([^@]+)@/.exec(urlOf(dir, service))![1]!)

  test('initiates the set, then makes each service a user of its own with its URL’s password, reading and writing its own database only', () => {
    const dir = makeSecrets()
    // Six different random passwords, each URL to the replica set as its service.
    expect(new Set(MONGO_USERS.map((s) => passwordOf(dir, s))).size).toBe(6)
    for (const s of MONGO_USERS) expect(urlOf(dir, s)).toMatch(new RegExp(`^mongodb://${s}:[0-9a-f]{48}@mongo1:27017,mongo2:27017,mongo3:27017/\\?replicaSet=rs0&authSource=admin$`))
    const { commands } = runInit(dir)
    expect(commands.some((c) => 'replSetInitiate' in c.command)).toBe(true)
    const made = commands.filter((c) => 'createUser' in c.command)
    expect(made.map((c) => c.command)).toEqual(MONGO_USERS.map((s) => ({ createUser: s, pwd: passwordOf(dir, s), roles: [{ role: 'readWrite', db: `easypass_${s}` }] })))
    // Written through the replica set (on its primary), as the root user whose password is its secret's.
    for (const c of made) expect(c.url).toBe('mongodb://easypass:root-password-0123456789@mongo1:27017,mongo2:27017,mongo3:27017/admin?replicaSet=rs0&authSource=admin')
    // No other kind of command: nothing is granted beyond the one role.
    expect([...new Set(commands.map((c) => Object.keys(c.command)[0]))].sort()).toEqual(['createUser', 'replSetGetStatus', 'replSetInitiate', 'usersInfo'])
  })

  test('run again (a new password deployed): the set is left as it is, and each user gets the password and the one role again', () => {
    const dir = makeSecrets()
    writeFileSync(join(dir, 'easypass_mongo_url_orders'), 'mongodb://orders:a-new-password-of-orders%2F1@mongo1:27017,mongo2:27017,mongo3:27017/?replicaSet=rs0&authSource=admin')
    const { commands } = runInit(dir, MONGO_USERS, true)
    expect(commands.some((c) => 'replSetInitiate' in c.command)).toBe(false)
    expect(commands.filter((c) => 'createUser' in c.command)).toEqual([])
    const updated = commands.filter((c) => 'updateUser' in c.command).map((c) => c.command)
    expect(updated).toHaveLength(6)
    expect(updated.find((c) => c.updateUser === 'orders')).toEqual({ updateUser: 'orders', pwd: 'a-new-password-of-orders/1', roles: [{ role: 'readWrite', db: 'easypass_orders' }] })
  })

  test('a URL naming another user, a short password or a missing secret stops it before it changes anything', () => {
    for (const [service, content, message] of [
      ['catalog', 'mongodb://easypass:root-password-0123456789@mongo1:27017/?authSource=admin', 'names the user easypass, not catalog'],
      ['payments', 'mongodb://payments:short@mongo1:27017/?authSource=admin', 'shorter than 16 characters'],
      ['ticketing', 'redis://ticketing:0123456789abcdef0123@redis:6379', 'holds no mongodb://ticketing:<password>@'],
      ['orders', undefined, 'no such file'],
    ] as const) {
      const dir = makeSecrets()
      if (content) writeFileSync(join(dir, `easypass_mongo_url_${service}`), content)
      else Bun.spawnSync(['rm', join(dir, `easypass_mongo_url_${service}`)])
      let commands: unknown[] = []
      const thrown = (() => {
        try {
          commands = runInit(dir).commands
          return undefined
        } catch (error) {
          return String(error)
        }
      })()
      expect({ service, thrown: thrown?.includes(message) ?? false, commands }).toEqual({ service, thrown: true, commands: [] })
    }
  })
})

describe.skipIf(!Bun.which('redis-server'))("the stack's Redis start script, with the users of stack/redis/users.acl", () => {
  /** start.sh with its paths moved into a folder of the test's, run as this user (no chown, no su-exec) on a free port. */
  async function runStart(opts: { omit?: string; blank?: string; odd?: string } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'easypass-redis-start-'))
    mkdirSync(join(dir, 'secrets'))
    mkdirSync(join(dir, 'etc'))
    mkdirSync(join(dir, 'data'))
    const passwords: Record<string, string> = { default: randomHex() }
    for (const user of redisUserNames()) passwords[user] = randomHex()
    for (const [user, password] of Object.entries(passwords)) {
      const secret = user === 'default' ? 'easypass_redis_password' : `easypass_redis_password_${user}`
      if (secret !== opts.omit) writeFileSync(join(dir, 'secrets', secret), secret === opts.blank ? '\n' : secret === opts.odd ? `${password} x" on\n` : `${password}\n`)
    }
    writeFileSync(join(dir, 'etc', 'users.acl'), readFileSync(join(ROOT, 'stack/redis/users.acl')))
    const script = readFileSync(join(ROOT, 'stack/redis/start.sh'), 'utf8')
      .replaceAll('/run/secrets', join(dir, 'secrets'))
      .replaceAll('/etc/redis', join(dir, 'etc'))
      .replaceAll('/tmp/redis.conf', join(dir, 'redis.conf'))
      .replace(/^chown .*$/gm, '')
      .replace('exec su-exec redis redis-server', 'exec redis-server')
    writeFileSync(join(dir, 'start.sh'), script)
    const port = 20_000 + Math.floor(Math.random() * 20_000)
    // The stack's arguments, as the stack's command gives them after the script's name.
    const child = Bun.spawn(['sh', join(dir, 'start.sh'), '--port', String(port), '--bind', '127.0.0.1', '--dir', join(dir, 'data'), '--save', '', '--appendonly', 'no'], { stdout: 'pipe', stderr: 'pipe' })
    return { dir, child, port, passwords }
  }
  const randomHex = () => Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('')

  test('each user signs in with its secret’s password and may use only its keys under the stack’s prefix (`ep`); the default user is the operator’s', async () => {
    const { dir, child, port, passwords } = await runStart()
    const { RedisClient } = await import('bun')
    const clients: InstanceType<typeof RedisClient>[] = []
    try {
      const connect = async (user: string, password: string) => {
        for (let i = 0; ; i++) {
          const client = new RedisClient(`redis://${user === 'default' ? '' : user}:${password}@127.0.0.1:${port}`)
          clients.push(client)
          try {
            await client.send('PING', [])
            return client
          } catch (error) {
            if (i > 50 || !/ECONNREFUSED|connect|closed/i.test(String(error))) throw error
            await Bun.sleep(100)
          }
        }
      }
      const admin = await connect('default', passwords.default!)
      expect(await admin.send('ACL', ['WHOAMI'])).toBe('default')
      // The configuration on disk, readable by its owner only.
      expect(statSync(join(dir, 'redis.conf')).mode & 0o077).toBe(0)
      for (const user of redisUserNames()) {
        const redis = await connect(user, passwords[user]!)
        expect(await redis.send('ACL', ['WHOAMI']).catch(String)).toContain('NOPERM')
        const own = (await admin.send('ACL', ['GETUSER', user])) as unknown as Record<string, unknown> | unknown[]
        const keys = String(Array.isArray(own) ? own[own.indexOf('keys') + 1] : own.keys)
        expect(keys).toContain(`ep:${user === 'notifications' ? 'webhooks' : user}`)
        expect(keys).not.toContain('{prefix}')
      }
      // A wrong password is refused.
      expect(await connect('orders', passwords.gateway!).then(() => 'in', String)).toMatch(/WRONGPASS|invalid/i)
      // The users' keys as the services use them: each its own, not another's.
      const orders = await connect('orders', passwords.orders!)
      expect(await orders.send('SET', ['ep:orders:lock:x', '1'])).toBe('OK')
      expect(await orders.send('SET', ['ep:auth:passkey-sign-in:x', '1']).catch(String)).toContain('NOPERM')
    } finally {
      for (const c of clients) c.close()
      child.kill()
      await child.exited
    }
  })

  test('refuses to start when a user’s password secret is missing, blank, or holds more than letters and digits', async () => {
    for (const opts of [{ omit: 'easypass_redis_password_orders' }, { blank: 'easypass_redis_password' }, { odd: 'easypass_redis_password_gateway' }]) {
      const { child } = await runStart(opts)
      const code = await child.exited
      const err = await new Response(child.stderr).text()
      const said = 'odd' in opts ? `${opts.odd} holds more than letters and digits` : `${'omit' in opts ? opts.omit : opts.blank} is missing or empty`
      expect({ opts, code: code !== 0, err: err.includes(said) }).toEqual({ opts, code: true, err: true })
    }
  })
})

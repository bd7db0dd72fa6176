// Starts (or reuses) the three servers EasyPass needs on this machine: Redis, NATS with JetStream
// and FerretDB on SQLite. Used by `npm start` and by the test harness. When MONGO_URL, REDIS_URL or
// NATS_URL is set, that server is used as it is and nothing is started for it.
import { mkdirSync, existsSync, rmSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homedir } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Subprocess } from 'bun'

export interface InfraOptions {
  dataDir: string
  redisPort: number
  natsPort: number
  mongoPort: number
  /**
   * Test and benchmark data: servers this call starts begin empty and their data is removed when
   * the process exits. (FerretDB v1 gets slower with every database it holds — a ping took 7 ms
   * with ~900 leftover test databases against 0.2 ms fresh — so runs must not pile them up.)
   */
  disposable?: boolean
  log?: (line: string) => void
}

export interface Infra {
  mongoUrl: string
  redisUrl: string
  /** The operator's (every right): for tests that look at the bus themselves. */
  natsUrl: string
  /**
   * Each NATS user of `stack/nats/users.conf` by name (`orders`, …), allowed only its service's subjects;
   * empty when NATS_URL names a server of someone else's, or a server reused from a version without users.
   */
  natsUsers: Record<string, string>
  /** Redis was started (or reused) by this launcher: its users (stack/redis/users.acl) may be set on it. */
  ownsRedis: boolean
  stop(): Promise<void>
}

const NATS_USERS_FILE = join(import.meta.dir, '..', 'nats', 'users.conf')

/** The NATS users `stack/nats/users.conf` defines (the operator `easypass` first). */
export function natsUserNames(): string[] {
  return [...readFileSync(NATS_USERS_FILE, 'utf8').matchAll(/\{ user: ([a-z-]+), password: \$NATS_PASSWORD_/g)].map((m) => m[1]!)
}

/**
 * The configuration of a local NATS with the stack's users and permissions, and a new password for
 * each (written beside it, readable by this user only, for a later run that reuses the server).
 * Returns the file and each user's URL.
 */
export function writeNatsConfig(dir: string, port: number): { file: string; urls: Record<string, string> } {
  const passwords = Object.fromEntries(natsUserNames().map((user) => [user, randomBytes(18).toString('hex')]))
  const file = join(dir, 'nats.conf')
  // The variable's name as stack/nats/start.sh writes it too.
  const defined = Object.entries(passwords).map(([user, password]) => `NATS_PASSWORD_${user.toUpperCase().replaceAll('-', '_')}: "${password}"`)
  writeFileSync(file, `${defined.join('\n')}\n${readFileSync(NATS_USERS_FILE, 'utf8')}`, { mode: 0o600 })
  writeFileSync(join(dir, 'passwords.json'), JSON.stringify(passwords), { mode: 0o600 })
  return { file, urls: natsUrls(port, passwords) }
}

function natsUrls(port: number, passwords: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(passwords).map(([user, password]) => [user, `nats://${user}:${password}@127.0.0.1:${port}`]))
}

/** The users of a local NATS this launcher started earlier (reused); none for one started otherwise. */
function reusedNatsUrls(dir: string, port: number): Record<string, string> {
  const file = join(dir, 'passwords.json')
  return existsSync(file) ? natsUrls(port, JSON.parse(readFileSync(file, 'utf8'))) : {}
}

/** The NATS user a process connects as: a worker as its service. None for the gateway and web. */
export function natsUserOf(processName: string): string | undefined {
  const service = processName.replace(/-worker$/, '')
  return service === 'gateway' || service === 'web' ? undefined : service
}

export function ferretdbBinary(): string {
  const candidates = [process.env.FERRETDB_BIN, join(homedir(), '.cache', 'easypass', 'ferretdb-v1.24.2')]
  for (const c of candidates) if (c && existsSync(c)) return c
  throw new Error('ferretdb not found: run `npm start` once (it installs FerretDB with go install) or set FERRETDB_BIN')
}

export async function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: host, port, socket: { data() {}, error() {} } })
    socket.end()
    return true
  } catch {
    return false
  }
}

export async function waitForPort(port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await portOpen(port)) return
    await Bun.sleep(100)
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs} ms`)
}

/** Ports this process has handed out: the OS may offer a port again once its probe is closed. */
const handedOut = new Set<number>()

/**
 * A port free now and not handed out before by this process (several are chosen before any is
 * bound). Chosen below Linux's ephemeral range (32768–60999), where the outgoing connections made
 * meanwhile take their local ports and could take it before its server binds it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (handedOut.has(port)) continue
    try {
      const server = Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } })
      server.stop(true)
    } catch {
      continue
    }
    handedOut.add(port)
    return port
  }
}

/**
 * Null when a FerretDB answers on the port (one an earlier run left, reused); otherwise why not: a
 * MongoDB of the developer's own on 27017 must never receive demo data unasked.
 */
export async function isFerretDB(port: number): Promise<string | null> {
  const mongoose = (await import('mongoose')).default
  let conn: import('mongoose').Connection | undefined
  try {
    conn = await mongoose.createConnection(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 3_000 }).asPromise()
    const info = await conn.db!.admin().command({ buildInfo: 1 })
    if (typeof info.ferretdbVersion === 'string') return null
    return `port ${port} is taken by a MongoDB server that is not FerretDB (your own?): stop it, or set MONGO_URL to use it on purpose`
  } catch (error) {
    return `port ${port} is taken by something that is not FerretDB (${error instanceof Error ? error.message : String(error)}): free it, or set MONGO_URL`
  } finally {
    await conn?.close().catch(() => {})
  }
}

/**
 * A NATS server already on the port whose users this checkout does not know (left running by another
 * checkout, or by a run that was killed): every service would be refused at every connection, and
 * the run would fail far from the cause. Null when it lets a client in without a user (an older
 * version's, without users), else what to do.
 */
export async function natsWithoutOurUsers(port: number): Promise<string | null> {
  const { connect } = await import('@nats-io/transport-node')
  try {
    const nc = await connect({ servers: `127.0.0.1:${port}`, timeout: 3_000, reconnect: false })
    await nc.close()
    return null
  } catch (error) {
    return `a NATS server with users this checkout does not know is listening on ${port} (left by another checkout, or by a run that was killed: ${error instanceof Error ? error.message : String(error)}): stop it (\`pkill -f "nats-server.*-p ${port}"\`), or set NATS_URL`
  }
}

/**
 * A small shell that outlives this process and stops the servers it started (and removes their
 * disposable data) once it is gone, however it went: `bun test` runs no 'exit' listener, and a test
 * file that throws as it loads cuts the run's async afterAll short, which left Redis, NATS and FerretDB
 * running (and a later run of another checkout then met a NATS whose users it does not know).
 * `stop()` ends it first: a normal stop needs no reaping.
 */
function reaper(pids: number[], dirs: string[]): Subprocess {
  const quoted = dirs.map((d) => `'${d.replaceAll("'", "'\\''")}'`).join(' ')
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill ${pids.join(' ')} 2>/dev/null; sleep 5; kill -9 ${pids.join(' ')} 2>/dev/null;${dirs.length ? ` rm -rf ${quoted};` : ''} true`
  return Bun.spawn(['sh', '-c', script], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' })
}

export async function startInfra(opts: InfraOptions): Promise<Infra> {
  const log = opts.log ?? (() => {})
  const children: Subprocess[] = []
  mkdirSync(opts.dataDir, { recursive: true })

  const disposableDirs: string[] = []
  // Servers this process started end with it, whatever way it ends: also when another one failed to
  // start (a port taken, a binary missing), which would otherwise leave the first ones running.
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL')
    for (const dir of disposableDirs) rmSync(dir, { recursive: true, force: true })
  })
  async function ensure(name: string, port: number, cmd: string[], dir: string, env: Record<string, string> = {}, isOurs?: (port: number) => Promise<string | null>) {
    if (await portOpen(port)) {
      // Only a server of the kind we start is reused: demo or test data never goes into someone else's.
      const refusal = isOurs ? await isOurs(port) : null
      if (refusal) throw new Error(refusal)
      log(`${name}: reusing the server already listening on ${port}`)
      return
    }
    if (opts.disposable) {
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      disposableDirs.push(dir)
    }
    const logFile = Bun.file(join(opts.dataDir, `${name}.log`))
    const child = Bun.spawn(cmd, { stdout: logFile, stderr: logFile, stdin: 'ignore', env: { ...process.env, ...env } })
    children.push(child)
    await waitForPort(port, name)
    log(`${name}: started on ${port} (pid ${child.pid})`)
  }

  const starts: Promise<void>[] = []
  let redisUrl = process.env.REDIS_URL
  if (!redisUrl) {
    const dir = join(opts.dataDir, 'redis')
    mkdirSync(dir, { recursive: true })
    redisUrl = `redis://127.0.0.1:${opts.redisPort}`
    // AOF on: queued purchase and refund jobs survive a restart of Redis.
    starts.push(ensure('redis', opts.redisPort, ['redis-server', '--port', String(opts.redisPort), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--protected-mode', 'no'], dir))
  }
  let natsUrl = process.env.NATS_URL
  let natsUsers: Record<string, string> = {}
  if (!natsUrl) {
    const dir = join(opts.dataDir, 'nats')
    mkdirSync(dir, { recursive: true })
    natsUrl = `nats://127.0.0.1:${opts.natsPort}`
    // Each service connects as its own user, allowed only its own facts (the stack's users.conf), so
    // every local run and test meets the permissions production has. A reused server keeps its
    // passwords (kept beside the store, which a disposable start empties).
    const configDir = join(opts.dataDir, 'nats-config')
    mkdirSync(configDir, { recursive: true })
    if (await portOpen(opts.natsPort)) {
      natsUsers = reusedNatsUrls(configDir, opts.natsPort)
      const refusal = Object.keys(natsUsers).length ? null : await natsWithoutOurUsers(opts.natsPort)
      if (refusal) starts.push(Promise.reject(new Error(refusal)))
    } else {
      const config = writeNatsConfig(configDir, opts.natsPort)
      natsUsers = config.urls
      starts.push(ensure('nats', opts.natsPort, ['nats-server', '-c', config.file, '-js', '-a', '127.0.0.1', '-p', String(opts.natsPort), '-sd', dir], dir))
    }
  }
  let mongoUrl = process.env.MONGO_URL
  if (!mongoUrl) {
    const dir = join(opts.dataDir, 'ferretdb')
    mkdirSync(dir, { recursive: true })
    mongoUrl = `mongodb://127.0.0.1:${opts.mongoPort}/`
    let debugPort = await freePort()
    // The fixed test port was not handed out by freePort: never the same one.
    while (debugPort === opts.mongoPort) debugPort = await freePort()
    // WAL with synchronous=NORMAL: a commit survives the crash of any process (tests kill them), only
    // an OS crash or power loss may lose the last ones; each commit no longer waits for an fsync while
    // holding the database's write lock. Production runs MongoDB with journaled majority writes.
    starts.push(ensure('ferretdb', opts.mongoPort, [ferretdbBinary(), '--handler=sqlite', `--sqlite-url=file:${dir}/?_pragma=synchronous(normal)`, `--state-dir=${dir}`, `--listen-addr=127.0.0.1:${opts.mongoPort}`, `--debug-addr=127.0.0.1:${debugPort}`, '--telemetry=disable', '--log-level=warn'], dir, {
      // Go's collector at GOGC=400 instead of 100: FerretDB allocates heavily per document, and
      // collecting four times less often cost 6–14 % less of its CPU per inserted document in
      // paired runs (20,000 inserts, 4 pairs), for a heap that stays tens of MB. FERRETDB_GOGC overrides.
      GOGC: process.env.FERRETDB_GOGC ?? '400',
    }, isFerretDB))
  }
  const started = await Promise.allSettled(starts)
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failure) {
    for (const child of children) child.kill('SIGKILL')
    throw failure.reason
  }
  const watcher = children.length ? reaper(children.map((c) => c.pid), disposableDirs) : undefined

  return {
    mongoUrl,
    redisUrl,
    natsUrl: natsUsers.easypass ?? natsUrl,
    natsUsers,
    ownsRedis: !process.env.REDIS_URL,
    async stop() {
      watcher?.kill('SIGKILL')
      for (const child of children) child.kill('SIGTERM')
      await Promise.all(children.map((c) => Promise.race([c.exited, Bun.sleep(5000)])))
    },
  }
}

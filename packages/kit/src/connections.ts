import { histogram } from './metrics'
import mongoose from 'mongoose'
import { Redis, type RedisOptions } from 'ioredis'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { Logger } from './log'
import { connectionUrl } from './config'

/**
 * This service's own database: `<MONGO_DB_PREFIX>_<service>`; no service opens another's. At start it
 * keeps trying for `MONGO_START_WAIT_MS` (60 s): a replica set still being initiated, or a sign-in
 * refused until mongo-init has made (or given its new password to) this service's user, which a rolling
 * update runs beside the services. Only then does the process stop.
 */
export async function connectMongo(url: string, dbName: string, log: Logger): Promise<mongoose.Connection> {
  // FerretDB's SQLite backend serialises writes per database: a small pool avoids lock thrashing.
  const poolSize = Number(process.env.MONGO_POOL_SIZE ?? 8)
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) throw new Error(`MONGO_POOL_SIZE: a whole number from 1 to 1000, not "${process.env.MONGO_POOL_SIZE}"`)
  const waitMs = Number(process.env.MONGO_START_WAIT_MS ?? 60_000)
  const target = connectionUrl(url, 'MONGO_URL')
  const started = Date.now()
  for (let attempt = 1; ; attempt++) {
    const conn = mongoose.createConnection(target, {
      dbName,
      maxPoolSize: poolSize,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      monitorCommands: true,
    })
    try {
      await conn.asPromise()
    } catch (error) {
      await conn.close().catch(() => {})
      if (Date.now() - started + RETRY_PAUSE_MS >= waitMs) throw error
      log.warn({ err: String(error), attempt }, 'MongoDB could not be reached or refused the sign-in; trying again')
      await Bun.sleep(RETRY_PAUSE_MS)
      continue
    }
    observeCommands(conn)
    conn.on('disconnected', () => log.warn('mongo disconnected'))
    conn.on('reconnected', () => log.info('mongo reconnected'))
    return conn
  }
}
const RETRY_PAUSE_MS = 2_000

const dbCommandSeconds = histogram('db_command_duration_seconds', 'Database commands as this process waited for them, by command and collection', ['command', 'collection'], [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5])

/** Times every database command by its collection: where the database time of a request goes. */
function observeCommands(conn: mongoose.Connection) {
  const client = conn.getClient()
  const collections = new Map<number, string>()
  client.on('commandStarted', (e) => {
    const target = e.command[e.commandName]
    collections.set(e.requestId, typeof target === 'string' ? target : '')
  })
  const done = (e: { requestId: number; commandName: string; duration: number }) => {
    const collection = collections.get(e.requestId) ?? ''
    collections.delete(e.requestId)
    if (e.commandName === 'ping' || e.commandName === 'hello' || e.commandName === 'isMaster') return
    dbCommandSeconds.observe({ command: e.commandName, collection }, e.duration / 1000)
  }
  client.on('commandSucceeded', done)
  client.on('commandFailed', done)
}

/** Creates the unique and query indexes of every model of a connection; unique indexes are correctness, not speed. */
export async function ensureIndexes(conn: mongoose.Connection) {
  for (const model of Object.values(conn.models)) await model.createIndexes()
}

export async function pingMongo(conn: mongoose.Connection) {
  if (!conn.db) throw new Error('not connected')
  await conn.db.admin().command({ ping: 1 })
}

/**
 * `worker: true` for BullMQ workers and blocking readers (they must wait for Redis forever,
 * `maxRetriesPerRequest: null`); API connections fail fast instead so a request never hangs.
 */
export function connectRedis(url: string, opts: { worker?: boolean; name?: string; autoPipeline?: boolean } = {}): Redis {
  const options: RedisOptions = opts.worker
    ? { maxRetriesPerRequest: null, enableReadyCheck: true, protocol: 2 }
    : { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 5_000, protocol: 2 }
  if (opts.name) options.connectionName = opts.name
  // No CLIENT SETINFO at each connection (Redis 7.2+): the services' Redis users are not granted it
  // (stack/redis/users.acl), and each refusal would fill Redis's ACL log. BullMQ's copies inherit it.
  options.disableClientInfo = true
  // Commands issued in the same tick go out as one pipeline: under load, one write and one read
  // instead of one each per command. Only for connections of our own commands (not BullMQ's).
  if (opts.autoPipeline) options.enableAutoPipelining = true
  return new Redis(connectionUrl(url, 'REDIS_URL'), options)
}

export async function pingRedis(redis: Redis) {
  const answer = await redis.ping()
  if (answer !== 'PONG') throw new Error(`unexpected ping answer ${answer}`)
}

const userSecrets = new WeakMap<NatsConnection, string>()

/** The password the connection's NATS user signed in with (none without a user): known to that user's processes only. */
export const natsUserSecret = (nc: NatsConnection): string | undefined => userSecrets.get(nc)

/**
 * Connects to NATS, trying again until it answers (an outage, or credentials refused while a secret is
 * being fixed), and keeps reconnecting for as long as the process lives: callers that do not await it
 * serve meanwhile, and their health shows `nats` down. NATS being down delays messages, never crashes us.
 */
export async function connectNats(url: string, name: string, log: Logger): Promise<NatsConnection> {
  connectionUrl(url, 'NATS_URL')
  // Credentials in the URL (nats://user:pass@host:4222, as the stack's secret holds it) become options.
  let servers = url
  let auth: { user?: string; pass?: string } = {}
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const parsed = new URL(url)
    if (parsed.username) auth = { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }
    parsed.username = ''
    parsed.password = ''
    servers = parsed.toString()
  }
  for (let attempt = 1; ; attempt++) {
    try {
      // ignoreAuthErrorAbort: credentials refused twice while reconnecting (NATS back with a secret being
      // fixed) would otherwise close the connection for good, leaving consumers and the relay cut off.
      // A user's replies (publish acknowledgements, JetStream answers, a consumer's pulled facts) come
      // to inboxes only that user may read (`_INBOX_<user>.>` in stack/nats/users.conf), not to the
      // `_INBOX.>` every connection could subscribe to.
      const inbox = auth.user ? { inboxPrefix: `_INBOX_${auth.user.replace(/[^A-Za-z0-9_-]/g, '_')}` } : {}
      const nc = await connect({ servers, ...auth, ...inbox, name, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true, timeout: 10_000, ignoreAuthErrorAbort: true })
      ;(async () => {
        for await (const s of nc.status()) {
          if (s.type === 'disconnect') log.warn('nats disconnected')
          else if (s.type === 'reconnect') log.info('nats reconnected')
          // A publish or subscription this process's NATS user may not make (stack/nats/users.conf):
          // a plain publish fails silently otherwise.
          else if (s.type === 'error') log.error({ err: String(s.error) }, 'nats refused a request of this process')
        }
      })().catch(() => {})
      if (auth.pass) userSecrets.set(nc, auth.pass)
      return nc
    } catch (error) {
      log.warn({ err: String(error), attempt }, 'nats not reached, trying again')
      await Bun.sleep(Math.min(10_000, 1_000 * attempt))
    }
  }
}

export async function pingNats(nc: NatsConnection) {
  if (nc.isClosed()) throw new Error('closed')
  await nc.rtt()
}

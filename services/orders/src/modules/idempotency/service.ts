// Idempotency-Key for the writes that move money or stock (create, pay, refund), kept in Redis:
// `<REDIS_PREFIX>:idem:<userId>:<route>:<key>` → `{h: bodyHash, s: 'running'|'done', o: orderId, st, b}`
// with SET NX and a 24 h expiry. The first request runs; the same key with the same body waits for it
// and returns its answer; with another body → 409. A request that outlives the wait budget is answered
// 202 and goes on: its final answer is stored when it comes. A run whose work failed (its final answer an
// unexpected error, or one that says "try again": 5xx) leaves the record running with `f: 1` and its order
// id: the next request under the key takes over that same order at once (never a new one: the first may
// have charged the card already; an older replica takes it over too, after its wait). A first request
// that failed before its work began (`execute` threw) frees the key, as nothing of it exists; a takeover
// that throws keeps it failed, with its order.
import { createHash, createHmac } from 'node:crypto'
import type { Redis } from 'ioredis'
import { errorBody, LATER_CODES } from '@easypass/contracts'
import { AppError, fail, type Logger } from '@easypass/kit'
import { idempotentReplays } from '../../metrics'
import { viaRedis } from '../coordination'

export interface Answer {
  status: number
  body: unknown
}

/** What a run answers now, and (when it goes on after a 202) what it finally decides; undefined: left undecided. */
export interface Execution {
  now: Answer
  final: Promise<Answer | undefined>
}

export interface IdemRecord {
  h: string
  s: 'running' | 'done'
  /** Set on a running record whose run failed: the next request under the key runs again for the same order. */
  f?: 1
  o?: string
  t: number
  st?: number
  b?: unknown
}

export interface IdemSpec {
  userId: string
  route: string
  key: string
  bodyHash: string
  /** The same body as it was hashed under a previous SERVICE_SECRET (a rotation); computed only when the hash differs. */
  formerBodyHashes?: () => string[]
  orderId?: string
  /** When a waiting duplicate stops waiting (the request's wait budget). */
  deadline: number
}

export interface IdemHandlers {
  /** `fresh`: the first run under this key (nothing of it can be stored yet); false for a takeover. */
  execute(orderId: string | undefined, fresh: boolean): Promise<Execution>
  /** The first request is still running after the deadline: answer with the order as it stands, or take over. */
  whileRunning(record: IdemRecord): Promise<Answer | 'takeover'>
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    )
  return value
}

/**
 * A card as the idempotency record compares it: a keyed fingerprint (HMAC-SHA-256 under a key derived
 * from the service's secret) of its number, CVC and expiry, so that another card under the same key is
 * another request (409). The number and the CVC are never kept, and the fingerprint cannot be reversed
 * by trying every card number without the secret. Without a key (no card expected), its shape only.
 */
function cardShape(card: unknown, key: Buffer | undefined): unknown {
  if (!card || typeof card !== 'object') return card
  const { number, expMonth, expYear, cvc } = card as { number?: unknown; expMonth?: unknown; expYear?: unknown; cvc?: unknown }
  const digits = typeof number === 'string' ? number.replace(/\D/g, '') : null
  if (!key) return { last4: digits?.slice(-4) ?? null, expMonth, expYear }
  return { fingerprint: createHmac('sha256', key).update(JSON.stringify([digits, cvc, expMonth, expYear])).digest('base64url') }
}

function withoutCardSecrets(body: unknown, key: Buffer | undefined): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) }
  if ('card' in out) out.card = cardShape(out.card, key)
  const payment = out.payment
  if (payment && typeof payment === 'object' && 'card' in payment) out.payment = { ...payment, card: cardShape((payment as { card: unknown }).card, key) }
  return out
}

/** The key card fingerprints are made with: derived from the service's secret, used for nothing else. */
export const cardFingerprintKey = (secret: string) => createHmac('sha256', secret).update('easypass/idempotency/card-fingerprint/v1').digest()

/** What an Idempotency-Key record keeps of a request body, to tell the same request from another. */
export function hashBody(body: unknown, cardKey?: Buffer): string {
  return createHash('sha256').update(JSON.stringify(canonical(withoutCardSecrets(body ?? null, cardKey)))).digest('base64url')
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32)
}

const keep = (a: Answer) => a.status < 500

/** Sets KEYS[1] to ARGV[2] only while it still holds ARGV[1]: one request takes over a failed run. */
const SWAP = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3]) else return false end`

export function idempotency(redis: Redis, prefix: string, log: Logger, ttlSeconds = 86_400) {
  const redisKey = (s: IdemSpec) => `${prefix}:idem:${s.userId}:${s.route}:${hashKey(s.key)}`

  async function write(key: string, record: IdemRecord) {
    try {
      await redis.set(key, JSON.stringify(record), 'EX', ttlSeconds)
    } catch (error) {
      log.warn({ err: String(error) }, 'could not store an idempotent answer')
    }
  }

  /** The run's work failed: the key stays with its order, for the next request to take over at once. */
  const failed = (key: string, record: IdemRecord) => write(key, { h: record.h, s: 'running', f: 1, t: record.t, ...(record.o ? { o: record.o } : {}) })
  /** A decided answer is kept; one that says "try again" leaves the key to a retry of the same order. */
  const store = (key: string, record: IdemRecord, answer: Answer) => (keep(answer) ? write(key, { ...record, s: 'done', st: answer.status, b: answer.body }) : failed(key, record))

  async function start(key: string, record: IdemRecord, handlers: IdemHandlers, fresh: boolean): Promise<Answer> {
    let execution: Execution
    try {
      execution = await handlers.execute(record.o, fresh)
    } catch (error) {
      // Refused, or failed before its work began: nothing of this request exists yet. A "not now" (a
      // waiting room's turn not come, a rate limit) is no decision: the same request under the same key
      // goes through once it may.
      if (error instanceof AppError && error.status < 500 && !LATER_CODES.has(error.code)) await store(key, record, { status: error.status, body: errorBody(error.code, error.message, error.details) })
      // A takeover runs an order its first run began (it may have charged the card): the key stays
      // with that order for the next request, never freed for a new order and a second charge.
      else if (!fresh) await failed(key, record)
      else await redis.del(key).catch(() => {})
      throw error
    }
    const { now, final } = execution
    const stored = final.then(
      (answer) => (answer ? store(key, record, answer) : undefined),
      () => failed(key, record),
    )
    // A decided answer is stored before it is sent, so a retry right after finds it. A 202, or a 5xx
    // while the work goes on, is sent at once: the work's answer is stored when it comes.
    if (now.status < 500 && now.status !== 202) await stored
    return now
  }

  return {
    async run(spec: IdemSpec, handlers: IdemHandlers): Promise<Answer> {
      const key = redisKey(spec)
      for (let attempt = 0; attempt < 5; attempt++) {
        const record: IdemRecord = { h: spec.bodyHash, s: 'running', t: Date.now(), ...(spec.orderId ? { o: spec.orderId } : {}) }
        const won = await viaRedis(() => redis.set(key, JSON.stringify(record), 'EX', ttlSeconds, 'NX'))
        if (won === 'OK') return start(key, record, handlers, true)

        let pause = 20
        let current: IdemRecord | null = null
        for (;;) {
          const raw = await viaRedis(() => redis.get(key))
          if (!raw) break
          current = JSON.parse(raw) as IdemRecord
          if (current.h !== spec.bodyHash && !spec.formerBodyHashes?.().includes(current.h)) throw fail('CONFLICT', 'this Idempotency-Key was already used with a different request body')
          if (current.s === 'done') {
            idempotentReplays.inc({ route: spec.route.split(':')[0]! })
            return { status: current.st!, body: current.b }
          }
          if (current.f) {
            // The run under this key failed: this request runs it again, for the same order.
            const { f: _failed, ...running } = current
            const took = await viaRedis(() => redis.eval(SWAP, 1, key, raw, JSON.stringify(running), String(ttlSeconds)))
            if (took !== 'OK') continue
            log.info({ route: spec.route, orderId: current.o }, 'running again an idempotent request whose run failed')
            return start(key, running, handlers, false)
          }
          if (Date.now() >= spec.deadline) break
          await Bun.sleep(Math.min(pause, Math.max(1, spec.deadline - Date.now())))
          pause = Math.min(250, pause * 2)
        }
        if (!current || (await viaRedis(() => redis.exists(key))) === 0) continue
        const answer = await handlers.whileRunning(current)
        if (answer !== 'takeover') return answer
        log.warn({ route: spec.route, orderId: current.o }, 'taking over an idempotent request whose first runner is gone')
        return start(key, current, handlers, false)
      }
      // Not a 409 (which says "another body under this key"): the first request is still running.
      throw fail('UNAVAILABLE', 'a request under this Idempotency-Key is still running; try again', { retryAfterSeconds: 1 })
    },
  }
}
export type Idempotency = ReturnType<typeof idempotency>

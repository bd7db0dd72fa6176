// The waiting room of a hot on-sale: while an event's room is on, a buyer joins a line (one place per
// account) and is let in when their turn comes, at the rate the organiser set; only a buyer let in may
// start purchases of that event, for `passMinutes`, after which they join again at the end. Nobody
// waits when the line is short: the front moves at the set rate but never more than a second's worth
// past the last buyer who joined (a token bucket), so a quiet hour saves up no burst for the next crowd.
//
// The line lives in Redis, moved by one script on Redis's own clock (every orders replica sees the same
// line, whatever its clock says): a counter gives places, a hash keeps each buyer's place and another
// when they were let in, and the front is a number that grows with time at the rate. The settings are
// the organiser's, in MongoDB, read by each replica at most every two seconds per event.
import type { Redis } from 'ioredis'
import type { Principal } from '@easypass/contracts'
import type { WaitingRoom, WaitingRoomSettings } from '@easypass/contracts/orders'
import { fail, isAdmin } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { Models, WaitingRoomDoc } from '../../db'

/**
 * Shared by both scripts. KEYS: 1 counter, 2 places (buyer → place), 3 let-in times (buyer → ms),
 * 4 front (v: how far it came, t: when), 5 buyers by place. `advance` moves the front to Redis's time
 * `now`: it stays put until the room opens, then moves at the rate since its last move, never more
 * than a second's worth past the last place given (a short line lets buyers in at once, a quiet hour
 * saves up no burst for the next crowd). Every place it passes gets its buyer's turn, starting when
 * the front passed it (worked out from the rate), whether or not the buyer is looking: a place left
 * idle is no turn saved for later.
 */
const LINE = `
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function advance(seq, rate, opens)
  local f = redis.call('hmget', KEYS[4], 'v', 't')
  local v = tonumber(f[1] or '0')
  if now < opens then return v end
  local from = math.max(tonumber(f[2] or '0'), opens)
  local nv = math.min(seq + math.max(1, rate / 60), v + math.max(0, now - from) * rate / 60000, math.floor(v) + 20000)
  for p = math.floor(v) + 1, math.floor(nv) do
    local buyer = redis.call('hget', KEYS[5], p)
    if buyer and tonumber(redis.call('hget', KEYS[2], buyer) or '0') == p and not redis.call('hget', KEYS[3], buyer) then
      local at = from + math.max(0, p - v) * 60000 / rate
      redis.call('hset', KEYS[3], buyer, math.floor(math.min(now, math.max(at, opens))))
    end
  end
  return nv
end
local function keep()
  for i = 1, 5 do redis.call('pexpire', KEYS[i], ARGV[5]) end
end
`

/** ARGV: buyer ('' for none), rate per minute, turn ms, join (1/0), keep ms, opening ms (0: open). */
const PLACE = `${LINE}
local rate = tonumber(ARGV[2])
local opens = tonumber(ARGV[6])
local seq = tonumber(redis.call('get', KEYS[1]) or '0')
local pos = 0
local adm = 0
if ARGV[1] ~= '' then
  pos = tonumber(redis.call('hget', KEYS[2], ARGV[1]) or '0')
  adm = tonumber(redis.call('hget', KEYS[3], ARGV[1]) or '0')
  if ARGV[4] == '1' and (pos == 0 or (adm > 0 and now - adm >= tonumber(ARGV[3]))) then
    -- A new place at the end: no place yet, or the turn of the last one is over.
    redis.call('hdel', KEYS[3], ARGV[1])
    seq = redis.call('incr', KEYS[1])
    pos = seq
    redis.call('hset', KEYS[2], ARGV[1], pos)
    redis.call('hset', KEYS[5], pos, ARGV[1])
  end
end
local v = advance(seq, rate, opens)
redis.call('hset', KEYS[4], 'v', tostring(v), 't', tostring(now))
if pos > 0 then
  adm = tonumber(redis.call('hget', KEYS[3], ARGV[1]) or '0')
  -- Joined behind a front already past the end of the line (a line at rest): in at once, once the room
  -- is open (a front moved before an opening was set lets nobody in early).
  if adm == 0 and pos <= math.floor(v) and now >= opens then
    adm = now
    redis.call('hset', KEYS[3], ARGV[1], adm)
  end
end
keep()
return {pos, math.floor(v), adm, seq, now}`

/**
 * ARGV: the settings before ('1'/'0' on, rate, opening ms), unused, keep ms. Brings the front to now
 * under the settings it moved by, and starts the next stretch from now: a room switched off and on
 * again, or given another rate, lets nobody in for the time it was off (only a second's worth, as a
 * line at rest has) nor at the old rate for the time after.
 */
const SETTLE = `${LINE}
local v = tonumber(redis.call('hget', KEYS[4], 'v') or '0')
local from = now
if ARGV[1] == '1' then
  v = advance(tonumber(redis.call('get', KEYS[1]) or '0'), tonumber(ARGV[2]), tonumber(ARGV[3]))
else
  from = now - 1000
end
redis.call('hset', KEYS[4], 'v', tostring(v), 't', tostring(from))
keep()
return math.floor(v)`

/** A line is forgotten this long after it was last used (joined, read or changed). */
const KEEP_MS = 2 * 86_400_000
/** How long a replica trusts what it read of an event's settings. */
const SETTINGS_FOR_MS = 2_000

interface Place {
  position: number
  front: number
  admittedAt: number
  joined: number
  now: number
}

export function waitingRooms({ models, redis, prefix, catalog }: { models: Pick<Models, 'WaitingRoom'>; redis: Redis; prefix: string; catalog: CatalogClient }) {
  const { WaitingRoom: Rooms } = models
  // Sent by their digest once loaded (EVALSHA), not as a whole script with every call.
  const scripts = redis as Redis & {
    waitingRoomPlace(...args: string[]): Promise<number[]>
    waitingRoomSettle(...args: string[]): Promise<number>
  }
  if (!('waitingRoomPlace' in redis)) {
    redis.defineCommand('waitingRoomPlace', { numberOfKeys: 5, lua: PLACE })
    redis.defineCommand('waitingRoomSettle', { numberOfKeys: 5, lua: SETTLE })
  }
  const cache = new Map<string, { doc: WaitingRoomDoc | null; at: number }>()
  const inFlight = new Map<string, Promise<WaitingRoomDoc | null>>()
  const keys = (eventId: string) => ['seq', 'pos', 'adm', 'front', 'buyers'].map((k) => `${prefix}:orders:wr:${eventId}:${k}`)

  /** The settings, read at most every 2 s per event (one read in flight at a time); the last ones read while MongoDB does not answer. */
  function settings(eventId: string): Promise<WaitingRoomDoc | null> {
    const hit = cache.get(eventId)
    if (hit && Date.now() - hit.at < SETTINGS_FOR_MS) return Promise.resolve(hit.doc)
    let reading = inFlight.get(eventId)
    if (!reading) {
      reading = Rooms.findById(eventId)
        .lean<WaitingRoomDoc>()
        .then(
          (doc) => {
            cache.set(eventId, { doc, at: Date.now() })
            if (cache.size > 10_000) cache.delete(cache.keys().next().value!)
            return doc
          },
          (error) => {
            if (hit) return hit.doc
            throw fail('UNAVAILABLE', 'the waiting room cannot be read just now; try again in a moment', { retryAfterSeconds: 2, cause: String(error) })
          },
        )
        .finally(() => inFlight.delete(eventId))
      inFlight.set(eventId, reading)
    }
    return reading
  }

  async function place(eventId: string, room: WaitingRoomDoc, userId: string, join: boolean): Promise<Place> {
    let answer: number[]
    try {
      answer = await scripts.waitingRoomPlace(...keys(eventId), userId, String(room.admitPerMinute), String(room.passMinutes * 60_000), join ? '1' : '0', String(KEEP_MS), String(room.opensAt?.getTime() ?? 0))
    } catch {
      throw fail('UNAVAILABLE', 'the waiting room cannot be reached just now; try again in a moment', { retryAfterSeconds: 2 })
    }
    const [position = 0, front = 0, admittedAt = 0, joined = 0, now = Date.now()] = answer.map(Number)
    return { position, front, admittedAt, joined, now }
  }

  function view(eventId: string, room: WaitingRoomDoc | null, p: Place | null, withYou: boolean): WaitingRoom {
    if (!room) return { eventId, enabled: false, waiting: 0 }
    const waiting = p ? Math.max(0, p.joined - p.front) : 0
    const out: WaitingRoom = { eventId, enabled: room.enabled, admitPerMinute: room.admitPerMinute, passMinutes: room.passMinutes, ...(room.opensAt ? { opensAt: room.opensAt.toISOString() } : {}), waiting }
    if (withYou && p && p.position > 0) {
      const passEnds = p.admittedAt ? p.admittedAt + room.passMinutes * 60_000 : 0
      const admitted = !!p.admittedAt && passEnds > p.now
      out.you = {
        position: p.position,
        aheadOfYou: Math.max(0, p.position - p.front - 1),
        admitted,
        ...(p.admittedAt ? { passEndsAt: new Date(passEnds).toISOString() } : {}),
        ...(!p.admittedAt ? { estimatedWaitSeconds: Math.max(0, Math.ceil((Math.max(0, (room.opensAt?.getTime() ?? 0) - p.now)) / 1000)) + Math.ceil(((p.position - p.front) / room.admitPerMinute) * 60) } : {}),
      }
    }
    return out
  }

  async function eventMustExist(eventId: string) {
    const event = await catalog.event(eventId, true).catch(() => {
      throw fail('UNAVAILABLE', 'the catalog cannot be reached just now; try again in a moment', { retryAfterSeconds: 2 })
    })
    if (!event) throw fail('NOT_FOUND', 'event not found')
  }

  return {
    /** The room of an event, and the buyer's place when they have one. */
    async status(eventId: string, principal: Principal | undefined): Promise<WaitingRoom> {
      const room = await settings(eventId)
      if (!room) await eventMustExist(eventId)
      if (!room?.enabled) return view(eventId, room, null, false)
      return view(eventId, room, await place(eventId, room, principal?.id ?? '', false), !!principal)
    },

    /** The buyer joins the line (their place if they have one, a new one at the end when their turn ran out). */
    async join(eventId: string, principal: Principal): Promise<WaitingRoom> {
      const room = await settings(eventId)
      if (!room) await eventMustExist(eventId)
      if (!room?.enabled) throw fail('CONFLICT', 'this event has no waiting room: buy tickets as usual')
      return view(eventId, room, await place(eventId, room, principal.id, true), true)
    },

    /**
     * The organiser's settings. The front is first brought to now under the settings it moved by, so
     * new settings (a room switched on again, another rate, a later opening) count from now.
     */
    async configure(eventId: string, body: WaitingRoomSettings, by: string): Promise<WaitingRoom> {
      await eventMustExist(eventId)
      const before = await Rooms.findById(eventId).lean<WaitingRoomDoc>()
      try {
        await scripts.waitingRoomSettle(...keys(eventId), before?.enabled ? '1' : '0', String(before?.admitPerMinute ?? 1), String(before?.opensAt?.getTime() ?? 0), '', String(KEEP_MS))
      } catch {
        throw fail('UNAVAILABLE', 'the waiting room cannot be reached just now; try again in a moment', { retryAfterSeconds: 2 })
      }
      const doc: WaitingRoomDoc = { _id: eventId, enabled: body.enabled, admitPerMinute: body.admitPerMinute, passMinutes: body.passMinutes, ...(body.opensAt ? { opensAt: new Date(body.opensAt) } : {}), by, at: new Date() }
      await Rooms.replaceOne({ _id: eventId }, doc, { upsert: true })
      cache.set(eventId, { doc, at: Date.now() })
      return view(eventId, doc, doc.enabled ? await place(eventId, doc, '', false) : null, false)
    },

    /**
     * Before a purchase starts: refused (409 NOT_YOUR_TURN, with the place and a wait) unless the
     * event has no room on, the buyer was let in and their turn has not run out, or they are an admin.
     */
    async mayBuy(eventId: string, principal: Principal): Promise<void> {
      const room = await settings(eventId)
      if (!room?.enabled || isAdmin(principal)) return
      const p = await place(eventId, room, principal.id, false)
      const join = `join the line first: POST /api/events/${eventId}/waiting-room`
      if (!p.position) throw fail('NOT_YOUR_TURN', `tickets for this event are sold through a waiting room: ${join}`, { waitingRoom: true })
      const you = view(eventId, room, p, true).you!
      if (!you.admitted && p.admittedAt) throw fail('NOT_YOUR_TURN', `your turn to buy ended at ${you.passEndsAt}: join the line again`, { waitingRoom: true, turnEnded: true })
      if (!you.admitted)
        throw fail('NOT_YOUR_TURN', `it is not your turn yet: you are number ${you.position} in the line, ${you.aheadOfYou} ahead of you`, {
          waitingRoom: true,
          position: you.position,
          aheadOfYou: you.aheadOfYou,
          retryAfterSeconds: Math.max(1, you.estimatedWaitSeconds ?? 1),
        })
    },
  }
}
export type WaitingRooms = ReturnType<typeof waitingRooms>

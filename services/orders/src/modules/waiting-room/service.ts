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

/** KEYS: counter, places, let-in times, front. ARGV: buyer, rate per minute, pass ms, join (1/0), keep ms, opening ms (0: open). */
const PLACE = `
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[2])
local seq = tonumber(redis.call('get', KEYS[1]) or '0')
local pos = 0
local adm = 0
if ARGV[1] ~= '' then
  pos = tonumber(redis.call('hget', KEYS[2], ARGV[1]) or '0')
  adm = tonumber(redis.call('hget', KEYS[3], ARGV[1]) or '0')
  if ARGV[4] == '1' and pos > 0 and adm > 0 and now - adm >= tonumber(ARGV[3]) then
    redis.call('hdel', KEYS[3], ARGV[1])
    pos = 0
    adm = 0
  end
  if ARGV[4] == '1' and pos == 0 then
    seq = redis.call('incr', KEYS[1])
    pos = seq
    redis.call('hset', KEYS[2], ARGV[1], pos)
  end
end
-- The front stays put until the room opens, then moves at the rate since its last move, never more
-- than a second's worth past the last place given: a short line lets buyers in at once, a quiet hour
-- saves up no burst for the next crowd.
local f = redis.call('hmget', KEYS[4], 'v', 't')
local v = tonumber(f[1] or '0')
local opens = tonumber(ARGV[6])
if now < opens then
  v = 0
else
  local from = math.max(tonumber(f[2] or '0'), opens)
  v = math.min(seq + math.max(1, rate / 60), v + math.max(0, now - from) * rate / 60000)
end
redis.call('hset', KEYS[4], 'v', tostring(v), 't', tostring(now))
if pos > 0 and adm == 0 and pos <= math.floor(v) then
  adm = now
  redis.call('hset', KEYS[3], ARGV[1], adm)
end
if ARGV[4] == '1' then
  for i = 1, 4 do redis.call('pexpire', KEYS[i], ARGV[5]) end
end
return {pos, math.floor(v), adm, seq, now}`

/** A line is forgotten this long after its last join. */
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
  const cache = new Map<string, { doc: WaitingRoomDoc | null; at: number }>()
  const keys = (eventId: string) => ['seq', 'pos', 'adm', 'front'].map((k) => `${prefix}:orders:wr:${eventId}:${k}`)

  async function settings(eventId: string): Promise<WaitingRoomDoc | null> {
    const hit = cache.get(eventId)
    if (hit && Date.now() - hit.at < SETTINGS_FOR_MS) return hit.doc
    const doc = await Rooms.findById(eventId).lean<WaitingRoomDoc>()
    cache.set(eventId, { doc, at: Date.now() })
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!)
    return doc
  }

  async function place(eventId: string, room: WaitingRoomDoc, userId: string, join: boolean): Promise<Place> {
    let answer: number[]
    try {
      answer = (await redis.eval(PLACE, 4, ...keys(eventId), userId, String(room.admitPerMinute), String(room.passMinutes * 60_000), join ? '1' : '0', String(KEEP_MS), String(room.opensAt?.getTime() ?? 0))) as number[]
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
      if (!room?.enabled) return view(eventId, room, null, false)
      return view(eventId, room, await place(eventId, room, principal?.id ?? '', false), !!principal)
    },

    /** The buyer joins the line (their place if they have one, a new one at the end when their turn ran out). */
    async join(eventId: string, principal: Principal): Promise<WaitingRoom> {
      const room = await settings(eventId)
      if (!room?.enabled) throw fail('CONFLICT', 'this event has no waiting room: buy tickets as usual')
      return view(eventId, room, await place(eventId, room, principal.id, true), true)
    },

    /** The organiser's settings. */
    async configure(eventId: string, body: WaitingRoomSettings, by: string): Promise<WaitingRoom> {
      await eventMustExist(eventId)
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

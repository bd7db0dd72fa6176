// The waiting room of a hot on-sale on the event page: a buyer joins the line, sees their number and
// about how long until their turn, and buys once let in. The page asks for its place every few seconds
// while it waits and is in view (the line moves at a set rate, so a poll is as good as a stream, and
// cheaper); a turn starts when the line reaches the buyer's place, looking or not.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../lib/api'
import { serverNow } from '../lib/clock'
import { when } from '../lib/format'
import { useAsync, type Async } from '../lib/hooks'
import type { Session } from '../lib/session'
import type { WaitingRoom } from '../lib/types'
import { Alert, Notice } from '../components/ui'
import { waitingRoomText } from '../i18n/waiting-room'
import { locale, t, useT } from '../lib/i18n'

const HIDDEN_POLL_MS = 15_000

/** The room of the event (and the buyer's place), asked again every 3 s while they wait (15 s in a tab in the background), every 30 s otherwise, and when the tab comes back into view. */
export function useWaitingRoom(eventId: string, userId: string | undefined): Async<WaitingRoom> {
  const room = useAsync((signal) => api<WaitingRoom>(`/events/${eventId}/waiting-room`, { signal }), [eventId, userId])
  const waiting = !!room.data?.you && !room.data.you.admitted
  const enabled = !!room.data?.enabled
  useEffect(() => {
    if (!enabled) return
    // A buyer in the line whose tab is in the background is still asked for every 15 s: their turn
    // starts and runs out looking or not, and the tab's title tells them when it comes.
    let last = Date.now()
    const ask = () => {
      if (document.hidden && (!waiting || Date.now() - last < HIDDEN_POLL_MS)) return
      last = Date.now()
      room.reload()
    }
    const id = setInterval(ask, waiting ? 3_000 : 30_000)
    document.addEventListener('visibilitychange', ask)
    return () => {
      clearInterval(id)
      document.removeEventListener('visibilitychange', ask)
    }
  }, [enabled, waiting, room.reload])
  return room
}

/** Whether the buyer must wait in the line before buying (admins never do). */
export const mustWait = (room: WaitingRoom | undefined, session: Session | null) => !!room?.enabled && session?.user.role !== 'admin' && !room.you?.admitted

/** What a screen reader is told, once per change of the buyer's state in the line (not at every step of it). */
export function lineAnnouncement(room: WaitingRoom | undefined): string {
  const you = room?.enabled ? room.you : undefined
  if (!you) return ''
  const m = t(waitingRoomText)
  if (you.admitted) return m.yourTurn(when(you.passEndsAt!))
  if (you.passEndsAt) return m.turnEnded
  return m.inLine(you.position.toLocaleString(locale()))
}

/** In place of the Buy button while the buyer is not let in: join, or their place in the line. */
export function WaitingRoomPanel({ room, session, onSignIn }: { room: Async<WaitingRoom>; session: Session | null; onSignIn: () => void }) {
  const m = useT(waitingRoomText)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const place = useRef<HTMLParagraphElement>(null)
  const joined = useRef(false)
  const data = room.data!
  const you = data.you
  // The Join button goes away once joined: the focus goes to the place it gave.
  useEffect(() => {
    if (!joined.current || !you) return
    joined.current = false
    place.current?.focus()
  }, [you?.position])
  const join = async () => {
    if (busy) return
    setBusy(true)
    setError(undefined)
    try {
      const answer = await api<WaitingRoom>(`/events/${data.eventId}/waiting-room`, { method: 'POST' })
      joined.current = true
      room.setData(answer)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const opening = data.opensAt && Date.parse(data.opensAt) > serverNow() ? data.opensAt : undefined
  const ended = !!you?.passEndsAt && !you.admitted
  return (
    <div class="waiting-room" data-testid="waiting-room">
      {!you ? (
        <Notice>
          <p>
            <strong>{m.roomTitle}</strong> {m.roomIntro(opening ? when(opening) : undefined)} {data.waiting > 0 ? m.waiting(data.waiting) : m.nobodyWaiting}
          </p>
        </Notice>
      ) : (
        <Notice>
          <p class="waiting-place" ref={place} tabIndex={-1}>
            {m.place(you.position.toLocaleString(locale()), you.aheadOfYou)}
          </p>
          {ended ? (
            <p>{m.turnEnded}</p>
          ) : (
            <p>
              {opening ? m.startsMoving(when(opening)) : ''}
              {you.estimatedWaitSeconds !== undefined ? (you.estimatedWaitSeconds >= 60 ? m.aboutMinutes(Math.ceil(you.estimatedWaitSeconds / 60)) : m.aboutSeconds(Math.max(1, you.estimatedWaitSeconds))) : ''}
              {m.keepOpen}
            </p>
          )}
        </Notice>
      )}
      <Alert error={error} />
      {(!you || ended) &&
        (session ? (
          <button type="button" class="button button-block" onClick={join} aria-disabled={busy ? true : undefined}>
            {busy ? m.joining : ended ? m.joinAgain : m.join}
          </button>
        ) : (
          <button type="button" class="button button-block" onClick={onSignIn}>
            {m.signInToJoin}
          </button>
        ))}
    </div>
  )
}

/** Above the Buy button once let in: until when the buyer may start a purchase. */
export function TurnNotice({ room }: { room: WaitingRoom | undefined }) {
  const m = useT(waitingRoomText)
  if (!room?.enabled || !room.you?.admitted || !room.you.passEndsAt) return null
  return (
    <Notice tone="success">
      <p>{m.yourTurn(when(room.you.passEndsAt))}</p>
    </Notice>
  )
}

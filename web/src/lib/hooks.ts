import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { onClockChange, serverNow } from './clock'

export interface Async<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
  setData: (update: T | ((prev: T | undefined) => T)) => void
}

/** Loads `load()` whenever `deps` change; stale answers (from earlier deps) are dropped. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const controller = new AbortController()
    setState((s) => ({ data: s.data, loading: true }))
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error) => !controller.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    )
    return () => controller.abort()
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  const setData = useCallback(
    (update: T | ((prev: T | undefined) => T)) =>
      setState((s) => ({ ...s, data: typeof update === 'function' ? (update as (p: T | undefined) => T)(s.data) : update })),
    [],
  )
  return { data: state.data, error: state.error, loading: state.loading, reload, setData }
}

/** Sets the document title: "<page> · EasyPass". */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · EasyPass` : 'EasyPass'
  }, [title])
}

/**
 * The server's current time (see `serverNow`), updated every `everyMs` while mounted and at each of
 * `moments` (ms) as it comes, so that a sale opens on the page when it opens, not at the next tick.
 */
export function useNow(everyMs = 1000, moments: number[] = []) {
  const [now, setNow] = useState(serverNow)
  useEffect(() => {
    const id = setInterval(() => setNow(serverNow()), everyMs)
    const unsubscribe = onClockChange(() => setNow(serverNow()))
    return () => {
      clearInterval(id)
      unsubscribe()
    }
  }, [everyMs])
  const next = moments.reduce((soonest, m) => (m > now && m < soonest ? m : soonest), Number.POSITIVE_INFINITY)
  useEffect(() => {
    if (!Number.isFinite(next)) return
    let id: ReturnType<typeof setTimeout> | undefined
    // The estimate of the server's clock may move a little meanwhile: not there yet, wait the rest.
    const arm = () => {
      const wait = next - serverNow() + 25
      if (wait <= 0) return setNow(serverNow())
      // A timer fires at once past 2^31 - 1 ms; a moment that far off is met by a later tick.
      if (wait <= 2 ** 31 - 1) id = setTimeout(arm, wait)
    }
    arm()
    return () => clearTimeout(id)
  }, [next])
  return now
}

/** True after the component unmounted: guards state updates from late answers. */
export function useUnmounted() {
  const gone = useRef(false)
  useEffect(() => () => void (gone.current = true), [])
  return gone
}

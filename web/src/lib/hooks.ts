import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

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

/** The current time, updated every `everyMs` while mounted. */
export function useNow(everyMs = 1000) {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(id)
  }, [everyMs])
  return now
}

/** True after the component unmounted: guards state updates from late answers. */
export function useUnmounted() {
  const gone = useRef(false)
  useEffect(() => () => void (gone.current = true), [])
  return gone
}

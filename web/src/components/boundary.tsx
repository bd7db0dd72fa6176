import { Component, type ComponentChildren, type ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { shellText } from '../i18n/shell'
import { t } from '../lib/i18n'
import { Alert, Loading } from './ui'

/** Catches a page that failed while rendering and shows the failure in words instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ComponentChildren; resetKey: string }, { error: unknown }> {
  state = { error: undefined as unknown }

  static getDerivedStateFromError(error: unknown) {
    return { error }
  }

  componentDidCatch(error: unknown) {
    console.error('page failed', error)
  }

  componentDidUpdate(prev: { resetKey: string }) {
    // Navigating elsewhere gives the next page a fresh start.
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined })
  }

  render() {
    if (!this.state.error) return this.props.children
    // A class component: the words of the language in use when it fails (the App above re-renders on a change).
    const m = t(shellText)
    return (
      <section class="page" aria-labelledby="crash-title">
        <h1 id="crash-title">{m.crashTitle}</h1>
        <Alert error={m.crash((this.state.error as Error)?.message ?? String(this.state.error))} />
        <p>
          <button type="button" class="button" onClick={() => location.reload()}>
            {m.reload}
          </button>{' '}
          <a class="button button-secondary" href="/">
            {m.goHome}
          </a>
        </p>
      </section>
    )
  }
}

/** A component loaded on first use (its code is a separate chunk). */
export function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined
  let pending: Promise<ComponentType<P>> | undefined
  return function Lazy(props: P) {
    const [, setReady] = useState(0)
    const [error, setError] = useState<unknown>()
    useEffect(() => {
      if (loaded) return
      pending ??= load().then((m) => (loaded = m.default))
      pending.then(
        () => setReady(1),
        (e) => {
          pending = undefined
          setError(new Error(t(shellText).chunkFailed(String((e as Error)?.message ?? e))))
        },
      )
    }, [])
    if (loaded) {
      const C = loaded
      return <C {...props} />
    }
    return error ? <Alert error={error} onRetry={() => location.reload()} /> : <Loading />
  }
}

// App-wide overlays: the confirmation dialog (a real modal <dialog>, focus trapped by the browser) and
// toasts announced through live regions (errors at once, the rest politely).
import { useEffect, useRef, useState } from 'preact/hooks'
import { shellText } from '../i18n/shell'
import { t, useT } from '../lib/i18n'

interface ConfirmRequest {
  title: string
  message: string
  confirmLabel: string
  cancelLabel: string
  danger: boolean
  resolve: (ok: boolean) => void
}

let showConfirm: ((r: ConfirmRequest) => void) | undefined

/** Asks the user to confirm; resolves true only when they chose the confirm button. */
export function confirmDialog(opts: { title: string; message: string; confirmLabel?: string; cancelLabel?: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    const ask = (again: boolean) => {
      if (showConfirm) return showConfirm({ confirmLabel: t(shellText).confirm, cancelLabel: t(shellText).cancel, danger: false, ...opts, resolve })
      // Asked while the app is first drawn (a page's own first effect runs before the host's): once more
      // when that is done, and only then the browser's own box.
      if (again) return setTimeout(() => ask(false), 0)
      resolve(window.confirm(`${opts.title}\n\n${opts.message}`))
    }
    ask(true)
  })
}

export function DialogHost() {
  const [request, setRequest] = useState<ConfirmRequest | null>(null)
  const ref = useRef<HTMLDialogElement>(null)
  const returnFocus = useRef<Element | null>(null)
  useEffect(() => {
    showConfirm = (r) => {
      returnFocus.current = document.activeElement
      // A question asked while another is open replaces it: the first is answered "no", never left waiting
      // (its button would stay busy for good).
      setRequest((open) => {
        if (open) open.resolve(false)
        return r
      })
    }
    return () => void (showConfirm = undefined)
  }, [])
  useEffect(() => {
    const dialog = ref.current
    if (request && dialog && !dialog.open) dialog.showModal()
  }, [request])
  const close = (ok: boolean) => {
    request?.resolve(ok)
    setRequest(null)
    ref.current?.close()
    ;(returnFocus.current as HTMLElement | null)?.focus?.()
  }
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" aria-describedby="dialog-message" onCancel={(e) => (e.preventDefault(), close(false))}>
      {request && (
        <form method="dialog" onSubmit={(e) => (e.preventDefault(), close(true))}>
          <h2 id="dialog-title">{request.title}</h2>
          <p id="dialog-message">{request.message}</p>
          <div class="dialog-actions">
            <button type="button" class="button button-secondary" onClick={() => close(false)} autoFocus>
              {request.cancelLabel}
            </button>
            <button type="submit" class={`button${request.danger ? ' button-danger' : ''}`}>
              {request.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  )
}

interface Toast {
  id: number
  text: string
  tone: 'info' | 'success' | 'error'
}

let pushToast: ((t: Omit<Toast, 'id'>) => void) | undefined
let nextToast = 1

export function toast(text: string, tone: Toast['tone'] = 'info') {
  pushToast?.({ text, tone })
}

/** How long a toast stays; the time stands still while the pointer or the keyboard is on it. */
const TOAST_MS = 8000

export function ToastHost() {
  const [toasts, setToasts] = useState<Toast[]>([])
  const dismiss = (id: number) => setToasts((all) => all.filter((x) => x.id !== id))
  useEffect(() => {
    pushToast = (t) => setToasts((all) => [...all.slice(-3), { ...t, id: nextToast++ }])
    return () => void (pushToast = undefined)
  }, [])
  const show = (tone: (t: Toast) => boolean) => toasts.filter(tone).map((t) => <ToastItem key={t.id} toast={t} onDismiss={() => dismiss(t.id)} />)
  return (
    <div class="toasts">
      {/* Errors interrupt (a session that ended); the rest waits for a pause in what is being read. An
          assertive live region, not role=alert: an empty alert would stand beside the page's own. */}
      <div aria-live="assertive">{show((t) => t.tone === 'error')}</div>
      <div role="status" aria-live="polite">
        {show((t) => t.tone !== 'error')}
      </div>
    </div>
  )
}

function ToastItem({ toast: t, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  const [paused, setPaused] = useState(false)
  const words = useT(shellText)
  const left = useRef(TOAST_MS)
  useEffect(() => {
    if (paused) return
    const started = Date.now()
    const id = setTimeout(onDismiss, left.current)
    return () => {
      clearTimeout(id)
      left.current = Math.max(1500, left.current - (Date.now() - started))
    }
  }, [paused])
  return (
    <div class={`toast toast-${t.tone}`} onMouseEnter={() => setPaused(true)} onMouseLeave={() => setPaused(false)} onFocusIn={() => setPaused(true)} onFocusOut={() => setPaused(false)}>
      <span>{t.text}</span>
      <button type="button" class="toast-close" aria-label={words.dismiss} onClick={onDismiss}>
        ×
      </button>
    </div>
  )
}

// App-wide overlays: the confirmation dialog (a real modal <dialog>, focus trapped by the browser) and
// toasts announced through a polite live region.
import { useEffect, useRef, useState } from 'preact/hooks'

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
    if (!showConfirm) return resolve(window.confirm(`${opts.title}\n\n${opts.message}`))
    showConfirm({ confirmLabel: 'Confirm', cancelLabel: 'Cancel', danger: false, ...opts, resolve })
  })
}

export function DialogHost() {
  const [request, setRequest] = useState<ConfirmRequest | null>(null)
  const ref = useRef<HTMLDialogElement>(null)
  const returnFocus = useRef<Element | null>(null)
  useEffect(() => {
    showConfirm = (r) => {
      returnFocus.current = document.activeElement
      setRequest(r)
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

export function ToastHost() {
  const [toasts, setToasts] = useState<Toast[]>([])
  useEffect(() => {
    pushToast = (t) => {
      const id = nextToast++
      setToasts((all) => [...all.slice(-3), { ...t, id }])
      setTimeout(() => setToasts((all) => all.filter((x) => x.id !== id)), 8000)
    }
    return () => void (pushToast = undefined)
  }, [])
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div class={`toast toast-${t.tone}`} key={t.id}>
          <span>{t.text}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => setToasts((all) => all.filter((x) => x.id !== t.id))}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}

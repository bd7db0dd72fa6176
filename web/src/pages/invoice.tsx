// An order's paper: its receipt (the invoice, once an issuer is configured), the credit notes of its
// refunds, and who its invoice is made out to, which the buyer may give or change until the invoice
// is issued.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { useOrderChanges } from '../lib/changes'
import { useDownload } from '../lib/download'
import { money } from '../lib/format'
import { useAsync } from '../lib/hooks'
import type { BillingDetails, InvoiceDocument, Order, OrderBilling } from '../lib/types'
import { BillingFields, checkBilling, emptyBilling, saveBilling, type BillingErrors } from '../components/billing'
import { toast } from '../components/overlay'
import { Alert, useFocusFirstInvalid } from '../components/ui'
import { invoiceText } from '../i18n/invoice'
import { useT } from '../lib/i18n'

function CreditNoteFile({ order, note }: { order: Order; note: InvoiceDocument }) {
  const m = useT(invoiceText)
  const { save, busy, error } = useDownload(`/orders/${order.id}/credit-notes/${encodeURIComponent(note.number)}`, `easypass-credit-note-${note.number}.pdf`)
  return (
    <li data-credit-note={note.number}>
      {m.creditNote(note.number, money(note.totalCents, note.currency), note.tickets)}{' '}
      <button type="button" class="link-button" onClick={save} disabled={busy} aria-label={m.downloadCreditNote(note.number)}>
        {busy ? m.preparing : m.download}
      </button>
      <Alert error={error} />
    </li>
  )
}

function BillingForm({ order, current, onSaved, onCancel, onStale }: { order: Order; current: BillingDetails | null; onSaved: (b: OrderBilling) => void; onCancel: () => void; onStale: () => void }) {
  const m = useT(invoiceText)
  const [value, setValue] = useState<BillingDetails>(current ? { ...emptyBilling(), ...current } : emptyBilling())
  const [errors, setErrors] = useState<BillingErrors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  // Opened: the first field takes the focus the button that opened it had.
  useEffect(() => form.current?.querySelector<HTMLElement>('input')?.focus(), [])
  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const local = checkBilling(value)
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const saved = await saveBilling(order.id, value)
      if ('errors' in saved) setErrors(saved.errors)
      else onSaved(saved.saved)
    } catch (err) {
      setError(err)
      // Issued meanwhile (the confirmation email, another tab): the page shows what it says now.
      if (err instanceof ApiError && err.status === 409) onStale()
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="form billing-form" ref={form} onSubmit={submit} noValidate>
      <BillingFields value={value} onValue={setValue} errors={errors} />
      <Alert error={error} />
      <p class="actions">
        <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
          {busy ? m.saving : m.save}
        </button>{' '}
        <button type="button" class="button button-secondary" onClick={onCancel}>
          {m.cancel}
        </button>
      </p>
    </form>
  )
}

/** The receipt or invoice, the credit notes, and the invoice details of a paid (or refunded) order. */
export function InvoiceFiles({ order }: { order: Order }) {
  const m = useT(invoiceText)
  const billing = useAsync((signal) => api<OrderBilling>(`/orders/${order.id}/billing`, { signal }), [order.id])
  const documents = useAsync((signal) => api<InvoiceDocument[]>(`/orders/${order.id}/documents`, { signal }), [order.id])
  const receipt = useDownload(`/orders/${order.id}/receipt`, `easypass-receipt-${order.id}.pdf`)
  const [editing, setEditing] = useState(false)
  // Closing the form gives the focus back to the button that opens it.
  const opener = useRef<HTMLButtonElement>(null)
  const closed = useRef(false)
  useEffect(() => {
    if (editing || !closed.current) return
    closed.current = false
    opener.current?.focus()
  }, [editing])
  const close = () => {
    closed.current = true
    setEditing(false)
  }
  const reloadAll = useCallback(() => {
    billing.reload()
    documents.reload()
  }, [billing.reload, documents.reload])
  useOrderChanges(order.id, reloadAll)
  const invoice = documents.data?.find((d) => d.kind === 'invoice')
  const notes = documents.data?.filter((d) => d.kind === 'credit-note') ?? []
  const details = billing.data?.billing
  // The first download issues the invoice: its number and details are fixed from then on.
  const saveReceipt = async () => {
    await receipt.save()
    reloadAll()
  }
  return (
    <section class="ticket-files invoice-files" aria-label={m.filesLabel}>
      <p>
        <button type="button" class="link-button" onClick={saveReceipt} disabled={receipt.busy}>
          {receipt.busy ? m.preparingReceipt : invoice ? m.downloadInvoice(invoice.number) : m.downloadReceipt}
        </button>
      </p>
      <Alert error={receipt.error} />
      {notes.length > 0 && (
        <ul class="credit-notes" aria-label={m.creditNotes}>
          {notes.map((n) => (
            <CreditNoteFile key={n.number} order={order} note={n} />
          ))}
        </ul>
      )}
      {details && !editing && (
        <p class="billing-summary">
          {m.madeOutTo([details.name, details.company].filter(Boolean).join(', '), details.address.split('\n').join(', '), details.taxId)}
        </p>
      )}
      {/* An invoice issued fixes its details: the two reloads after the first download may come back in either order. */}
      {billing.data?.invoices && billing.data.editable && !invoice && order.status === 'paid' && !editing && (
        <p>
          <button type="button" class="link-button" ref={opener} onClick={() => setEditing(true)}>
            {details ? m.changeDetails : m.addDetails}
          </button>
        </p>
      )}
      {editing && (
        <BillingForm
          order={order}
          current={details ?? null}
          onCancel={close}
          onStale={reloadAll}
          onSaved={(saved) => {
            billing.setData(saved)
            close()
            toast(m.saved)
          }}
        />
      )}
      {billing.error || documents.error ? <Alert tone="warning" error={billing.error ?? documents.error} onRetry={reloadAll} /> : null}
    </section>
  )
}

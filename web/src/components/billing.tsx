// Who an order's invoice is made out to: the fields (a name, an optional company, a postal address
// and an optional tax number), checked here as the server checks them, and saved with
// PUT /api/orders/:id/billing. Used at checkout (before paying) and on the order's page (until the
// invoice is issued).
import { BILLING_LIMITS } from '@easypass/contracts/orders'
import { api, ApiError } from '../lib/api'
import type { BillingDetails, OrderBilling } from '../lib/types'
import { Field, TextAreaField } from './ui'
import { billingText } from '../i18n/billing'
import { t, useT } from '../lib/i18n'

export type BillingErrors = Partial<Record<keyof BillingDetails, string>>

export const emptyBilling = (): BillingDetails => ({ name: '', company: '', address: '', taxId: '' })

/** What the server would refuse, said before asking it. */
export function checkBilling(b: BillingDetails): BillingErrors {
  const errors: BillingErrors = {}
  const m = t(billingText)
  if (!b.name.trim()) errors.name = m.errName
  else if (b.name.trim().length > BILLING_LIMITS.name) errors.name = m.tooLong(BILLING_LIMITS.name)
  if ((b.company ?? '').trim().length > BILLING_LIMITS.company) errors.company = m.tooLong(BILLING_LIMITS.company)
  if (!b.address.trim()) errors.address = m.errAddress
  else if (b.address.trim().length > BILLING_LIMITS.address) errors.address = m.tooLong(BILLING_LIMITS.address)
  if ((b.taxId ?? '').trim().length > BILLING_LIMITS.taxId) errors.taxId = m.tooLong(BILLING_LIMITS.taxId)
  return errors
}

/** Saves the details; a refusal of some fields comes back as their errors (thrown otherwise). */
export async function saveBilling(orderId: string, b: BillingDetails): Promise<{ saved: OrderBilling } | { errors: BillingErrors }> {
  const body: BillingDetails = {
    name: b.name.trim(),
    address: b.address.trim(),
    ...(b.company?.trim() ? { company: b.company.trim() } : {}),
    ...(b.taxId?.trim() ? { taxId: b.taxId.trim() } : {}),
  }
  try {
    return { saved: await api<OrderBilling>(`/orders/${orderId}/billing`, { method: 'PUT', body }) }
  } catch (err) {
    if (err instanceof ApiError && err.code === 'VALIDATION' && Object.keys(err.fields).length) {
      const f = err.fields
      return { errors: { name: f.name, company: f.company, address: f.address, taxId: f.taxId } }
    }
    throw err
  }
}

export function BillingFields({ value, onValue, errors }: { value: BillingDetails; onValue: (b: BillingDetails) => void; errors: BillingErrors }) {
  const m = useT(billingText)
  const set = (key: keyof BillingDetails) => (v: string) => onValue({ ...value, [key]: v })
  return (
    <fieldset class="billing-fields">
      <legend>{m.legend}</legend>
      <Field label={m.name} name="billing-name" autoComplete="name" value={value.name} onValue={set('name')} error={errors.name} maxLength={BILLING_LIMITS.name} />
      <Field label={m.company} name="billing-company" autoComplete="organization" value={value.company ?? ''} onValue={set('company')} error={errors.company} maxLength={BILLING_LIMITS.company} />
      <TextAreaField label={m.address} name="billing-address" autoComplete="street-address" rows={3} value={value.address} onValue={set('address')} error={errors.address} maxLength={BILLING_LIMITS.address} />
      <Field label={m.taxId} name="billing-taxId" value={value.taxId ?? ''} onValue={set('taxId')} error={errors.taxId} maxLength={BILLING_LIMITS.taxId} />
    </fieldset>
  )
}

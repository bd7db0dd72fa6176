// The default provider: a sandbox that behaves like a real card gateway, with its own records
// (`sandbox_charges`, `sandbox_refunds`), references (`ch_…`, `re_…`), idempotency keys and latency.
import { createHash, randomBytes } from 'node:crypto'
import { cardProblem, type DeclineCode } from '@easypass/contracts/payments'
import { isDuplicateOnly, writerOf } from '@easypass/kit'
import type { Models } from '../db'
import { ProviderError, type ChargeParams, type PaymentProvider, type ProviderCharge, type ProviderRefund } from './types'
import { cardBrand } from './cards'

/** Test cards, as on real gateways' sandboxes; any other Luhn-valid number is approved. */
export const SANDBOX_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  /** The charge is approved and recorded by the provider, but its answer never arrives (a timeout). */
  lostAnswer: '4000000000000119',
} as const

const OUTCOMES: Record<string, DeclineCode> = {
  [SANDBOX_CARDS.declined]: 'card_declined',
  [SANDBOX_CARDS.insufficientFunds]: 'insufficient_funds',
  [SANDBOX_CARDS.expired]: 'expired_card',
}

/** `"5-40"` → a random 5..40 ms; `"0"` → none. */
export function parseLatency(spec: string): { min: number; max: number } {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(spec)
  if (!m) throw new Error(`SANDBOX_LATENCY_MS must look like "5-40" or "10", not "${spec}"`)
  const min = Number(m[1])
  const max = m[2] === undefined ? min : Number(m[2])
  return { min: Math.min(min, max), max: Math.max(min, max) }
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex')
const reference = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`

export function sandboxProvider(models: Pick<Models, 'SandboxCharge' | 'SandboxRefund'>, latencyMs: { min: number; max: number }): PaymentProvider {
  const { SandboxCharge, SandboxRefund } = models
  const latency = () => {
    const ms = latencyMs.min + Math.floor(Math.random() * (latencyMs.max - latencyMs.min + 1))
    return ms > 0 ? Bun.sleep(ms) : Promise.resolve()
  }
  const asCharge = (doc: { ref: string; status: 'succeeded' | 'declined'; declineCode?: string }): ProviderCharge =>
    doc.declineCode ? { ref: doc.ref, status: doc.status, declineCode: doc.declineCode as DeclineCode } : { ref: doc.ref, status: doc.status }

  return {
    async charge(key: string, params: ChargeParams): Promise<ProviderCharge> {
      await latency()
      const { digits } = params.card
      // What it keeps of the card is the last four digits. Its idempotency compares the parameters by
      // a hash that leaves the expiry out: next to the last four digits and the amount, a hash of so
      // few possible expiries would give it away. (Charges stored before hashed it in: compared too.)
      const last4 = digits.slice(-4)
      const paramsHash = hash([params.amountCents, params.currency, last4, params.reference])
      const same = async (): Promise<ProviderCharge> => {
        const doc = await SandboxCharge.findById(key).lean()
        if (!doc) throw new ProviderError('unavailable', 'sandbox lost a charge it just refused as a duplicate')
        if (doc.cancelled) return asCharge(doc)
        if (doc.paramsHash !== paramsHash && doc.paramsHash !== hash([params.amountCents, params.currency, last4, params.card.expMonth, params.card.expYear, params.reference]))
          throw new ProviderError('idempotency_mismatch', 'idempotency key reused with other parameters')
        return asCharge(doc)
      }
      // The provider validates on its own too. A key seen before is answered from its charge, as a
      // gateway's idempotency does, even when the card no longer passes (it expired since the first call).
      const problem = cardProblem({ number: digits, expMonth: params.card.expMonth, expYear: params.card.expYear, cvc: params.card.cvc })
      if (problem) {
        if (await SandboxCharge.exists({ _id: key })) return same()
        throw new ProviderError('invalid_request', problem.message)
      }
      const declineCode = OUTCOMES[digits]
      const doc = {
        _id: key,
        paramsHash,
        ref: reference('ch'),
        status: declineCode ? ('declined' as const) : ('succeeded' as const),
        ...(declineCode ? { declineCode } : {}),
        amountCents: params.amountCents,
        currency: params.currency,
        last4,
        brand: cardBrand(digits),
        createdAt: new Date(),
      }
      // Insert first: a key seen before (a retry) is a duplicate, answered from the stored charge.
      let inserted: boolean
      try {
        inserted = await writerOf(SandboxCharge).insert(SandboxCharge, doc)
      } catch {
        throw new ProviderError('unavailable', 'sandbox storage failed')
      }
      if (!inserted) return same()
      if (digits === SANDBOX_CARDS.lostAnswer) throw new ProviderError('unavailable', 'the provider did not answer in time')
      return asCharge(doc)
    },

    async refund(key: string, params: { chargeRef: string; amountCents: number }): Promise<ProviderRefund> {
      await latency()
      const paramsHash = hash([params.chargeRef, params.amountCents])
      const same = async (): Promise<ProviderRefund> => {
        const doc = await SandboxRefund.findById(key).lean()
        if (!doc) throw new ProviderError('already_refunded', 'the charge was already refunded under another key')
        if (doc.paramsHash !== paramsHash) throw new ProviderError('idempotency_mismatch', 'idempotency key reused with other parameters')
        return { ref: doc.ref, chargeRef: doc.chargeRef, amountCents: doc.amountCents }
      }
      if (await SandboxRefund.exists({ _id: key })) return same()
      const charge = await SandboxCharge.findOne({ ref: params.chargeRef }).lean()
      if (!charge) throw new ProviderError('invalid_request', 'no such charge')
      if (charge.status !== 'succeeded') throw new ProviderError('invalid_request', 'only a succeeded charge can be refunded')
      // Like a card gateway: any number of refunds of a charge, never more than it in all. Each takes
      // the charge's next slot; of two at once one gets it and the other counts again.
      for (let attempt = 1; ; attempt++) {
        const earlier = await SandboxRefund.find({ chargeRef: params.chargeRef }, { amountCents: 1, slot: 1 }).lean()
        // This key's refund, made meanwhile by a retry at the same moment: that one is the answer.
        if (earlier.some((r) => r._id === key)) return same()
        const before = earlier.reduce((sum, r) => sum + r.amountCents, 0)
        if (!Number.isInteger(params.amountCents) || params.amountCents < 1 || before + params.amountCents > charge.amountCents)
          throw new ProviderError('invalid_request', 'refunds can never exceed the charge')
        const slot = earlier.reduce((top, r) => Math.max(top, r.slot ?? 1), 0) + 1
        const doc = { _id: key, paramsHash, ref: reference('re'), chargeRef: params.chargeRef, slot, amountCents: params.amountCents, createdAt: new Date() }
        try {
          await SandboxRefund.create(doc)
          return { ref: doc.ref, chargeRef: doc.chargeRef, amountCents: doc.amountCents }
        } catch (error) {
          if (!isDuplicateOnly(error)) throw new ProviderError('unavailable', 'sandbox storage failed')
          // This key's refund (a retry at the same moment), or the slot went to another refund of the charge.
          if (await SandboxRefund.exists({ _id: key })) return same()
          if (attempt >= 5) throw new ProviderError('unavailable', 'too many refunds of this charge at once')
        }
      }
    },

    async lookup(key: string): Promise<ProviderCharge | null> {
      await latency()
      const doc = await SandboxCharge.findById(key).lean()
      return doc && !doc.cancelled ? asCharge(doc) : null
    },

    async cancel(key: string): Promise<ProviderCharge | null> {
      await latency()
      // The key is taken by a declined placeholder: a charge arriving later is a duplicate, answered with it.
      const doc = { _id: key, paramsHash: '', ref: reference('ch'), status: 'declined' as const, declineCode: 'processing_error', amountCents: 0, currency: '', last4: '', brand: '', createdAt: new Date(), cancelled: true }
      let inserted: boolean
      try {
        inserted = await writerOf(SandboxCharge).insert(SandboxCharge, doc)
      } catch {
        throw new ProviderError('unavailable', 'sandbox storage failed')
      }
      if (inserted) return null
      const existing = await SandboxCharge.findById(key).lean()
      if (!existing) throw new ProviderError('unavailable', 'sandbox lost a charge it just refused as a duplicate')
      return existing.cancelled ? null : asCharge(existing)
    },
  }
}

/** Bounds every provider call: a provider that hangs is "unavailable", and the key makes a retry safe. */
export function withTimeout(provider: PaymentProvider, ms: number): PaymentProvider {
  const bound = <T>(p: Promise<T>) =>
    Promise.race([p, Bun.sleep(ms).then(() => Promise.reject(new ProviderError('unavailable', `the provider did not answer within ${ms} ms`)))])
  return {
    charge: (key, params) => bound(provider.charge(key, params)),
    refund: (key, params) => bound(provider.refund(key, params)),
    lookup: (key) => bound(provider.lookup(key)),
    cancel: (key) => bound(provider.cancel(key)),
  }
}

// The three services a purchase depends on, over HTTP with this service's own token. Every failure
// to reach one is a 503 UNAVAILABLE AppError (kit `callService`); answers in the error shape keep
// their code and status.
import type { Event } from '@easypass/contracts/catalog'
import type { Availability, ConfirmOp, HoldOp, OpResult, RefundOp, ReleaseOp, SellingOp, VoucherOffer } from '@easypass/contracts/inventory'
import type { ChargeRequest, ChargeResponse, OrderPaymentResponse, RefundResponse } from '@easypass/contracts/payments'
import { AppError, callService } from '@easypass/kit'

export interface ClientsConfig {
  CATALOG_URL?: string
  TICKETING_URL?: string
  PAYMENTS_URL?: string
  EVENT_CACHE_MS: number
}

type Token = () => Promise<string>

function baseUrl(url: string | undefined, name: string): string {
  if (!url) throw new AppError('UNAVAILABLE', `${name} is not configured`, undefined, 503)
  return url.replace(/\/+$/, '')
}

export function catalogClient(config: ClientsConfig, token: Token) {
  const cache = new Map<string, { until: number; value: Promise<Event | null> }>()
  async function load(id: string): Promise<Event | null> {
    try {
      return await callService<Event>(baseUrl(config.CATALOG_URL, 'catalog'), `/internal/events/${id}`, { token: await token(), timeoutMs: 3_000 })
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return null
      throw error
    }
  }
  return {
    /** The event in any status, or null when catalog does not know it; trusted for EVENT_CACHE_MS. */
    event(id: string, fresh = false): Promise<Event | null> {
      const now = Date.now()
      const hit = cache.get(id)
      if (!fresh && hit && hit.until > now) return hit.value
      const value = load(id)
      cache.set(id, { until: now + config.EVENT_CACHE_MS, value })
      // Failures are not remembered: the next caller asks again.
      value.catch(() => cache.get(id)?.value === value && cache.delete(id))
      if (cache.size > 5_000) for (const [key, entry] of cache) if (entry.until <= now) cache.delete(key)
      return value
    },
  }
}
export type CatalogClient = ReturnType<typeof catalogClient>

export function ticketingClient(config: ClientsConfig, token: Token) {
  async function op<O extends SellingOp>(eventId: string, op: O, timeoutMs = 15_000): Promise<OpResult<O>> {
    return callService<OpResult<O>>(baseUrl(config.TICKETING_URL, 'ticketing'), '/internal/inventory/ops', {
      method: 'POST',
      body: { eventId, op },
      token: await token(),
      timeoutMs,
    })
  }
  return {
    hold: (eventId: string, hold: Omit<HoldOp, 'type'>) => op(eventId, { type: 'hold', ...hold } as HoldOp),
    confirm: (eventId: string, orderId: string) => op(eventId, { type: 'confirm', orderId } as ConfirmOp),
    release: (eventId: string, orderId: string, reason: ReleaseOp['reason']) => op(eventId, { type: 'release', orderId, reason } as ReleaseOp),
    /** The whole order (or, after parts, the rest of it); with `part`, those seats of it. */
    refund: (eventId: string, orderId: string, part?: { n: number; items: Array<{ ticketTypeId: string; quantity: number }> }) =>
      op(eventId, { type: 'refund', orderId, ...(part ? { part } : {}) } as RefundOp),
    /** Names and current prices of an event's ticket types (public; only used to describe an undecided order). */
    async availability(eventId: string): Promise<Availability | null> {
      try {
        return await callService<Availability>(baseUrl(config.TICKETING_URL, 'ticketing'), `/api/events/${eventId}/availability`, { timeoutMs: 1_500 })
      } catch {
        return null
      }
    },
    /**
     * What a voucher takes off, as buyers see it (only used to describe an undecided order). With the
     * service token: this process is not a guesser (the buyer's tries are counted here, in orders).
     */
    async voucher(eventId: string, code: string): Promise<VoucherOffer | null> {
      try {
        return await callService<VoucherOffer>(baseUrl(config.TICKETING_URL, 'ticketing'), `/api/events/${eventId}/vouchers/${encodeURIComponent(code)}`, { token: await token(), timeoutMs: 1_500 })
      } catch {
        return null
      }
    },
  }
}
export type TicketingClient = ReturnType<typeof ticketingClient>

export function paymentsClient(config: ClientsConfig, token: Token) {
  const url = () => baseUrl(config.PAYMENTS_URL, 'payments')
  return {
    async charge(request: ChargeRequest): Promise<ChargeResponse> {
      return callService<ChargeResponse>(url(), '/internal/charges', { method: 'POST', body: request, token: await token(), timeoutMs: 15_000 })
    },
    /** The rest of the order's payment (all of it unless parts came back before); with `part`, that much of it. */
    async refund(orderId: string, reason?: string, part?: { n: number; amountCents: number }): Promise<RefundResponse | null> {
      try {
        return await callService<RefundResponse>(url(), '/internal/refunds', { method: 'POST', body: { orderId, ...(reason ? { reason } : {}), ...(part ? { part } : {}) }, token: await token(), timeoutMs: 15_000 })
      } catch (error) {
        if (error instanceof AppError && error.status === 404) return null
        throw error
      }
    },
    /** The order's succeeded (or since refunded) payment; null when there is none and none pending; 503 while one is undecided. */
    async orderPayment(orderId: string): Promise<OrderPaymentResponse | null> {
      try {
        return await callService<OrderPaymentResponse>(url(), `/internal/orders/${orderId}/payment`, { token: await token(), timeoutMs: 5_000 })
      } catch (error) {
        if (error instanceof AppError && error.status === 404) return null
        throw error
      }
    },
  }
}
export type PaymentsClient = ReturnType<typeof paymentsClient>

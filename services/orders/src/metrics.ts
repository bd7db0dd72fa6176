import { counter, gauge, histogram } from '@easypass/kit'

/** Every purchase (POST /api/orders) ends in exactly one of these, counted once, when decided. */
export const PURCHASE_OUTCOMES = ['paid', 'reserved', 'declined', 'sold_out', 'hold_expired', 'rejected', 'unavailable', 'undecided'] as const
export type PurchaseOutcome = (typeof PURCHASE_OUTCOMES)[number]

export const purchaseDecisions = counter('orders_purchase_decisions_total', 'Purchase decisions (flow: purchase = POST /api/orders, pay = paying a reserved order), by outcome', ['flow', 'outcome'])
export const purchaseDecisionSeconds = histogram(
  'orders_purchase_decision_seconds',
  'Time from a purchase request to its decision (also when it was answered 202 first), by outcome',
  ['flow', 'outcome'],
  [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
)
export const pendingAnswers = counter('orders_pending_answers_total', 'Purchases and payments answered 202 because the decision took longer than the wait budget')
export const idempotentReplays = counter('orders_idempotent_replays_total', 'Requests answered from an earlier request with the same Idempotency-Key', ['route'])
export const refundsTotal = counter('orders_refunds_total', 'Refunds completed, by who asked', ['by'])
export const checkinsTotal = counter('orders_checkins_total', 'Check-in scans, by result', ['result'])
export const reconciled = counter('orders_reconciled_total', 'Orders the worker finished or repaired, by what it did', ['action'])
export const dirtyBacklog = gauge('orders_dirty_backlog', 'Orders waiting for the worker (projection or reconciliation)')

export function recordDecision(flow: 'purchase' | 'pay', outcome: PurchaseOutcome, startedAt: number) {
  purchaseDecisions.inc({ flow, outcome })
  purchaseDecisionSeconds.observe({ flow, outcome }, (Date.now() - startedAt) / 1000)
}

import { fail } from '@easypass/kit'
import type { Language } from '@easypass/contracts/languages'

/**
 * Admission control for purchases: at most `limit` run at once in this process, the rest wait in
 * order, so a flood cannot pile unbounded work on the services behind. A buyer who cannot be
 * admitted before `deadline` gets a quick 503 (nothing was held or charged) instead of a slow one;
 * retrying with the same Idempotency-Key is safe.
 */
export function admissionGate(limit: number) {
  let active = 0
  const waiting: Array<() => void> = []

  function wait(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const admit = () => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        const i = waiting.indexOf(admit)
        if (i >= 0) waiting.splice(i, 1)
        resolve(false)
      }, Math.max(0, deadline - Date.now()))
      waiting.push(admit)
    })
  }

  return {
    async run<T>(deadline: number, work: () => Promise<T>): Promise<T> {
      if (active < limit) active++
      else if (!(await wait(deadline))) throw fail('UNAVAILABLE', 'too many purchases at once: try again in a moment with the same Idempotency-Key')
      try {
        return await work()
      } finally {
        // The slot passes straight to the next in line, or is given back.
        const next = waiting.shift()
        if (next) next()
        else active--
      }
    },
    get active() {
      return active
    },
    get waiting() {
      return waiting.length
    },
  }
}

type Purchase = {
  create(principal: never, body: never, idempotencyKey: string | undefined, language?: Language, startedAt?: number): Promise<unknown>
  pay(principal: never, orderId: string, body: never, idempotencyKey: string | undefined, startedAt?: number): Promise<unknown>
}

/** Purchases and payments go through the gate; a buyer waits at most half the wait budget for a turn. */
export function gated<P extends Purchase>(purchase: P, limit: number, waitBudgetMs: number): P {
  const gate = admissionGate(limit)
  const admitBy = (startedAt: number) => startedAt + Math.floor(waitBudgetMs / 2)
  return {
    ...purchase,
    create: (principal, body, key, language, startedAt = Date.now()) => gate.run(admitBy(startedAt), () => purchase.create(principal, body, key, language, startedAt)),
    pay: (principal, orderId, body, key, startedAt = Date.now()) => gate.run(admitBy(startedAt), () => purchase.pay(principal, orderId, body, key, startedAt)),
  } as P
}

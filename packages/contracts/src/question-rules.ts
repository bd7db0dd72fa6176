// Which questions are asked, as a plain rule: the server (contracts' checks) and the checkout page decide
// it with this one function. No schema imports, so that the app's bundle can take this file as it is.
import type { EventQuestion } from './questions'

/**
 * Whether a question is asked (of `ticket`, for one asked per ticket), given the answers (`valueOf`):
 * always, or (`showIf`) when its earlier question, itself asked, got one of the values, for the same
 * ticket when both are asked per ticket. A condition on a question no longer there is no condition.
 * The server and the checkout page decide it with this one function.
 */
export function askedGiven(byId: ReadonlyMap<string, EventQuestion>, valueOf: (questionId: string, ticket?: number) => string | undefined) {
  const shown = (q: EventQuestion, ticket?: number): boolean => {
    if (!q.showIf) return true
    const on = byId.get(q.showIf.questionId)
    if (!on) return true
    const at = on.perTicket ? ticket : undefined
    const value = valueOf(on.id, at)
    return shown(on, at) && value !== undefined && q.showIf.values.includes(value)
  }
  return shown
}

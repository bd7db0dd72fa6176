/** User input becomes a literal inside a regular expression: `(` finds "(", it does not break the query. */
export function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

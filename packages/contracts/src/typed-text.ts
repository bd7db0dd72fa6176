// Text someone types for others to read (an organiser's message, an email's words): no control
// characters, which could split a header or hide text, and none that turn text around where it is shown.

/** Characters that turn text around where it is shown (a line could then read otherwise). */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/

/** What is wrong with a `line` (a subject: a header line) or a `text` (line breaks and tabs allowed), or undefined. */
export function typedTextProblem(text: string, kind: 'line' | 'text'): string | undefined {
  const control = kind === 'line' ? /\p{Cc}/u.test(text) : /[^\P{Cc}\n\r\t]/u.test(text)
  if (control || BIDI_CONTROLS.test(text)) return kind === 'line' ? 'one line of text, without control characters' : 'text only, without control characters'
  return undefined
}

// The organiser's own words in an event's confirmation email: a subject and an opening text per
// language, with placeholders ({event}, {total}…) filled for each order. Kept by catalog (admins only:
// GET/PUT /api/events/:id/emails), used and previewed by notifications. A language without its own
// words keeps EasyPass's, which are translated; the order's details, its tickets and their QR codes are
// always there, whatever the organiser writes.
import { t, type Static } from 'elysia'
import { LANGUAGES, type Language } from './languages'
import { typedTextProblem } from './typed-text'

export const EMAIL_TEXT_LIMITS = { subject: 150, body: 2000 } as const

/** What a text may name, each filled for the order the email is about. */
export const EMAIL_PLACEHOLDERS = {
  event: "the event's title",
  date: 'when it starts, in the reader’s language',
  venue: 'the venue and its city',
  organizer: "the organiser's name",
  order: "the order's number",
  tickets: 'how many tickets the order has',
  total: 'what was paid, with its currency',
} as const
export type EmailPlaceholder = keyof typeof EMAIL_PLACEHOLDERS
export const EMAIL_PLACEHOLDER_NAMES = Object.keys(EMAIL_PLACEHOLDERS) as EmailPlaceholder[]

/** `{name}` of letters: a placeholder. Any other brace is text. */
const PLACEHOLDER = /\{([A-Za-z]+)\}/g

/**
 * What is wrong with a text, or undefined: control characters or text-reversing ones (none at all in a
 * subject, which is a header line; line breaks and tabs in a body), or a placeholder we do not fill.
 */
export function emailTextProblem(text: string, kind: 'subject' | 'body'): string | undefined {
  const typed = typedTextProblem(text, kind === 'subject' ? 'line' : 'text')
  if (typed) return typed
  for (const [, name] of text.matchAll(PLACEHOLDER))
    if (!Object.hasOwn(EMAIL_PLACEHOLDERS, name!)) return `{${name}} is not a placeholder (there are ${EMAIL_PLACEHOLDER_NAMES.map((p) => `{${p}}`).join(', ')})`
  return undefined
}

/** The text with its placeholders filled; one without a value (an event without a venue) becomes empty. */
export function fillEmailText(text: string, values: Partial<Record<EmailPlaceholder, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(EMAIL_PLACEHOLDERS, name) ? (values[name as EmailPlaceholder] ?? '') : whole))
}

const languageText = (max: number, what: string, example: string) =>
  t.Optional(t.String({ maxLength: max, error: `${what}: at most ${max} characters`, examples: [example] }))
const perLanguage = (max: number, what: string, example: Record<Language, string>) =>
  t.Object(
    { en: languageText(max, what, example.en), de: languageText(max, what, example.de), fr: languageText(max, what, example.fr) } satisfies Record<Language, unknown>,
    { additionalProperties: false, description: `per language (${LANGUAGES.join(', ')}); blank or absent: EasyPass's own words in that language` },
  )

export const ConfirmationEmailTexts = t.Object(
  {
    subject: t.Optional(
      perLanguage(EMAIL_TEXT_LIMITS.subject, 'subject', { en: 'Your tickets for {event} on {date}', de: 'Ihre Tickets für {event} am {date}', fr: 'Vos billets pour {event} le {date}' }),
    ),
    body: t.Optional(
      perLanguage(EMAIL_TEXT_LIMITS.body, 'body', {
        en: 'Thank you for your order {order}! We look forward to seeing you at {venue}.',
        de: 'Vielen Dank für Ihre Bestellung {order}! Wir freuen uns auf Sie in {venue}.',
        fr: 'Merci pour votre commande {order} ! Nous avons hâte de vous accueillir à {venue}.',
      }),
    ),
  },
  { additionalProperties: false, description: 'the subject, and the opening text in place of "Thank you, your tickets are confirmed"; the order, its tickets and their QR codes follow it always' },
)
export type ConfirmationEmailTexts = Static<typeof ConfirmationEmailTexts>

/** Where buyers' replies to the event's emails go: the organiser's address (absent: nowhere but EasyPass's sender). */
export const ReplyTo = t.String({ format: 'email', maxLength: 254, examples: ['box-office@example.com'], error: 'replyTo must be an email address' })

export const EventEmailsBody = t.Object(
  {
    confirmation: ConfirmationEmailTexts,
    replyTo: t.Optional(ReplyTo),
  },
  { additionalProperties: false, description: 'Replaces the texts: a language left out (or blank) goes back to EasyPass’s own words.' },
)
export type EventEmailsBody = Static<typeof EventEmailsBody>

export const EventEmails = t.Object(
  {
    eventId: t.String(),
    confirmation: t.Object({
      subject: t.Record(t.String(), t.String(), { description: 'the languages that have their own subject' }),
      body: t.Record(t.String(), t.String(), { description: 'the languages that have their own opening text' }),
    }),
    replyTo: t.Optional(t.String({ description: 'where replies to every email about the event go (its confirmations, refunds, messages, offers)' })),
    placeholders: t.Record(t.String(), t.String(), { description: 'what a text may name, `{name}`, and what each becomes' }),
  },
  { title: 'EventEmails' },
)
export type EventEmails = Static<typeof EventEmails>

export const EmailPreviewBody = t.Object(
  {
    language: t.Union(
      LANGUAGES.map((l) => t.Literal(l)),
      { description: 'the language of the email to show' },
    ),
    subject: t.Optional(t.String({ maxLength: EMAIL_TEXT_LIMITS.subject, description: "a subject not saved yet; blank: EasyPass's; absent: the saved one" })),
    body: t.Optional(t.String({ maxLength: EMAIL_TEXT_LIMITS.body, description: "an opening text not saved yet; blank: EasyPass's; absent: the saved one" })),
  },
  { additionalProperties: false },
)
export type EmailPreviewBody = Static<typeof EmailPreviewBody>

export const EmailPreview = t.Object(
  {
    subject: t.String(),
    html: t.String({ description: 'the HTML part, as sent (its QR codes are attachments, so a sample shows none)' }),
    text: t.String({ description: 'the plain-text part' }),
  },
  { title: 'EmailPreview' },
)
export type EmailPreview = Static<typeof EmailPreview>

/** Texts as kept: only the languages with words of their own, trimmed. */
export type StoredConfirmationTexts = { subject?: Partial<Record<Language, string>>; body?: Partial<Record<Language, string>> }

/** The organiser's subject and opening text for a reader of `lang`, each when that language has one. */
export function confirmationTextsFor(stored: StoredConfirmationTexts | undefined, lang: Language): { subject?: string; body?: string } {
  const subject = stored?.subject?.[lang]?.trim()
  const body = stored?.body?.[lang]?.trim()
  return { ...(subject ? { subject } : {}), ...(body ? { body } : {}) }
}

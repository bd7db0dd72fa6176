// Catalog: the public shapes of events (catalog service, gateway, web app, orders).
import { t, type Static } from 'elysia'
import { EventQuestion } from './questions'
import { Id, IsoDate, ListOf, PageQuery } from './common'
import type { StoredConfirmationTexts } from './event-emails'
import { AvailabilityPool, AvailabilityTicketType, type EventInventorySummary } from './inventory'

export const EVENT_STATUSES = ['draft', 'published', 'cancelled'] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

export const EventStatusSchema = t.Union([t.Literal('draft'), t.Literal('published'), t.Literal('cancelled')], { examples: ['published'] })
/** What an admin may set directly; `cancelled` is reached only through the cancel endpoint. */
export const WritableEventStatus = t.Union([t.Literal('draft'), t.Literal('published')], {
  description: '`draft` (only admins see it) or `published`; cancel with POST /api/events/{id}/cancel',
})

export const EVENT_LIMITS = {
  title: 200,
  description: 5000,
  category: 50,
  venueName: 200,
  address: 200,
  city: 100,
  organizer: 200,
  imageUrl: 2000,
  ticketInfo: 1000,
  query: 200,
} as const

/** Non-empty with at least one visible character; surrounding spaces are trimmed when stored. */
const Text = (max: number, example: string, what: string) =>
  t.String({ minLength: 1, maxLength: max, pattern: '\\S', examples: [example], error: `${what} must be 1 to ${max} characters` })

/**
 * An ISO-8601 date-time with a time zone (`Z` or `±hh:mm`), e.g. `2027-06-01T18:00:00Z`. Stricter than
 * Elysia's own `date-time` format, which also takes things like `Tue Jun 01 2027 ...`.
 */
export const isoDateInput = (description?: string) =>
  t.String({
    format: 'date-time',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
    examples: ['2027-06-01T18:00:00.000Z'],
    error: 'must be an ISO-8601 date-time with a time zone, e.g. 2027-06-01T18:00:00Z',
    ...(description ? { description } : {}),
  })
export const IsoDateInput = isoDateInput()

/** An IANA zone name; whether the runtime knows it is checked by catalog (`canonicalTimeZone`). */
export const TimeZone = t.String({
  minLength: 1,
  maxLength: 64,
  // An IANA name ("UTC", "Europe/Helsinki", "America/Argentina/Buenos_Aires"), never an offset: "+02:00" has no summer time.
  pattern: '^(UTC|[A-Za-z]+(/[A-Za-z0-9_+-]+)+)$',
  examples: ['Europe/Helsinki'],
  description: "the IANA time zone of the venue (`Europe/Helsinki`); the event's times are shown in it",
  error: 'timeZone must be an IANA time zone name such as "Europe/Helsinki" or "UTC"',
})

/** A lowercase slug: `music`, `stand-up`, `family-2027`. */
export const CategorySlug = t.String({
  minLength: 1,
  maxLength: EVENT_LIMITS.category,
  pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  examples: ['music'],
  error: `category must be a lowercase slug like "music" or "stand-up" (at most ${EVENT_LIMITS.category} characters)`,
})

export const ImageUrl = t.String({
  maxLength: EVENT_LIMITS.imageUrl,
  // https only: the web app's pages load images over https alone (its CSP), as browsers block mixed content.
  pattern: '^https://[^\\s/?#]+[^\\s]*$',
  examples: ['https://images.example.com/events/jazz-night.jpg'],
  error: `imageUrl must be an https URL of at most ${EVENT_LIMITS.imageUrl} characters`,
})

/** The organiser's practical information for ticket holders: on the order page, the confirmation email and every printed ticket. */
export const TicketInfo = t.String({
  minLength: 1,
  maxLength: EVENT_LIMITS.ticketInfo,
  pattern: '\\S',
  examples: ['Doors open at 19:00. Bring a photo ID; no large bags.'],
  description: 'practical information for ticket holders (doors, what to bring), shown on their order, in the confirmation email and on every printed ticket; public like the rest of the event, so never a secret',
  error: `ticketInfo must be 1 to ${EVENT_LIMITS.ticketInfo} characters`,
})

export const Venue = t.Object(
  {
    name: Text(EVENT_LIMITS.venueName, 'Kulttuuritalo', 'venue.name'),
    address: Text(EVENT_LIMITS.address, 'Sturenkatu 4', 'venue.address'),
    city: Text(EVENT_LIMITS.city, 'Helsinki', 'venue.city'),
  },
  { title: 'Venue', additionalProperties: false },
)
export type Venue = Static<typeof Venue>

/** A venue in a partial update: any subset of its fields, merged with the stored one. */
export const VenuePatch = t.Partial(Venue, { minProperties: 1, additionalProperties: false })

const eventFields = {
  title: Text(EVENT_LIMITS.title, 'Jazz night', 'title'),
  description: Text(EVENT_LIMITS.description, 'An evening of modern jazz with three bands.', 'description'),
  category: CategorySlug,
  venue: Venue,
  startsAt: IsoDateInput,
  endsAt: IsoDateInput,
  timeZone: t.Optional(TimeZone),
  organizer: Text(EVENT_LIMITS.organizer, 'Helsinki Jazz Society', 'organizer'),
  imageUrl: t.Optional(ImageUrl),
  ticketInfo: t.Optional(TicketInfo),
}

export const Event = t.Object(
  {
    id: Id,
    title: t.String({ examples: ['Jazz night'] }),
    description: t.String(),
    category: t.String({ examples: ['music'] }),
    venue: t.Object({ name: t.String(), address: t.String(), city: t.String() }),
    startsAt: IsoDate,
    endsAt: IsoDate,
    timeZone: t.Optional(t.String({ examples: ['Europe/Helsinki'], description: "the venue's IANA time zone: the event's times are shown in it. Absent when none was given: UTC in emails and printed tickets, the viewer's own clock in the web app" })),
    organizer: t.String(),
    imageUrl: t.Optional(t.String()),
    ticketInfo: t.Optional(t.String()),
    questions: t.Optional(t.Array(EventQuestion, { description: "what the organiser asks of every order (PUT /api/events/{id}/questions); required ones are answered before paying" })),
    status: EventStatusSchema,
    cancelledAt: t.Optional(IsoDate),
    neverPublished: t.Optional(t.Boolean({ description: 'true on an event cancelled while still a draft: like a draft, it exists for admins only' })),
    seriesId: t.Optional(Id),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { title: 'Event' },
)
export type Event = Static<typeof Event>

/** An event as other services read it (catalog's internal route): with the organiser's email texts, never public. */
export const InternalEvent = t.Composite([Event, t.Object({ confirmationEmail: t.Optional(t.Unknown()), emailReplyTo: t.Optional(t.String()) })], { title: 'InternalEvent' })
export type InternalEvent = Event & { confirmationEmail?: StoredConfirmationTexts; emailReplyTo?: string }

const exampleEvent = {
  title: 'Jazz night',
  description: 'An evening of modern jazz with three bands.',
  category: 'music',
  venue: { name: 'Kulttuuritalo', address: 'Sturenkatu 4', city: 'Helsinki' },
  startsAt: '2027-06-01T18:00:00.000Z',
  endsAt: '2027-06-01T22:00:00.000Z',
  timeZone: 'Europe/Helsinki',
  organizer: 'Helsinki Jazz Society',
  imageUrl: 'https://images.example.com/events/jazz-night.jpg',
  status: 'published',
}

export const CreateEventBody = t.Object(
  { ...eventFields, status: t.Optional(WritableEventStatus) },
  { description: '`endsAt` must be after `startsAt`. `status` defaults to `draft`.', examples: [exampleEvent], additionalProperties: false },
)
export type CreateEventBody = Static<typeof CreateEventBody>

export const UpdateEventBody = t.Object(
  {
    title: t.Optional(eventFields.title),
    description: t.Optional(eventFields.description),
    category: t.Optional(CategorySlug),
    venue: t.Optional(VenuePatch),
    startsAt: t.Optional(IsoDateInput),
    endsAt: t.Optional(IsoDateInput),
    timeZone: t.Optional(t.Union([TimeZone, t.Null()], { description: 'the zone the times are shown in (the instants `startsAt` and `endsAt` stay as they are); null: none' })),
    organizer: t.Optional(eventFields.organizer),
    imageUrl: t.Optional(t.Union([ImageUrl, t.Null()], { description: 'null removes the image' })),
    ticketInfo: t.Optional(t.Union([TicketInfo, t.Null()], { description: 'null removes it' })),
    status: t.Optional(WritableEventStatus),
  },
  {
    minProperties: 1,
    additionalProperties: false,
    description: 'Any subset of the fields; `endsAt` must stay after `startsAt` once merged with the stored event. A cancelled event cannot change status.',
    examples: [{ title: 'Jazz night (extra show)', endsAt: '2027-06-01T23:00:00.000Z' }],
  },
)
export type UpdateEventBody = Static<typeof UpdateEventBody>

/** One ticket type with its live numbers, exactly as ticketing reports them. */
export const EventTicketType = AvailabilityTicketType
export type EventTicketType = Static<typeof EventTicketType>

export const EventDetail = t.Composite(
  [
    Event,
    t.Object({
      ticketTypes: t.Array(EventTicketType),
      pools: t.Optional(t.Array(AvailabilityPool, { description: "shared capacity of some of its ticket types (each type's `available` already counts it)" })),
      availabilityUnavailable: t.Optional(
        t.Boolean({ description: 'true when ticketing did not answer: `ticketTypes` is then empty, not necessarily sold out' }),
      ),
    }),
  ],
  { title: 'EventDetail' },
)
export type EventDetail = Static<typeof EventDetail>

/** A list item: the event plus, when ticketing answered in time, its lowest price and remaining tickets. */
export const EventListItem = t.Composite(
  [
    Event,
    t.Object({
      fromPriceCents: t.Optional(t.Union([t.Integer({ minimum: 0 }), t.Null()], { description: 'lowest ticket price of admission (extras, `addOn`, are left out, as from `available`); null when it has no admission ticket types' })),
      currency: t.Optional(t.Union([t.String(), t.Null()])),
      available: t.Optional(t.Integer({ minimum: 0, description: 'admission tickets still available over all its ticket types (extras, `addOn`, left out)' })),
    }),
  ],
  { title: 'EventListItem' },
)
export type EventListItem = Static<typeof EventListItem>

export const EventList = ListOf(EventListItem)
export type EventList = Static<typeof EventList>

export const EventListStatus = t.Union([t.Literal('draft'), t.Literal('published'), t.Literal('cancelled'), t.Literal('all')], {
  description: 'admins only (others: 401/403 unless `published`); default `published`',
})

export const EventsQuery = t.Object({
  ...PageQuery,
  q: t.Optional(t.String({ maxLength: EVENT_LIMITS.query, description: 'words searched in title, description and city (case-insensitive)' })),
  category: t.Optional(t.String({ maxLength: EVENT_LIMITS.category, description: 'category slug, e.g. `music`' })),
  city: t.Optional(t.String({ maxLength: EVENT_LIMITS.city, description: 'venue city, case-insensitive exact match' })),
  from: t.Optional(isoDateInput('events not ended before this time (default: now)')),
  to: t.Optional(isoDateInput('events starting at or before this time')),
  endedBefore: t.Optional(isoDateInput('events that ended before this time (past events); without `from`, however long ago')),
  status: t.Optional(EventListStatus),
  seriesId: t.Optional(t.String({ pattern: '^[0-9a-f]{24}$', description: 'the dates of one series (events added with POST /api/events/{id}/dates share it)', error: 'seriesId must be an event id' })),
  sort: t.Optional(
    t.Union([t.Literal('soonest'), t.Literal('latest')], { description: '`soonest` first (default) or `latest` first, by `startsAt`' }),
  ),
})
export type EventsQuery = Static<typeof EventsQuery>

/** Whether anyone but an admin may see the event: not a draft, nor a draft that was cancelled. */
export const isPublic = (event: { status: string; neverPublished?: boolean }) => event.status !== 'draft' && !event.neverPublished

/** What ticketing's internal summary says about one event (list prices and the delete check). */
export type TicketingEventSummary = EventInventorySummary

/** At most this many dates added in one request. */
export const MAX_NEW_DATES = 52

export const AddDatesBody = t.Object(
  {
    startsAt: t.Array(isoDateInput(), {
      minItems: 1,
      maxItems: MAX_NEW_DATES,
      description: `when each new date starts (1 to ${MAX_NEW_DATES}, in the future, none twice, none a date the series has already); each lasts as long as the event`,
      examples: [['2027-06-08T18:00:00.000Z', '2027-06-15T18:00:00.000Z']],
    }),
    status: t.Optional(WritableEventStatus),
  },
  { additionalProperties: false, description: 'New dates of the event: copies with its ticket types (prices, capacities, limits, sales windows moved with the date). `status` defaults to `draft`.' },
)
export type AddDatesBody = Static<typeof AddDatesBody>

export const EventDates = t.Object({ items: t.Array(Event) }, { title: 'EventDates' })
export type EventDates = Static<typeof EventDates>

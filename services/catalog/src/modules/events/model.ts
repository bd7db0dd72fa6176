// The HTTP models of the events routes. The shared shapes live in `@easypass/contracts/catalog`
// (the gateway, web app and orders read them too); this file adds the per-route response maps.
import { t } from 'elysia'
import { ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { AddDatesBody, CreateEventBody, Event, EventDates, EventDetail, EventList, EventsQuery, UpdateEventBody } from '@easypass/contracts/catalog'

export { AddDatesBody, CreateEventBody, Event, EventDates, EventDetail, EventList, EventsQuery, IdParams, UpdateEventBody }

export const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  503: ErrorResponse,
}

export const NoContent = t.Void({ description: 'deleted' })

/** Every route of this module: in the public API, documented under one tag. */
export const TAGS = tagsOf('Catalog')

// The words every service uses in its OpenAPI document, so that Swagger UI shows one API: the
// contract's sections as tags (in the contract's order) and the same security requirements.

/** Swagger UI's sections, in the order the gateway lists them. */
export const API_TAGS = ['Identity', 'Users', 'Catalog', 'Ticket inventory', 'Orders', 'Tickets', 'Payments', 'Check-in', 'Reports', 'Notifications', 'Webhooks', 'Audit', 'Operations'] as const
export type ApiTag = (typeof API_TAGS)[number]

/** The tags of a route: its one section. */
export const tagsOf = (tag: ApiTag): ApiTag[] => [tag]

type Security = Array<Record<string, string[]>>
/** A signed-in caller (an access token). */
export const BEARER: Security = [{ bearer: [] }]
/** Guests welcome; a token only unlocks more (drafts for admins). Swagger UI sends it when authorised. */
export const OPTIONAL_BEARER: Security = [{}, { bearer: [] }]

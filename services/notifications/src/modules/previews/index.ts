import { Elysia } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { EmailPreview, EmailPreviewBody } from '@easypass/contracts/event-emails'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { EmailService } from '../email/service'

/** Emails as buyers would get them, for the admins who word them (served here: the templates live here). */
export function previewsModule(emails: EmailService, config: AuthConfig) {
  return new Elysia({ name: 'notifications.previews' })
    .use(authPlugin(config))
    .post('/api/events/:id/emails/preview', ({ params, body }) => emails.previewConfirmation(params.id, body), {
      auth: 'admin',
      params: IdParams,
      ...strictBody(EmailPreviewBody),
      response: { 200: EmailPreview, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags: tagsOf('Catalog'),
        summary: "Preview the event's confirmation email",
        description:
          'Admins only. The confirmation email of a sample order (two tickets) in `language`, with the organiser’s words: the saved ones, or `subject` and `body` ' +
          'given here and not saved yet (blank: EasyPass’s own words). Sends nothing. 400 for a control character or an unknown `{placeholder}`; 404 unknown event; 503 when the catalog does not answer.',
        security: BEARER,
      },
    })
}

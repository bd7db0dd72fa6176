import { defineMessages } from '../lib/i18n'

export const qrText = defineMessages<{ alt: (code: string | undefined) => string; status: Record<string, string> }>({
  en: {
    alt: (code) => `QR code of ticket ${code}`,
    status: {
      valid: 'Valid',
      checked_in: 'Checked in',
      refunded: 'Refunded',
      transferred: 'Passed on',
    },
  },
  de: {
    alt: (code) => `QR-Code des Tickets ${code}`,
    status: {
      valid: 'Gültig',
      checked_in: 'Eingelöst',
      refunded: 'Erstattet',
      transferred: 'Weitergegeben',
    },
  },
  fr: {
    alt: (code) => `QR code du billet ${code}`,
    status: {
      valid: 'Valide',
      checked_in: 'Utilisé',
      refunded: 'Remboursé',
      transferred: 'Transféré',
    },
  },
})

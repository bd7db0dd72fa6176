import { count, defineMessages } from '../lib/i18n'

export const billingText = defineMessages({
  en: {
    errName: 'Enter the name the invoice is made out to.',
    errAddress: 'Enter the postal address.',
    tooLong: (max: number) => `At most ${max} characters.`,
    legend: 'Invoice details',
    name: 'Name',
    company: 'Company (optional)',
    address: 'Postal address',
    taxId: 'VAT or tax number (optional)',
  },
  de: {
    errName: 'Geben Sie den Namen ein, auf den die Rechnung ausgestellt wird.',
    errAddress: 'Geben Sie die Postanschrift ein.',
    tooLong: (max: number) => `Höchstens ${count(max, { one: 'Zeichen', other: 'Zeichen' })}.`,
    legend: 'Rechnungsdaten',
    name: 'Name',
    company: 'Firma (optional)',
    address: 'Postanschrift',
    taxId: 'USt-IdNr. oder Steuernummer (optional)',
  },
  fr: {
    errName: 'Saisissez le nom auquel la facture est établie.',
    errAddress: 'Saisissez l’adresse postale.',
    tooLong: (max: number) => `${count(max, { one: 'caractère', other: 'caractères' })} au maximum.`,
    legend: 'Informations de facturation',
    name: 'Nom',
    company: 'Société (facultatif)',
    address: 'Adresse postale',
    taxId: 'Numéro de TVA ou d’identification fiscale (facultatif)',
  },
})

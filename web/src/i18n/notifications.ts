import { defineMessages } from '../lib/i18n'

export const notificationsText = defineMessages({
  en: {
    title: 'Notifications',
    sub: 'Order confirmations, refunds, holds about to run out and expired ones, as they happen.',
    loading: 'Loading notifications…',
    empty: 'Nothing yet. We will tell you here when something happens to your orders, or when tickets you wait for come back.',
    /** Who sent an organiser's message, and about which event. */
    from: (organizer: string | undefined, eventTitle: string | undefined) => `From ${organizer ?? 'the organiser'}${eventTitle ? ` about ${eventTitle}` : ''}`,
    getTickets: 'Get tickets',
    seeMyTickets: 'See my tickets',
    payNow: 'Pay now',
    seeOrder: 'See the order',
  },
  de: {
    title: 'Benachrichtigungen',
    sub: 'Bestellbestätigungen, Erstattungen, bald ablaufende und abgelaufene Reservierungen – sobald es passiert.',
    loading: 'Benachrichtigungen werden geladen…',
    empty: 'Noch nichts. Wir informieren Sie hier, wenn sich bei Ihren Bestellungen etwas tut oder wenn Tickets, auf die Sie warten, wieder verfügbar sind.',
    from: (organizer: string | undefined, eventTitle: string | undefined) => `${organizer ? `Von ${organizer}` : 'Vom Veranstalter'}${eventTitle ? ` zu ${eventTitle}` : ''}`,
    getTickets: 'Tickets sichern',
    seeMyTickets: 'Meine Tickets ansehen',
    payNow: 'Jetzt bezahlen',
    seeOrder: 'Bestellung ansehen',
  },
  fr: {
    title: 'Notifications',
    sub: 'Confirmations de commande, remboursements, réservations sur le point d’expirer ou expirées, en temps réel.',
    loading: 'Chargement des notifications…',
    empty: 'Rien pour l’instant. Nous vous préviendrons ici lorsqu’il se passe quelque chose avec vos commandes, ou lorsque des billets que vous attendez sont de nouveau disponibles.',
    from: (organizer: string | undefined, eventTitle: string | undefined) => `De la part de ${organizer ?? 'l’organisateur'}${eventTitle ? ` à propos de ${eventTitle}` : ''}`,
    getTickets: 'Obtenir des billets',
    seeMyTickets: 'Voir mes billets',
    payNow: 'Payer maintenant',
    seeOrder: 'Voir la commande',
  },
})

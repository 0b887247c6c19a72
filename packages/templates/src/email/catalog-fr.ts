import type { EmailCatalog, KindCopy } from './catalog';

const reminder = (subject: string, heading: string, when: string): KindCopy => ({
  subject,
  preheader: 'Retour prévu le {{dueAt}}, ici : {{desk}}',
  heading,
  paragraphs: [
    '{{greeting}}',
    `Petit rappel : le matériel « {{itemName}} » (n° {{inventoryNumber}}) prêté {{borrowerPhrase}} est à rendre ${when}.`,
    'Merci de le rapporter à temps, ici : {{desk}}.',
  ],
  details: ['item', 'borrower', 'dueAt', 'desk'],
  audience: 'borrower',
});

/**
 * D-2, D-1 and due-day reminders say how far the due day is when they are sent (`dueDay`
 * below), not what their kind planned, so a late or a manual one stays true.
 */
const dayWordedReminder = reminder('{{reminderSubject}}', '{{reminderHeading}}', '{{reminderWhen}}');

/** French typography: a no-break space before ":" and inside « », and after "n°". */
const frenchSpacing = (text: string) =>
  text
    .replace(/ :/g, '\u00a0:')
    .replace(/« /g, '«\u00a0')
    .replace(/ »/g, '\u00a0»')
    .replace(/n° /g, 'n°\u00a0');

function withFrenchSpacing<T>(value: T): T {
  if (typeof value === 'string') return frenchSpacing(value) as T;
  if (Array.isArray(value)) return value.map(withFrenchSpacing) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withFrenchSpacing(v)])) as T;
  }
  return value;
}

/** French, the default: friendly, short, "vous". */
export const fr: EmailCatalog = withFrenchSpacing({
  kinds: {
    loan_created: {
      subject: 'Prêt enregistré : « {{itemName}} », retour le {{dueAt}}',
      preheader: 'À rapporter au plus tard le {{dueAt}}, ici : {{desk}}',
      heading: 'Votre prêt est enregistré',
      paragraphs: [
        '{{greeting}}',
        'Nous avons bien enregistré le prêt du matériel « {{itemName}} » (n° {{inventoryNumber}}) {{borrowerPhrase}}.',
        'Merci de le rapporter au plus tard le {{dueAt}}, ici : {{desk}}.',
        'Un rendez-vous est joint à ce message pour l’ajouter à votre agenda.',
      ],
      details: ['item', 'borrower', 'startsAt', 'dueAt', 'desk'],
      audience: 'borrower',
    },
    reminder_d2: dayWordedReminder,
    reminder_d1: dayWordedReminder,
    reminder_due_day: dayWordedReminder,
    reminder_2h: reminder(
      'Bientôt : « {{itemName}} » à rendre à {{dueTime}}',
      'Retour dans {{timeLeft}}',
      'dans {{timeLeft}}, le {{dueAt}}',
    ),
    overdue: {
      subject: 'En retard : « {{itemName}} » était à rendre le {{dueAt}}',
      preheader: 'Retard de {{lateBy}} : merci de le rapporter dès que possible',
      heading: 'Prêt en retard',
      paragraphs: [
        '{{greeting}}',
        'Le matériel « {{itemName}} » (n° {{inventoryNumber}}) prêté {{borrowerPhrase}} était à rendre le {{dueAt}}. Il a maintenant {{lateBy}} de retard.',
        'Merci de le rapporter dès que possible, ici : {{desk}}.',
        'Si vous l’avez déjà rendu, merci de ne pas tenir compte de ce message.',
      ],
      details: ['item', 'borrower', 'dueAt', 'lateBy', 'desk'],
      audience: 'borrower',
    },
    loan_returned: {
      subject: 'Retour enregistré : « {{itemName}} »',
      preheader: 'Rendu le {{returnedAt}}',
      heading: 'Merci, le retour est enregistré',
      paragraphs: [
        '{{greeting}}',
        'Nous avons bien reçu le matériel « {{itemName}} » (n° {{inventoryNumber}}) le {{returnedAt}}.',
        '{{returnNote}}',
        'Merci et à bientôt.',
      ],
      details: ['item', 'borrower', 'dueAt', 'returnedAt', 'desk'],
      audience: 'borrower',
    },
    overdue_escalation: {
      subject: 'Retard de {{lateBy}} : « {{itemName}} », {{borrowerName}}',
      preheader: 'Attendu le {{dueAt}}, ici : {{desk}}',
      heading: 'Un prêt est en retard dans votre service',
      paragraphs: [
        '{{greeting}}',
        '{{borrowerName}} n’a pas encore rendu le matériel « {{itemName}} » (n° {{inventoryNumber}}), attendu le {{dueAt}}. Retard actuel : {{lateBy}}.',
        'Le retour est attendu ici : {{desk}}.',
      ],
      details: ['item', 'borrower', 'startsAt', 'dueAt', 'lateBy', 'desk', 'notes'],
      audience: 'manager',
    },
    daily_report: {
      subject: 'Rapport du {{reportDate}} : {{department}}',
      preheader: '{{reportSummary}}',
      heading: 'Rapport quotidien',
      paragraphs: [
        '{{greeting}}',
        'Voici le point du {{reportDate}} pour {{department}} : {{reportSummary}}.',
      ],
      details: [],
      audience: 'manager',
    },
  },
  dueDay: {
    today: {
      subject: 'Aujourd’hui : « {{itemName}} » à rendre à {{dueTime}}',
      heading: 'Retour aujourd’hui',
      when: 'aujourd’hui, le {{dueAt}}',
    },
    tomorrow: {
      subject: 'Rappel : « {{itemName}} » à rendre demain à {{dueTime}}',
      heading: 'Retour demain',
      when: 'demain, le {{dueAt}}',
    },
    inDays: {
      subject: 'Rappel : « {{itemName}} » à rendre le {{dueAt}}',
      heading: 'Retour dans {{daysLeft}} jours',
      when: 'dans {{daysLeft}} jours, le {{dueAt}}',
    },
    passed: {
      subject: 'Rappel : « {{itemName}} » à rendre le {{dueAt}}',
      heading: 'Rappel de retour',
      when: 'le {{dueAt}}',
    },
  },
  detailLabels: {
    item: 'Matériel',
    borrower: 'Emprunteur',
    startsAt: 'Début du prêt',
    dueAt: 'Retour prévu',
    returnedAt: 'Rendu le',
    lateBy: 'Retard',
    desk: 'Lieu de retour',
    notes: 'Remarques',
  },
  itemWithNumber: '{{itemName}} (n° {{inventoryNumber}})',
  labelSeparator: ' : ',
  greeting: 'Bonjour {{recipientName}},',
  greetingWithoutName: 'Bonjour,',
  borrowerPhraseClient: 'à votre nom',
  borrowerPhraseRoom: 'pour {{roomName}}',
  guestRoom: '{{name}} (chambre {{room}})',
  returnedOnTime: 'Il a été rendu à temps (retour prévu le {{dueAt}}).',
  returnedLate: 'Il a été rendu avec {{returnedLateBy}} de retard (retour prévu le {{dueAt}}).',
  signature: 'L’équipe {{department}}',
  brand: 'Rappel · {{department}}',
  footer: {
    borrower: 'Vous recevez ce message parce qu’un prêt de matériel est enregistré auprès de {{department}}.',
    manager: 'Vous recevez ce message en tant que responsable de {{department}}.',
  },
  preferencesLink: 'Gérer mes préférences de notification',
  unsubscribeLink: 'Ne plus recevoir ces e-mails',
  noNotes: '—',
  ics: {
    filename: 'retour-materiel.ics',
    summary: 'Retour : {{itemName}} (n° {{inventoryNumber}})',
    description: 'Merci de rapporter « {{itemName}} » (n° {{inventoryNumber}}) ici : {{desk}}.',
  },
  report: {
    dueToday: 'À rendre aujourd’hui',
    overdue: 'En retard',
    yesterday: 'Messages d’hier',
    failures: 'Échecs à vérifier',
    none: 'Aucun.',
    more: '… et {{count}} de plus.',
    dueTodayLine: '« {{itemName}} » (n° {{inventoryNumber}}), {{borrowerName}} : retour à {{dueTime}}',
    overdueLine:
      '« {{itemName}} » (n° {{inventoryNumber}}), {{borrowerName}} : attendu le {{dueAt}}, {{lateBy}} de retard',
    failureLine: '{{kind}} par {{channel}} à {{recipientName}} : {{errorCode}}, le {{failedAt}}',
    noErrorCode: 'sans code',
    summary: (due, late) =>
      `${due === 0 ? 'aucun retour attendu' : due === 1 ? '1 retour attendu' : `${due} retours attendus`}, ${
        late === 0 ? 'aucun prêt en retard' : late === 1 ? '1 prêt en retard' : `${late} prêts en retard`
      }`,
    statuses: {
      pending: 'en attente',
      sent: 'envoyés',
      delivered: 'distribués',
      read: 'lus',
      failed: 'en échec (nouvel essai prévu)',
      permanent_failure: 'échecs définitifs',
      undelivered: 'non distribués',
      skipped: 'non envoyés (désactivés ou sans objet)',
      cancelled: 'annulés',
    },
    kinds: {
      loan_created: 'Confirmation de prêt',
      reminder_2h: 'Rappel avant l’échéance',
      reminder_d2: 'Rappel à deux jours',
      reminder_d1: 'Rappel de la veille',
      reminder_due_day: 'Rappel du jour',
      overdue: 'Alerte de retard',
      loan_returned: 'Confirmation de retour',
      overdue_escalation: 'Alerte aux responsables',
      daily_report: 'Rapport quotidien',
    },
    channels: { email: 'e-mail', whatsapp: 'WhatsApp' },
  },
});

import type { Language } from '@rappel/contracts';
import { wallClock } from '@rappel/domain';

const WEEKDAYS: Record<Language, readonly string[]> = {
  fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS: Record<Language, readonly string[]> = {
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};

/** "vendredi 4 décembre", "mardi 1er décembre" / "Friday 4 December", in the site zone. */
export function formatDate(instant: Date, zone: string, language: Language): string {
  const local = wallClock(instant, zone);
  const day = local.getUTCDate();
  const weekday = WEEKDAYS[language][local.getUTCDay()];
  const month = MONTHS[language][local.getUTCMonth()];
  return `${weekday} ${language === 'fr' && day === 1 ? '1er' : day} ${month}`;
}

/** "vendredi 4 décembre à 10:00" / "Friday 4 December at 10:00", in the site zone. */
export function formatDateTime(instant: Date, zone: string, language: Language): string {
  const time = formatTime(instant, zone);
  return `${formatDate(instant, zone, language)} ${language === 'fr' ? 'à' : 'at'} ${time}`;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** "10:00". */
export function formatTime(instant: Date, zone: string): string {
  const local = wallClock(instant, zone);
  return `${twoDigits(local.getUTCHours())}:${twoDigits(local.getUTCMinutes())}`;
}

/**
 * A duration for a person, two largest units: "2 jours et 3 heures", "45 minutes",
 * "1 day and 2 hours". Under a minute counts as one minute.
 */
export function formatDuration(ms: number, language: Language): string {
  const totalMinutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const words =
    language === 'fr'
      ? { d: ['jour', 'jours'], h: ['heure', 'heures'], m: ['minute', 'minutes'], and: 'et' }
      : { d: ['day', 'days'], h: ['hour', 'hours'], m: ['minute', 'minutes'], and: 'and' };
  const part = (n: number, [one, many]: string[]) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    days ? part(days, words.d) : null,
    hours ? part(hours, words.h) : null,
    minutes && !days ? part(minutes, words.m) : null,
  ].filter((p): p is string => p !== null);
  return parts.slice(0, 2).join(` ${words.and} `);
}

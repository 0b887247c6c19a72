import type { Language } from '@rappel/contracts';
import { DateTime } from 'luxon';

export function formatInstant(value: Date | null | undefined, lang: Language, zone: string): string {
  if (!value) return '';
  return DateTime.fromJSDate(value, { zone }).toFormat(
    lang === 'fr' ? 'dd/LL/yyyy HH:mm' : 'yyyy-LL-dd HH:mm',
  );
}

/**
 * A local day (`YYYY-MM-DD`) as each language writes it beside `formatInstant`: `28/11/2026` in
 * French, unchanged in English; `short` leaves out the year (a chart's axis): `28/11`, `11-28`.
 */
export function formatDay(day: string, lang: Language, short = false): string {
  const [year, month, date] = day.split('-');
  if (lang === 'en') return short ? `${month}-${date}` : day;
  return short ? `${date}/${month}` : `${date}/${month}/${year}`;
}

export function formatNumber(value: number, lang: Language): string {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(value);
}

export function formatPercent(value: number | null, lang: Language): string {
  if (value === null) return '—';
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(value);
}

/**
 * "45 s", "3 min 20 s", "2 h 05". The value is rounded to what is shown (a tenth of a second,
 * a second, a minute) before it is split, so 119.7 reads "2 min 00 s", never "1 min 60 s".
 */
export function formatSeconds(value: number | null): string {
  if (value === null) return '—';
  const tenths = Math.round(value * 10) / 10;
  if (tenths < 60) return `${tenths} s`;
  const seconds = Math.round(value);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${twoDigits(seconds % 60)} s`;
  const minutes = Math.round(value / 60);
  return `${Math.floor(minutes / 60)} h ${twoDigits(minutes % 60)}`;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

import type { Language } from '@rappel/contracts';
import { DateTime } from 'luxon';

export function formatInstant(value: Date | null | undefined, lang: Language, zone: string): string {
  if (!value) return '';
  return DateTime.fromJSDate(value, { zone }).toFormat(
    lang === 'fr' ? 'dd/LL/yyyy HH:mm' : 'yyyy-LL-dd HH:mm',
  );
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

/** "45 s", "3 min 20 s", "2 h 05". */
export function formatSeconds(value: number | null): string {
  if (value === null) return '—';
  if (value < 60) return `${Math.round(value * 10) / 10} s`;
  if (value < 3600)
    return `${Math.floor(value / 60)} min ${String(Math.round(value % 60)).padStart(2, '0')} s`;
  return `${Math.floor(value / 3600)} h ${String(Math.round((value % 3600) / 60)).padStart(2, '0')}`;
}

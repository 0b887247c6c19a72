import { describe, expect, it } from 'vitest';
import { translator } from '../i18n';
import { historyQuerySchema } from '../notifications/filters';
import { rangeQuerySchema } from '../stats/range';
import { FIELD_LABELS } from './error-pages';

describe('FIELD_LABELS', () => {
  it('names every query parameter a page validates, in both languages', () => {
    const fields = new Set([
      ...Object.keys(historyQuerySchema.shape),
      ...Object.keys(rangeQuerySchema.shape),
    ]);
    expect(Object.keys(FIELD_LABELS).sort()).toEqual([...fields].sort());
    for (const lang of ['fr', 'en'] as const) {
      const t = translator(lang);
      for (const key of Object.values(FIELD_LABELS)) expect(t(key)).not.toMatch(/^field\./);
    }
  });
});

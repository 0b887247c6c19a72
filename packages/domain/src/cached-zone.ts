import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

const HOUR_MS = 3_600_000;
/** Hours remembered per zone before the memory is cleared (a few years of hours; ~1 MB). */
const MAX_HOURS = 50_000;
/** Marks an hour with a transition in it: its instants are asked of Intl one by one. */
const MIXED = Number.NaN;

/**
 * An IANA zone (for luxon) that remembers its UTC offset per hour. luxon asks Intl
 * (`formatToParts`) for the offset of every instant it places in a zone, and profiles put that
 * among the largest costs of creating a loan (its plan's local times) and of rendering a
 * message (its dates). Offsets change only at transitions, and tzdb never has two transitions
 * within an hour of each other; so when the first and the last millisecond of an hour have the
 * same offset, every instant of that hour has it. An hour with a transition in it is not
 * remembered: each of its instants is asked of Intl, as before.
 */
class HourlyCachedZone extends Zone {
  readonly #zone: IANAZone;
  readonly #offsets = new Map<number, number>();

  constructor(zone: IANAZone) {
    super();
    this.#zone = zone;
  }

  override get type(): string {
    return 'iana';
  }
  override get name(): string {
    return this.#zone.name;
  }
  get ianaName(): string {
    return this.#zone.name;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override get isValid(): boolean {
    return this.#zone.isValid;
  }
  override offsetName(ts: number, opts: ZoneOffsetOptions): string | null {
    return this.#zone.offsetName(ts, opts);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.#zone.formatOffset(ts, format);
  }
  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }

  override offset(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    let offset = this.#offsets.get(hour);
    if (offset === undefined) {
      const first = this.#zone.offset(hour * HOUR_MS);
      offset = first === this.#zone.offset((hour + 1) * HOUR_MS - 1) ? first : MIXED;
      if (this.#offsets.size >= MAX_HOURS) this.#offsets.clear();
      this.#offsets.set(hour, offset);
    }
    return Number.isNaN(offset) ? this.#zone.offset(ts) : offset;
  }
}

const zones = new Map<string, Zone>();

/**
 * The luxon zone for an IANA name, with its offsets remembered per hour (one instance per
 * name). Throws RangeError for an unknown zone: zones are configuration, so that is a
 * programming error, not bad input.
 */
export function cachedZone(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    const iana = IANAZone.create(name); // cached per name by luxon
    if (!iana.isValid) throw new RangeError(`"${name}" is not an IANA time zone`);
    zone = new HourlyCachedZone(iana);
    zones.set(name, zone);
  }
  return zone;
}

// Reads QuantConnect LEAN's US-equity market-hours entry and renders the bundled calendar module
// (calendar-data.ts). Pure: the generator script does the file I/O, and a test re-renders the module from the
// source file to prove the checked-in data is current. It refuses a source it does not fully understand
// (unknown keys, other weekday hours, another time zone) rather than silently dropping facts.

/** What the calendar module holds: weekday full closures and weekday early closes, sorted YYYY-MM-DD. */
export interface CalendarSourceData {
  holidays: string[];
  /** Early closes grouped by their New York close time (HH:MM). */
  earlyCloses: Record<string, string[]>;
  firstYear: number;
  lastYear: number;
  /** Weekend dates the source lists (a Saturday holiday means nothing to a closed exchange): dropped. */
  droppedWeekendDates: string[];
}

const KNOWN_ENTRY_KEYS = new Set([
  'dataTimeZone', 'exchangeTimeZone', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday',
  'saturday', 'holidays', 'earlyCloses',
]);
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;
/** The hours every weekday must have; the session config (SESSION_DEFAULTS) assumes exactly these. */
const EXPECTED_WEEKDAY_HOURS = JSON.stringify([
  { start: '04:00:00', end: '09:30:00', state: 'premarket' },
  { start: '09:30:00', end: '16:00:00', state: 'market' },
  { start: '16:00:00', end: '20:00:00', state: 'postmarket' },
]);

function fail(message: string): never {
  throw new Error(`LEAN market-hours source: ${message}`);
}

/** `M/D/YYYY` (LEAN, not zero-padded) to `YYYY-MM-DD`, checking that the date exists. */
export function leanDateToIso(text: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!m) fail(`date ${JSON.stringify(text)} is not M/D/YYYY`);
  const month = Number(m[1]);
  const day = Number(m[2]);
  const year = Number(m[3]);
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) {
    fail(`date ${JSON.stringify(text)} does not exist`);
  }
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function isWeekend(iso: string): boolean {
  const dow = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
}

export function parseLeanMarketHours(json: unknown): CalendarSourceData {
  if (typeof json !== 'object' || json === null) fail('is not an object');
  const entry = (json as { entry?: unknown }).entry;
  if (typeof entry !== 'object' || entry === null) fail('has no "entry" object');
  const e = entry as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!KNOWN_ENTRY_KEYS.has(key)) fail(`entry has an unknown key ${JSON.stringify(key)} (late opens? the generator must learn it)`);
  }
  if (e.exchangeTimeZone !== 'America/New_York') fail(`exchangeTimeZone is ${JSON.stringify(e.exchangeTimeZone)}`);
  for (const day of WEEKDAYS) {
    if (JSON.stringify(e[day]) !== EXPECTED_WEEKDAY_HOURS) fail(`${day} hours are not 04:00/09:30/16:00/20:00`);
  }
  for (const day of ['saturday', 'sunday']) {
    if (!Array.isArray(e[day]) || (e[day] as unknown[]).length !== 0) fail(`${day} is not closed`);
  }
  if (!Array.isArray(e.holidays)) fail('holidays is not an array');
  if (typeof e.earlyCloses !== 'object' || e.earlyCloses === null) fail('earlyCloses is not an object');

  const dropped: string[] = [];
  const holidays = new Set<string>();
  for (const raw of e.holidays as unknown[]) {
    if (typeof raw !== 'string') fail(`holiday ${JSON.stringify(raw)} is not a string`);
    const iso = leanDateToIso(raw);
    if (isWeekend(iso)) dropped.push(iso);
    else holidays.add(iso);
  }
  const earlyCloses: Record<string, string[]> = {};
  for (const [raw, time] of Object.entries(e.earlyCloses as Record<string, unknown>)) {
    const iso = leanDateToIso(raw);
    if (typeof time !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d:00$/.test(time)) {
      fail(`early close ${raw} time ${JSON.stringify(time)} is not HH:MM:00`);
    }
    if (holidays.has(iso)) fail(`${iso} is both a holiday and an early close`);
    if (isWeekend(iso)) {
      dropped.push(iso);
      continue;
    }
    const hhmm = time.slice(0, 5);
    (earlyCloses[hhmm] ??= []).push(iso);
  }
  const sortedHolidays = [...holidays].sort();
  for (const list of Object.values(earlyCloses)) list.sort();
  const years = [...sortedHolidays, ...Object.values(earlyCloses).flat()].map((d) => Number(d.slice(0, 4)));
  if (years.length === 0) fail('lists no holidays');
  return {
    holidays: sortedHolidays,
    earlyCloses,
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
    droppedWeekendDates: dropped.sort(),
  };
}

function dateLines(dates: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < dates.length; i += 8) {
    lines.push(`  ${dates.slice(i, i + 8).map((d) => `'${d}'`).join(', ')},`);
  }
  return lines.join('\n');
}

/** The text of calendar-data.ts. Deterministic: same source, same bytes. */
export function renderCalendarModule(data: CalendarSourceData, sourceDescription: string): string {
  const earlyTimes = Object.keys(data.earlyCloses).sort();
  const earlyCount = earlyTimes.reduce((n, t) => n + (data.earlyCloses[t]?.length ?? 0), 0);
  return [
    '// GENERATED by projections/src/session/generate-calendar.ts from projections/data/lean/market-hours-equity-usa.json;',
    '// do not edit by hand. The bundled NYSE calendar: weekday full closures and weekday early closes.',
    `// Source: ${sourceDescription}.`,
    '// Data from QuantConnect LEAN (https://github.com/QuantConnect/Lean), Apache License 2.0; see',
    '// projections/data/NOTICE.md and projections/data/lean/LICENSE-Apache-2.0.txt.',
    `// ${data.holidays.length} weekday holidays and ${earlyCount} weekday early closes, ${data.firstYear}-${data.lastYear}.`,
    `// Weekend dates in the source, dropped (weekends are closed anyway): ${data.droppedWeekendDates.join(', ') || 'none'}.`,
    '',
    `export const CALENDAR_FIRST_YEAR = ${data.firstYear};`,
    `export const CALENDAR_LAST_YEAR = ${data.lastYear};`,
    '',
    '/** Weekday full-day closures (holidays and unscheduled closures), sorted YYYY-MM-DD. */',
    'export const HOLIDAYS: readonly string[] = [',
    dateLines(data.holidays),
    '];',
    '',
    '/** Weekday early closes, keyed by the regular-session close time (HH:MM New York); each list sorted. */',
    'export const EARLY_CLOSES: Readonly<Record<string, readonly string[]>> = {',
    ...earlyTimes.map((t) => `  '${t}': [\n${dateLines(data.earlyCloses[t] ?? []).replace(/^/gm, '  ')}\n  ],`),
    '};',
    '',
  ].join('\n');
}

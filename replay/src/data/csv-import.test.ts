// CSV parsing: header variants, timestamps, and errors that name the line and the field.
import { parseBarsCsv, parseTs } from './csv-import';

const HEADER = 'symbol,ts,open,high,low,close,volume';

test('epoch ms and ISO-8601 with Z or an offset give the same instant', () => {
  const utc = Date.UTC(2013, 9, 7, 13, 30);
  expect(parseTs(String(utc), 'x')).toBe(utc);
  expect(parseTs('2013-10-07T13:30:00Z', 'x')).toBe(utc);
  expect(parseTs('2013-10-07T09:30:00-04:00', 'x')).toBe(utc);
  expect(parseTs('2013-10-07 09:30-0400', 'x')).toBe(utc);
  expect(parseTs('2013-10-07T13:30:00.250Z', 'x')).toBe(utc + 250);
  expect(parseTs('2013-10-07T13:30:00.5Z', 'x')).toBe(utc + 500);
});

test('optional vwap and trades columns; empty means null', () => {
  const { bars, lines } = parseBarsCsv(
    `${HEADER},vwap,trades\nSPY,2013-10-07T13:30:00Z,168.1,168.5,167.9,168.2,1200,168.2,31\nSPY,2013-10-07T13:31:00Z,168.2,168.3,168,168.1,900,,\n`,
    'b.csv',
  );
  expect(bars.map((b) => [b.vwap, b.trades])).toEqual([[168.2, 31], [null, null]]);
  expect(lines).toEqual([2, 3]);
  expect(parseBarsCsv(`${HEADER},trades\r\nSPY,1381152600000,1,1,1,1,5,7\r\n`, 'b.csv').bars[0]!.trades).toBe(7);
  expect(parseBarsCsv(`\uFEFF${HEADER}\nSPY,1381152600000,1,1,1,1,5\n`, 'b.csv').bars[0]!.vwap).toBeNull();
});

test.each([
  [`symbol,time,open,high,low,close,volume\n`, /^b\.csv line 1: header is 'symbol,time,/],
  [`${HEADER},trades,vwap\n`, /^b\.csv line 1: header/],
  [`${HEADER}\nSPY,1381152600000,1,1,1,1\n`, /^b\.csv line 2: expected 7 fields/],
  [`${HEADER}\n\nSPY,1381152600000,abc,1,1,1,5\n`, /^b\.csv line 3: field 'open' = 'abc' is not a decimal number/],
  [`${HEADER}\nSPY,1381152600000,1,1,1,,5\n`, /^b\.csv line 2: field 'close' is empty/],
  [`${HEADER}\nSPY,1381152600000,1,1,2,1,5\n`, /^b\.csv line 2: field 'high' = 1 is below field 'low' = 2/],
  [`${HEADER}\nSPY,1381152600000,1,1,1,1,-5\n`, /^b\.csv line 2: field 'volume' = -5/],
  [`${HEADER}\nSPY,1381152600000,1,1,1,1,2.5\n`, /^b\.csv line 2: field 'volume' = 2\.5/],
  [`${HEADER}\nSPY,1381152600000,NaN,1,1,1,5\n`, /^b\.csv line 2: field 'open' = 'NaN' is not a decimal number/],
  [`${HEADER}\nSPY,1381152600000,1,Infinity,1,1,5\n`, /^b\.csv line 2: field 'high' = 'Infinity'/],
  [`${HEADER}\nSPY,1381152600,1,1,1,1,5\n`, /^b\.csv line 2: field 'ts' = 1381152600 is outside .*\(epoch seconds\? ts must be epoch milliseconds\)/],
  [`${HEADER}\nSPY,2013-10-07T09:30:00,1,1,1,1,5\n`, /^b\.csv line 2: field 'ts' = '2013-10-07T09:30:00' has no UTC offset/],
  [`${HEADER}\nSPY,2013-02-30T09:30:00Z,1,1,1,1,5\n`, /^b\.csv line 2: field 'ts' = '2013-02-30T09:30:00Z' is not a real date/],
  [`${HEADER}\nSPY,yesterday,1,1,1,1,5\n`, /^b\.csv line 2: field 'ts' = 'yesterday' is neither/],
  [`${HEADER}\nspy,1381152600000,1,1,1,1,5\n`, /^b\.csv line 2: field 'symbol' = 'spy'/],
  [`${HEADER}\nSPY,1381152600000,1,1,1,1,5\nSPY,2013-10-07T13:30:00Z,1,1,1,1,5\n`, /^b\.csv line 3: a second bar for SPY at ts 1381152600000 .* the first is on line 2/],
])('error %#', (text, message) => {
  expect(() => parseBarsCsv(text, 'b.csv')).toThrow(message);
});

// corporate-actions.json: strict parsing, canonical writing.
import { formatCorporateActions, parseCorporateActions } from './corporate-actions';

test('round trip, sorted by exDate then symbol', () => {
  const text = '[{"symbol":"TSLA","exDate":"2020-08-31","kind":"split","ratio":5},{"symbol":"AAPL","exDate":"2020-08-31","kind":"split","ratio":4},{"symbol":"AAPL","exDate":"2014-06-09","kind":"split","ratio":7}]';
  const actions = parseCorporateActions(text, 'ca.json');
  expect(actions.map((a) => `${a.exDate} ${a.symbol}`)).toEqual(['2014-06-09 AAPL', '2020-08-31 AAPL', '2020-08-31 TSLA']);
  expect(parseCorporateActions(formatCorporateActions(actions), 'ca.json')).toEqual(actions);
  expect(formatCorporateActions([{ symbol: 'AAPL', exDate: '2014-06-09', kind: 'split', ratio: 7 }]))
    .toBe('[\n  {\n    "symbol": "AAPL",\n    "exDate": "2014-06-09",\n    "kind": "split",\n    "ratio": 7\n  }\n]\n');
});

test.each([
  ['{}', /expected a JSON array/],
  ['[{"symbol":"AAPL","exDate":"2014-06-09","kind":"split","ratio":7,"note":"x"}]', /entry 0: unknown field 'note' = 'x'/],
  ['[{"symbol":"aapl","exDate":"2014-06-09","kind":"split","ratio":7}]', /entry 0: field 'symbol' = 'aapl'/],
  ['[{"symbol":"AAPL","exDate":"2014-06-31","kind":"split","ratio":7}]', /entry 0: field 'exDate' = '2014-06-31'/],
  ['[{"symbol":"AAPL","exDate":"2014-06-09","kind":"dividend","ratio":7}]', /entry 0: field 'kind' = 'dividend'/],
  ['[{"symbol":"AAPL","exDate":"2014-06-09","kind":"split","ratio":1}]', /entry 0: field 'ratio' = 1 /],
  ['[{"symbol":"AAPL","exDate":"2014-06-09","kind":"split","ratio":-7}]', /entry 0: field 'ratio' = -7 /],
  ['[{"symbol":"AAPL","exDate":"2014-06-09","kind":"split"}]', /entry 0: field 'ratio' = missing/],
  ['[{"symbol":"AAPL","exDate":"2014-06-09","kind":"split","ratio":7},{"symbol":"AAPL","exDate":"2014-06-09","kind":"split","ratio":2}]', /two 'split' actions for AAPL on 2014-06-09/],
  ['[', /not valid JSON/],
])('refuses %s', (text, message) => {
  expect(() => parseCorporateActions(text, 'ca.json')).toThrow(message);
});

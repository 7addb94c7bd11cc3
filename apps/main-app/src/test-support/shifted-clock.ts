// Preloaded (`node --import`) into a service the end-to-end test starts, so that its clock
// reads AZORA_TEST_NOW when it starts and ticks on from there: the test's dates (a request
// received on a given Friday, its deadlines, whether it is overdue) then mean the same
// whatever day the test runs. Only `Date` moves; timers and `performance` keep real time.
const target = Date.parse(process.env.AZORA_TEST_NOW ?? '');
if (Number.isNaN(target)) throw new Error('shifted-clock: set AZORA_TEST_NOW to an ISO 8601 instant');

const RealDate = Date;
const offset = target - RealDate.now();
const now = () => RealDate.now() + offset;

// A proxy rather than a subclass: dates stay plain `Date`s (same prototype, `instanceof`
// either way), and `Date()` called as a function still gives a string.
globalThis.Date = new Proxy(RealDate, {
  construct: (Target, args: unknown[]) =>
    args.length === 0 ? new Target(now()) : new Target(...(args as [string | number | Date])),
  apply: () => new RealDate(now()).toString(),
  get: (Target, property, receiver) => (property === 'now' ? now : Reflect.get(Target, property, receiver)),
});

/**
 * Preloaded into the journeys' server (`node --import`) when they run at another instant than the
 * real one: `Date` reads the real clock moved by E2E_CLOCK_SHIFT_MS, and time runs on from there.
 * So the BFF ("today" on the tablet), the embedded ERPNext (its timestamps) and the embedded hub
 * (modem readings, positions, SMS) agree with the browsers and the tests on the time and the day.
 */
const shift = Number(process.env.E2E_CLOCK_SHIFT_MS ?? '0')

if (Number.isFinite(shift) && shift !== 0) {
  const RealDate = Date
  const now = () => RealDate.now() + shift
  const ShiftedDate = function ShiftedDate(...args: unknown[]): Date | string {
    if (!new.target) return new RealDate(now()).toString()
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target) as Date
  } as unknown as DateConstructor
  Object.defineProperties(ShiftedDate, {
    prototype: { value: RealDate.prototype },
    parse: { value: RealDate.parse },
    UTC: { value: RealDate.UTC },
    now: { value: now },
  })
  globalThis.Date = ShiftedDate
}

export {}

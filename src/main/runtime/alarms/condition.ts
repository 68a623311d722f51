// Whether an alarm's process condition holds, with the deadband as
// hysteresis: an active condition clears only once the value is `deadband`
// inside its limit, so a value hovering at the limit does not chatter.
import type { AlarmKind } from '../../../shared/alarms';

/**
 * The condition of a limit alarm (hihi/hi/lo/lolo), a deviation (`value` is
 * |PV - SP|) or a rate of change (`value` is |units per second|). `wasActive`
 * is the condition's last outcome.
 */
export function limitCondition(kind: AlarmKind, value: number, limit: number, deadband: number, wasActive: boolean): boolean {
  switch (kind) {
    case 'lo':
    case 'lolo':
      return wasActive ? value < limit + deadband : value < limit;
    default:
      return wasActive ? value > limit - deadband : value > limit;
  }
}

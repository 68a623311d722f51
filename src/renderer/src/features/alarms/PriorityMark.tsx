// An alarm priority as a shape with its number in it: 1 a red square,
// 2 an orange triangle, 3 a yellow diamond, 4 a blue circle, diagnostic a
// violet-grey hexagon with "D". Shape, number and colour each tell it alone,
// so the mark reads in greyscale and for colour-blind operators (ISA-101).
import type { AlarmPriority } from '../../../../shared/alarms';
import { PRIORITY_TEXT, priorityKey } from './alarmList';

const DIGIT: Record<string, string> = { '1': '1', '2': '2', '3': '3', '4': '4', diagnostic: 'D' };

interface PriorityMarkProps {
  readonly priority: AlarmPriority;
  /** A returned (cleared) alarm: the shape is drawn hollow. */
  readonly hollow?: boolean;
  readonly testId?: string;
}

export function PriorityMark({ priority, hollow = false, testId }: PriorityMarkProps) {
  const key = priorityKey(priority);
  return (
    <span
      className="prio-mark"
      data-priority={key}
      data-hollow={hollow || undefined}
      data-testid={testId}
      title={PRIORITY_TEXT[key]}
      role="img"
      aria-label={PRIORITY_TEXT[key]}
    >
      <span className="prio-shape" aria-hidden="true" />
      <span className="prio-digit" aria-hidden="true">
        {DIGIT[key]}
      </span>
    </span>
  );
}

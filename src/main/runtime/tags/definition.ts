// What the tag engine knows of a tag: everything but where its value comes from.
import type { TagDataType } from '../../../shared/types';
import type { PlausibilityLimits } from './plausibility';
import type { LinearScale } from './scaling';

export interface TagDefinition {
  readonly path: string;
  readonly device: string;
  /** As written in the project file. */
  readonly address: string;
  /** The address as the device's driver module parsed it, once, at load; absent for tags no driver reads (offline review, engine benchmarks). */
  readonly parsedAddress?: unknown;
  readonly dataType: TagDataType;
  readonly units: string;
  readonly description: string;
  readonly writable: boolean;
  /** Writes outside these (engineering units) are refused; a side left out defaults to the scale's EU range (writer/plan.ts). */
  readonly writeLimits?: { readonly min?: number; readonly max?: number };
  /** An integer tag written a value between two of its steps: refuse (the default) or round. */
  readonly writeRounding?: 'refuse' | 'round';
  readonly scale?: LinearScale;
  /** In engineering units; 0 publishes every change. */
  readonly deadband: number;
  readonly limits?: PlausibilityLimits;
  /** How the historian records it; false: not at all; absent: on change, with the defaults. */
  readonly history?: TagHistory | false;
}

export interface TagHistory {
  readonly deadband?: number;
  readonly deadbandPercent?: number;
  readonly maxIntervalMs: number;
  readonly swingingDoor?: number;
  readonly decimals?: number;
}

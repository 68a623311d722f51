// From a project to what the historian records: which tags, at which
// precision, with which policy, in which retention group. Every tag is
// recorded, text tags (data type string) too: as text, on change.
import { matchesPattern } from '../../../shared/tagPath';
import type { HistorianConfig } from '../project/schema';
import type { TagDefinition } from '../tags/definition';
import type { HistorizedTag } from './historian';
import type { RetentionRule } from './protocol';

const INTEGER_TYPES = new Set(['int16', 'uint16', 'int32', 'uint32']);
const DAY_MS = 86_400_000;
const DEFAULT_MAX_INTERVAL_MS = 900_000;

/**
 * The precision a tag's values really have, so they are stored as integers:
 * a scaled register's counts (v = euMin + k·gain, the engine's own formula),
 * an integer's units, a bool's 0/1. Float tags without declared decimals get
 * none (the codec then keeps their exact bits).
 */
function precisionOf(tag: TagDefinition): { step?: number; offset?: number } {
  if (tag.dataType === 'bool') return { step: 1, offset: 0 };
  if (!INTEGER_TYPES.has(tag.dataType)) return {};
  if (!tag.scale) return { step: 1, offset: 0 };
  const { rawMin, rawMax, euMin, euMax } = tag.scale;
  if (!Number.isInteger(rawMin) || tag.scale.clamp) return {};
  return { step: (euMax - euMin) / (rawMax - rawMin), offset: euMin };
}

function spanOf(tag: TagDefinition): number | undefined {
  if (tag.scale) return Math.abs(tag.scale.euMax - tag.scale.euMin);
  if (tag.limits?.min !== undefined && tag.limits.max !== undefined) return tag.limits.max - tag.limits.min;
  return undefined;
}

export function historizedTags(tags: readonly TagDefinition[], config: HistorianConfig): HistorizedTag[] {
  const out: HistorizedTag[] = [];
  for (const tag of tags) {
    if (tag.history === false) continue;
    const history = tag.history;
    const span = spanOf(tag);
    const percent = history?.deadbandPercent !== undefined && span !== undefined ? (history.deadbandPercent / 100) * span : 0;
    const group = config.retention.find((rule) => rule.tags.some((pattern) => matchesPattern(pattern, tag.path)))?.name ?? '';
    const decimals = history?.decimals;
    if (tag.dataType === 'string') {
      // A text tag: kept on change as text (textRecorder.ts), with the heartbeat; no precision, no deadband.
      out.push({
        path: tag.path,
        units: tag.units,
        description: tag.description,
        dataType: tag.dataType,
        group,
        policy: { deadband: 0, maxIntervalMs: history?.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS },
      });
      continue;
    }
    out.push({
      path: tag.path,
      units: tag.units,
      description: tag.description,
      dataType: tag.dataType,
      group,
      // Declared decimals make a float an integer count of 10^-decimals.
      ...(decimals !== undefined && !INTEGER_TYPES.has(tag.dataType) && tag.dataType !== 'bool'
        ? { decimals, step: 10 ** -decimals, offset: 0 }
        : precisionOf(tag)),
      policy: {
        deadband: Math.max(history?.deadband ?? 0, percent),
        maxIntervalMs: history?.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS,
        swingingDoor: history?.swingingDoor,
      },
    });
  }
  return out;
}

export function retentionRules(config: HistorianConfig): RetentionRule[] {
  return config.retention.map((rule) => ({
    group: rule.name,
    maxAgeMs: rule.maxAgeDays === undefined ? undefined : rule.maxAgeDays * DAY_MS,
    maxBytes: rule.maxSizeMB === undefined ? undefined : rule.maxSizeMB * 1024 * 1024,
  }));
}

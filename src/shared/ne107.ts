// NAMUR NE107 status of a device or an instrument, shared by tags, devices
// and alarms. Pure TypeScript: no Node, no DOM. It imports nothing, so both
// types.ts and alarms.ts can build on it.
/** NAMUR NE107 status: Good, Failure, Check function, Out of specification, Maintenance required. */
export const NE107_STATUSES = ['good', 'F', 'C', 'S', 'M'] as const;
export type Ne107Status = (typeof NE107_STATUSES)[number];
export type Ne107Category = Exclude<Ne107Status, 'good'>;

/** Higher is worse: F > C > S > M > good, the order NE107 shows them in. */
export const NE107_RANK: Readonly<Record<Ne107Status, number>> = { good: 0, M: 1, S: 2, C: 3, F: 4 };

export function worstNe107(a: Ne107Status, b: Ne107Status): Ne107Status {
  return NE107_RANK[b] > NE107_RANK[a] ? b : a;
}

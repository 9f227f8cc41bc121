/**
 * Groups a newest-first list by batch: the members of one batch submission (same batchId) go
 * together, where the first of them appears; everything else stays a group of one, in order.
 */
export function groupByBatch<T extends { id: string; batchId: string | null }>(items: readonly T[]): Array<{ key: string; batchId: string | null; items: T[] }> {
  const groups: Array<{ key: string; batchId: string | null; items: T[] }> = [];
  const byBatch = new Map<string, T[]>();
  for (const item of items) {
    if (item.batchId) {
      const members = byBatch.get(item.batchId);
      if (members) {
        members.push(item);
        continue;
      }
      const group = { key: `batch:${item.batchId}`, batchId: item.batchId, items: [item] };
      byBatch.set(item.batchId, group.items);
      groups.push(group);
    } else {
      groups.push({ key: item.id, batchId: null, items: [item] });
    }
  }
  return groups;
}

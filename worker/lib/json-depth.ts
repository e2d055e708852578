/**
 * Whether any object or array in a parsed JSON value sits deeper than `max` levels (the value itself is level 1).
 * Iterative, because the point is that the value may be deep: a Durable Object RPC call cannot copy a value nested
 * a few thousand levels (the copy overflows the stack), so such input is refused before it is passed on.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

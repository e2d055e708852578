/**
 * Whether any object or array in a parsed JSON value sits deeper than `max` levels (the value itself is level 1).
 * Iterative, because the point is that the value may be deep: a Durable Object RPC call cannot copy a value nested
 * a few thousand levels (the copy overflows the stack), so such input is refused before it is passed on.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  // Two parallel stacks rather than a [node, depth] pair per node: every webhook passes through here.
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > max) return true;
    if (Array.isArray(node)) {
      for (const child of node) if (child !== null && typeof child === "object") (nodes.push(child), depths.push(depth + 1));
    } else {
      for (const key in node) {
        const child = (node as Record<string, unknown>)[key];
        if (child !== null && typeof child === "object") (nodes.push(child), depths.push(depth + 1));
      }
    }
  }
  return false;
}

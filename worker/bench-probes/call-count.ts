/**
 * Every call from one object kind (or the stateless worker) to another, counted by caller, binding and method, for
 * the scale simulation (bench/scale.ts, issue #21): it asserts that a webhook never calls the Directory and
 * lists every other hop. Only a deployment with BENCH_COUNT_CALLS=1 counts (the simulation's own: the proxies
 * allocate on every call, which the rest of the benchmark must not measure); everywhere else `countedEnv` returns
 * the env untouched. The counts live in the isolate's module scope, which the local runtime shares between the worker and
 * its objects, and are read and reset through GET/DELETE /bench/calls.
 */
const counts = new Map<string, number>();

type Namespace = { get: (...args: unknown[]) => object; getByName?: (name: string) => object };

function isNamespace(value: unknown): value is Namespace {
  return typeof value === "object" && value !== null && typeof (value as Namespace).get === "function" && typeof (value as { idFromName?: unknown }).idFromName === "function";
}

function countedStub(stub: object, label: string): object {
  return new Proxy(stub, {
    get(target, method) {
      const value = Reflect.get(target, method);
      if (typeof method !== "string" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const key = `${label}.${method}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return (target as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
      };
    },
  });
}

function countedNamespace(namespace: Namespace, binding: string, caller: string): Namespace {
  const label = `${caller} → ${binding}`;
  return new Proxy(namespace, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property === "get" || property === "getByName") return (...args: unknown[]) => countedStub((value as (...a: unknown[]) => object).apply(target, args), label);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function isQueue(value: unknown): value is object {
  return typeof value === "object" && value !== null && typeof (value as { sendBatch?: unknown }).sendBatch === "function";
}

export function countedEnv<E extends object>(env: E, caller: string): E {
  if ((env as { BENCH_COUNT_CALLS?: string }).BENCH_COUNT_CALLS !== "1") return env;
  return new Proxy(env, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof property !== "string") return value;
      if (isNamespace(value)) return countedNamespace(value, property, caller);
      // A queue is a hop too: the status lane's producer puts a webhook's statuses on it.
      if (isQueue(value)) return countedStub(value, `${caller} → ${property}`);
      return value;
    },
  });
}

export function callCounts(): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

export function resetCallCounts(): void {
  counts.clear();
}

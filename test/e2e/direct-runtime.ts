import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = resolve(import.meta.dirname, "../..");

let bundled: string | null = null;

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, only not ours to signal.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What `wrangler deploy` would upload (its dry run), built once per process: the worker as Cloudflare receives it. */
function deployBundle(): string {
  if (bundled) return bundled;
  // One folder per process (tests run in several), named by its pid: a process that ended without its exit
  // handler running (a test pool kills its workers) leaves one behind, which the next bundle built here removes.
  const parent = join(tmpdir(), "inbox-bundles");
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) if (!alive(Number(name))) rmSync(join(parent, name), { recursive: true, force: true });
  const outdir = join(parent, String(process.pid));
  rmSync(outdir, { recursive: true, force: true });
  execFileSync(process.execPath, [resolve(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    stdio: "pipe",
  });
  bundled = outdir;
  // Shared by every stack this process starts; it goes with the process, not with a stack.
  process.once("exit", () => rmSync(outdir, { recursive: true, force: true }));
  return outdir;
}

/**
 * The worker served on its own socket by the runtime `wrangler dev` uses (Miniflare's workerd), from the deploy
 * bundle, with wrangler.toml's bindings, Durable Objects and queues, and `bindings` (secrets, overrides) on top.
 *
 * Why not through `wrangler dev`: its server puts two things in front of the worker that Cloudflare does not have. A
 * reload proxy, in a second workerd process, holds each request in a Durable Object and forwards it. And Miniflare's
 * entry worker, a JavaScript isolate on the worker's own thread, copies each request twice and clones its `cf`
 * object before handing it on: its garbage doubled the runtime's collection time per webhook (bench/README.md, "The
 * dev server's entry worker"). The benchmark measures the worker, and its floors, without either.
 */
export async function startDirectRuntime(options: {
  port: number;
  persistTo: string;
  bindings: Record<string, string>;
  inspectorPort?: number;
}): Promise<{ dispose(): Promise<void> }> {
  const outdir = deployBundle();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(root, "wrangler.toml"));
  // The bundle is already built: wrangler's module rules and project root describe its sources, which it replaces.
  const { rootPath: _root, modulesRules: _rules, bindings, ...worker } = workerOptions as typeof workerOptions & { rootPath?: string; modulesRules?: unknown };
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      resourcePersistencePath: options.persistTo,
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      workers: [
        {
          ...worker,
          modules: true,
          scriptPath: join(outdir, "index.js"),
          modulesRoot: outdir,
          bindings: { ...(bindings as Record<string, unknown>), ...options.bindings },
          unsafeDirectSockets: [{ host: "127.0.0.1", port: options.port }],
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  await miniflare.ready;
  return { dispose: () => miniflare.dispose() };
}

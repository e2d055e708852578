import { createRoute, z } from "@hono/zod-openapi";
import { boardSchema, reportExportQuerySchema, reportQuerySchema, reportSchema, type NumberReportData } from "../../shared/analytics";
import { conversationSchema, messageSchema } from "../../shared/inbox";
import { bucketStarts } from "../../shared/report-buckets";
import { reportCsv } from "../../shared/report-csv";
import { mergeReport } from "../analytics/merge-report";
import { respond } from "../lib/errors";
import { requireRole, requireSession } from "./auth";
import { apiRouter, type AppEnv } from "./context";
import { conversationParams } from "./conversations";
import { bearer, jsonResponses } from "./openapi-helpers";
import type { Context } from "hono";

const board = createRoute({
  method: "get",
  path: "/board",
  summary: "Live figures per number and team; each number's socket pushes its changes as `board` events",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: jsonResponses(boardSchema, "The board now"),
});

const report = createRoute({
  method: "get",
  path: "/reports",
  summary: "Conversations, messages, first response and resolution times, CSAT, per agent, team, number and tag, in the workspace's time zone",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { query: reportQuerySchema },
  responses: jsonResponses(reportSchema, "Report"),
});

const reportExport = createRoute({
  method: "get",
  path: "/reports/export.csv",
  summary: "One report table as CSV, the same cells the console shows",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { query: reportExportQuerySchema },
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
});

const review = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/conversations/{conversationId}/review",
  summary: "Any conversation, read-only, with its whole activity log (assignments, transfers, tags, automation, CSAT) for quality review",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: conversationParams },
  responses: jsonResponses(z.object({ conversation: conversationSchema, messages: z.array(messageSchema) }), "Conversation"),
});

/** 10000-01-01T00:00:00Z. */
const LAST_REPORT_INSTANT = Date.UTC(10_000, 0, 1);

/**
 * Reports are assembled here, in the stateless worker: the workspace names people, teams and numbers, each number
 * object is asked in parallel for its share, and the merge runs outside every object so none is held up by it.
 */
async function buildReport(c: Context<AppEnv>, query: z.infer<typeof reportQuerySchema>) {
  // Day buckets are walked as calendar dates, which stop existing in the year 275760; no report reaches that far.
  if (query.to > LAST_REPORT_INSTANT) return { ok: false as const, status: 400 as const, message: "to: pick a time before the year 10000 (epoch milliseconds)" };
  const principal = c.get("principal");
  const context = await c.env.WORKSPACE.getByName(principal.workspaceId).reportContext(principal);
  if (!context.ok) return context;
  const numbers = query.phoneNumberId ? context.value.numbers.filter((n) => n.phoneNumberId === query.phoneNumberId) : context.value.numbers;
  if (query.phoneNumberId && numbers.length === 0) return { ok: false as const, status: 404 as const, message: `number ${query.phoneNumberId} is not in this workspace` };
  const starts = bucketStarts(query.from, query.to, query.bucket, context.value.timeZone);
  // RPC widens the tuples' types; the shapes are the number object's own.
  const parts = (await Promise.all(numbers.map((n) => c.env.NUMBER_INBOX.getByName(n.phoneNumberId).reportData(query.from, query.to, starts, query.businessHours === "true")))) as NumberReportData[];
  return { ok: true as const, value: mergeReport({ ...context.value, numbers }, query, starts, parts) };
}

export const analyticsRoutes = apiRouter()
  .openapi(board, async (c) => {
    const principal = c.get("principal");
    const context = await c.env.WORKSPACE.getByName(principal.workspaceId).reportContext(principal);
    if (!context.ok) return respond(c, context);
    const boards = await Promise.all(context.value.numbers.map((n) => c.env.NUMBER_INBOX.getByName(n.phoneNumberId).board()));
    const numbers = context.value.numbers.flatMap((n, i) => (boards[i] ? [{ ...boards[i]!, displayName: n.displayName }] : []));
    return c.json({ numbers, timeZone: context.value.timeZone }, 200);
  })
  .openapi(report, async (c) => respond(c, await buildReport(c, c.req.valid("query"))))
  .openapi(reportExport, async (c) => {
    const query = c.req.valid("query");
    const result = await buildReport(c, query);
    if (!result.ok) return respond(c, result);
    return c.body(reportCsv(result.value, query.table), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="report-${query.table}.csv"`,
    });
  })
  .openapi(review, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).review(c.get("principal"), conversationId));
  });

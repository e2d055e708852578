import type { MessageContent } from "../../shared/message-content";
import { fillAutomationText } from "../../shared/automation-text";
import { listBody, type Recipient } from "../graph/bodies";
import type { ActivityLog } from "./activity";
import { CSAT_ANSWER_WINDOW_MS, CSAT_COMMENT_WINDOW_MS, csatRows, parseCsatChoice } from "./automation";
import type { AutomaticMessages } from "./automatic-messages";
import type { Board } from "./board";
import type { InboxContext } from "./context";
import type { LatestConversation } from "./conversations";
import { because } from "./reasons";
import type { Settings } from "./settings";

/** A customer's answer to the survey: a rating (a tap on the list) or a comment written after rating. */
export type SurveyAnswer = { conversationId: number; agentId: string | null } & ({ stars: number; comment?: undefined } | { stars?: undefined; comment: string });

/**
 * The satisfaction survey: offered on resolve as an interactive list whose row ids name the conversation, so the
 * tap (and a comment within ten minutes) is stored on the resolved conversation without reopening it. Owns the
 * conversation's `csat_*` columns; the windows and row ids are decided in `automation.ts`.
 */
export class Survey {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly automatic: AutomaticMessages,
    private readonly activity: ActivityLog,
    private readonly board: Board,
  ) {}

  /** On resolve, while the window is open: five ratings as an interactive list, credited to the resolving agent. */
  offer(conversationId: number, agentId: string, now: number): void {
    const settings = this.settings.automation();
    if (!settings.csat.enabled) return;
    const sent = this.automatic.send(conversationId, "csat", `auto:csat:${conversationId}:${now}`, now, (language, names) => {
      const question = fillAutomationText(settings.csat.question[language], names);
      const button = language === "zh" ? "选择评分" : "Rate us";
      const rows = csatRows(conversationId, language);
      return {
        text: question,
        content: { list: { button, rows: rows.map((r) => ({ ...r, description: r.description })) } },
        body: (recipient: Recipient) => listBody(recipient, { body: question, button, rows }),
      };
    });
    if (sent) {
      this.ctx.sql.exec(
        "UPDATE conversations SET csat_sent_at = ?, csat_agent_id = ?, csat_stars = NULL, csat_rated_at = NULL, csat_comment = NULL WHERE id = ?",
        now,
        agentId,
        conversationId,
      );
    }
  }

  /**
   * A tap on the survey (its row id names the conversation), or the customer's next text within ten minutes of
   * rating, belongs to the resolved conversation: it is stored there and neither reopens it nor queues it.
   */
  answerIn(contactId: number, last: LatestConversation | undefined, kind: string, text: string | null, content: MessageContent, now: number): SurveyAnswer | null {
    const choice = parseCsatChoice(content.choice?.id);
    if (choice) {
      const row = this.ctx.sql
        .exec<{ csat_sent_at: number | null; csat_stars: number | null; csat_agent_id: string | null; status: string }>(
          "SELECT csat_sent_at, csat_stars, csat_agent_id, status FROM conversations WHERE id = ? AND contact_id = ?",
          choice.conversationId,
          contactId,
        )
        .toArray()[0];
      if (row && row.status === "resolved" && row.csat_sent_at !== null && row.csat_stars === null && now - row.csat_sent_at <= CSAT_ANSWER_WINDOW_MS) {
        return { conversationId: choice.conversationId, stars: choice.stars, agentId: row.csat_agent_id, comment: undefined };
      }
      return null;
    }
    if (kind !== "text" || !text) return null;
    if (last && last.status === "resolved" && last.csat_rated_at !== null && last.csat_comment === null && now - last.csat_rated_at <= CSAT_COMMENT_WINDOW_MS) {
      return { conversationId: last.id, stars: undefined, agentId: last.csat_agent_id, comment: text };
    }
    return null;
  }

  /** Stores the answer on its conversation: a rating is sampled for analytics and logged; a comment is kept. */
  record(answer: SurveyAnswer, now: number): void {
    const { conversationId } = answer;
    if (answer.stars !== undefined) {
      this.ctx.sql.exec("UPDATE conversations SET csat_stars = ?, csat_rated_at = ? WHERE id = ?", answer.stars, now, conversationId);
      this.board.sample("csat", answer.agentId, conversationId, answer.stars, null, now);
      this.activity.add(conversationId, { kind: "rated", agentId: answer.agentId, actorId: null, why: because("rating", { stars: answer.stars }), note: null });
    } else if (answer.comment !== undefined) {
      this.ctx.sql.exec("UPDATE conversations SET csat_comment = ? WHERE id = ?", answer.comment, conversationId);
    }
  }

  thank(conversationId: number, now: number): void {
    const settings = this.settings.automation();
    this.automatic.send(conversationId, "csat_thanks", `auto:csat_thanks:${conversationId}:${now}`, now, (language, names) => ({
      text: fillAutomationText(settings.csat.thanks[language], names),
    }));
  }
}

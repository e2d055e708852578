import { useEffect, useRef, useState } from "preact/hooks";
import type { Conversation } from "../../shared/inbox";
import { formatTime, t } from "../lib/i18n";
import { ChevronDown, CircleCheck, CircleDot, Clock } from "./icons";

export type StatusChange = { status: "open" } | { status: "resolved" } | { status: "pending"; until: number | null };

/** Tomorrow at 9:00 local time: the snooze "until tomorrow". */
function tomorrowMorning(now = new Date()): number {
  const next = new Date(now);
  next.setDate(next.getDate() + 1);
  next.setHours(9, 0, 0, 0);
  return next.getTime();
}

/**
 * The conversation's status as a segmented control: Open · Pending · Resolved, the current one pressed. Pending
 * opens a small menu for how long (until the customer replies, an hour, tomorrow morning); it needs an assignee.
 */
export function StatusControl({ conversation, onChange }: { conversation: Conversation; onChange: (change: StatusChange) => void }) {
  const [menu, setMenu] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (menu) first.current?.focus();
  }, [menu]);
  const status = conversation.status;
  const choose = (change: StatusChange) => {
    setMenu(false);
    onChange(change);
  };
  const snoozes: [string, number | null][] = [
    [t("snooze.reply"), null],
    [t("snooze.hour"), Date.now() + 3_600_000],
    [t("snooze.tomorrow"), tomorrowMorning()],
  ];
  return (
    <div class="status-control" role="group" aria-label={t("conversation.status")}>
      <button type="button" aria-pressed={status === "open"} onClick={() => status !== "open" && choose({ status: "open" })}>
        <CircleDot /> {t("conversation.status.open")}
      </button>
      <button
        type="button"
        aria-pressed={status === "pending"}
        aria-haspopup="menu"
        aria-expanded={menu}
        disabled={conversation.assigneeId === null}
        title={status === "pending" ? (conversation.snoozedUntil ? t("snooze.until", { time: formatTime(conversation.snoozedUntil) }) : t("snooze.untilReply")) : t("snooze.title")}
        onClick={() => setMenu(!menu)}
      >
        <Clock /> {t("conversation.status.pending")} <ChevronDown />
      </button>
      <button type="button" aria-pressed={status === "resolved"} onClick={() => status !== "resolved" && choose({ status: "resolved" })}>
        <CircleCheck /> {t("conversation.status.resolved")}
      </button>
      {menu && (
        <ul
          class="menu"
          role="menu"
          aria-label={t("conversation.pendingUntil")}
          onKeyDown={(e) => {
            const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("button")];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (e.key === "Escape") setMenu(false);
            else if (e.key === "ArrowDown") items[(at + 1) % items.length]?.focus();
            else if (e.key === "ArrowUp") items[(at - 1 + items.length) % items.length]?.focus();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        >
          {snoozes.map(([label, until], i) => (
            <li role="none">
              <button type="button" role="menuitem" ref={i === 0 ? first : undefined} onClick={() => choose({ status: "pending", until })}>
                {label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

import type { RotationEntry, RoutingSettings } from "../../shared/routing";
import type { Locale } from "./locale";

/**
 * A number's assignment rules in plain words, one sentence per rule, so a supervisor reads what the settings
 * will do rather than working it out from switches. Pure (the locale is an argument, not the page's current
 * language) so the wording is tested in both languages.
 */
export interface RuleSentences {
  /** Rotation and sticky together: what happens to the next new conversation. */
  summary: string;
  rotation: string;
  sticky: string;
  ownership: string;
  queue: string;
  noReply: string;
  grace: string;
  reopen: string;
}

export interface RuleNames {
  agent: (id: string) => string | undefined;
  team: (id: string) => string | undefined;
}

/** Names shown before "and N more", so a rotation of 40 people still reads as one sentence. */
const LISTED = 4;

const phrases = {
  en: {
    end: ".",
    join: "; ",
    listSeparator: ", ",
    more: (rest: number) => ` and ${rest} more`,
    team: (name: string) => `team ${name}`,
    unknownAgent: "a removed person",
    unknownTeam: "a removed team",
    roundRobin: (names: string) => `New conversations go in turn to the Available people in this list (${names})`,
    roundRobinShort: "New conversations go in turn to the Available people in this list",
    leastLoaded: (names: string) => `New conversations go to the Available person in this list with the fewest open conversations (${names})`,
    leastLoadedShort: "New conversations go to the Available person in this list with the fewest open conversations",
    empty: "Nobody is in the list, so new conversations wait in the queue until someone takes one",
    stickyOn: (days: number) =>
      `a customer served in the last ${days === 1 ? "day" : `${days} days`} goes back to their last agent if they are Available`,
    stickyOff: "a returning customer is assigned like a new one",
    assignee: "Only the assigned agent (and supervisors) can reply to a conversation",
    anyMember: "Anyone who works on this number can reply to any of its conversations",
    queueOn: "Agents see the waiting queue and can take conversations from it",
    queueOff: "Only supervisors see the waiting queue",
    noReplyOff: "A conversation stays with its agent however long the reply takes",
    noReplyOn: (minutes: number) =>
      `If the agent has not answered the customer within ${minutes === 1 ? "1 minute" : `${minutes} minutes`}, the conversation goes to someone else`,
    graceDefault: (seconds: number | null) =>
      seconds === null
        ? "When an agent's side panel drops, they keep receiving conversations for the workspace's default time"
        : `When an agent's side panel drops, they keep receiving conversations for the workspace's default of ${seconds} seconds`,
    graceNone: "When an agent's side panel drops, they stop receiving conversations at once",
    grace: (seconds: number) => `When an agent's side panel drops, they keep receiving conversations for ${seconds} seconds while it reconnects`,
    reopenNever: "A customer who writes after a conversation is resolved always starts a new one",
    reopen: (hours: number) =>
      `A customer who writes within ${hours === 1 ? "1 hour" : `${hours} hours`} of a resolve reopens the same conversation with the same agent; later, a new one starts`,
  },
  zh: {
    end: "。",
    join: "；",
    listSeparator: "、",
    more: (_rest: number, total: number) => `等共 ${total} 项`,
    team: (name: string) => `「${name}」团队`,
    unknownAgent: "已删除的成员",
    unknownTeam: "已删除的团队",
    roundRobin: (names: string) => `新会话依次分配给列表中状态为在线的人（${names}）`,
    roundRobinShort: "新会话依次分配给列表中状态为在线的人",
    leastLoaded: (names: string) => `新会话分配给列表中状态为在线、进行中会话最少的人（${names}）`,
    leastLoadedShort: "新会话分配给列表中状态为在线、进行中会话最少的人",
    empty: "列表为空，新会话会在队列中等待，直到有人接待",
    stickyOn: (days: number) => `${days} 天内服务过的客户再次来访时，如果上次接待的客服在线，会回到该客服`,
    stickyOff: "回访客户与新客户一样分配",
    assignee: "只有被分配的客服（以及主管）可以回复会话",
    anyMember: "此号码的所有成员都可以回复其中任何会话",
    queueOn: "客服可以看到等待队列，并从中领取会话",
    queueOff: "只有主管能看到等待队列",
    noReplyOff: "无论客服多久回复，会话都保留在该客服名下",
    noReplyOn: (minutes: number) => `客服在 ${minutes} 分钟内未回复客户时，会话会转给其他人`,
    graceDefault: (seconds: number | null) =>
      seconds === null ? "客服的侧边栏断开后，在工作区默认的时间内仍会收到会话" : `客服的侧边栏断开后，在工作区默认的 ${seconds} 秒内仍会收到会话`,
    graceNone: "客服的侧边栏断开后，立即停止接收会话",
    grace: (seconds: number) => `客服的侧边栏断开后，${seconds} 秒内仍会收到会话，以便重新连接`,
    reopenNever: "会话解决后客户再发消息，总是开始新会话",
    reopen: (hours: number) => `会话解决后 ${hours} 小时内客户再发消息，会重新打开原会话并交给原客服；超过则开始新会话`,
  },
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function rotationNames(rotation: readonly RotationEntry[], names: RuleNames, p: (typeof phrases)[Locale]): string {
  const named = rotation.slice(0, LISTED).map((entry) =>
    entry.type === "agent" ? (names.agent(entry.id) ?? p.unknownAgent) : p.team(names.team(entry.id) ?? p.unknownTeam),
  );
  const rest = rotation.length - named.length;
  return named.join(p.listSeparator) + (rest > 0 ? p.more(rest, rotation.length) : "");
}

/**
 * @param workspaceGraceSeconds the workspace's grace period, shown when the number follows it; null when unknown.
 */
export function describeRules(settings: RoutingSettings, names: RuleNames, locale: Locale, workspaceGraceSeconds: number | null = null): RuleSentences {
  const p = phrases[locale];
  const sentence = (clause: string) => capitalise(clause) + p.end;
  const empty = settings.rotation.length === 0;
  const listed = rotationNames(settings.rotation, names, p);
  const rotation = empty ? p.empty : settings.mode === "least_loaded" ? p.leastLoaded(listed) : p.roundRobin(listed);
  const rotationShort = empty ? p.empty : settings.mode === "least_loaded" ? p.leastLoadedShort : p.roundRobinShort;
  const sticky = settings.sticky.enabled ? p.stickyOn(settings.sticky.windowDays) : p.stickyOff;
  const grace =
    settings.graceSeconds === null ? p.graceDefault(workspaceGraceSeconds) : settings.graceSeconds === 0 ? p.graceNone : p.grace(settings.graceSeconds);
  return {
    // Sticky only changes who gets a conversation when someone is in the list to get it.
    summary: empty || !settings.sticky.enabled ? sentence(rotationShort) : sentence(rotationShort + p.join + sticky),
    rotation: sentence(rotation),
    sticky: sentence(sticky),
    ownership: sentence(settings.ownership === "any_member" ? p.anyMember : p.assignee),
    queue: sentence(settings.agentsSeeQueue ? p.queueOn : p.queueOff),
    noReply: sentence(settings.noReplyMinutes === null ? p.noReplyOff : p.noReplyOn(settings.noReplyMinutes)),
    grace: sentence(grace),
    reopen: sentence(settings.reopenWithinHours === 0 ? p.reopenNever : p.reopen(settings.reopenWithinHours)),
  };
}

import { describe, expect, it } from "vitest";
import { defaultRoutingSettings, type RoutingSettings } from "../../shared/routing";
import { describeRules, type RuleNames } from "../../extension/lib/rule-sentence";

const people: Record<string, string> = { lina: "李娜", chen: "陈伟", zhang: "张敏", wang: "王经理", emily: "Emily" };
const teams: Record<string, string> = { presales: "售前" };
const names: RuleNames = { agent: (id) => people[id], team: (id) => teams[id] };

const settings = (change: Partial<RoutingSettings>): RoutingSettings => ({ ...defaultRoutingSettings, ...change });
const lina = { type: "agent", id: "lina" } as const;
const presales = { type: "team", id: "presales" } as const;

describe("describeRules in English", () => {
  it("says round robin with sticky as the one-line summary", () => {
    const rules = describeRules(settings({ rotation: [lina, presales], sticky: { enabled: true, windowDays: 30 } }), names, "en");
    expect(rules.summary).toBe(
      "New conversations go in turn to the Available people in this list; a customer served in the last 30 days goes back to their last agent if they are Available.",
    );
    expect(rules.rotation).toBe("New conversations go in turn to the Available people in this list (李娜, team 售前).");
    expect(rules.sticky).toBe("A customer served in the last 30 days goes back to their last agent if they are Available.");
  });

  it("says least loaded, and leaves sticky out of the summary when it is off", () => {
    const rules = describeRules(settings({ rotation: [presales], mode: "least_loaded" }), names, "en");
    expect(rules.summary).toBe("New conversations go to the Available person in this list with the fewest open conversations.");
    expect(rules.rotation).toBe("New conversations go to the Available person in this list with the fewest open conversations (team 售前).");
    expect(rules.sticky).toBe("A returning customer is assigned like a new one.");
  });

  it("says that an empty list queues everything, whatever sticky says", () => {
    const rules = describeRules(settings({ sticky: { enabled: true, windowDays: 1 } }), names, "en");
    expect(rules.summary).toBe("Nobody is in the list, so new conversations wait in the queue until someone takes one.");
    expect(rules.sticky).toBe("A customer served in the last day goes back to their last agent if they are Available.");
  });

  it("names four entries, counts the rest, and does not hide a removed person", () => {
    const rotation = ["lina", "chen", "gone", "zhang", "wang", "emily"].map((id) => ({ type: "agent" as const, id }));
    expect(describeRules(settings({ rotation }), names, "en").rotation).toBe(
      "New conversations go in turn to the Available people in this list (李娜, 陈伟, a removed person, 张敏 and 2 more).",
    );
  });

  it("describes the defaults: assignee only, queue visible, no reassignment, workspace grace, a week to reopen", () => {
    const rules = describeRules(defaultRoutingSettings, names, "en", 45);
    expect(rules.ownership).toBe("Only the assigned agent (and supervisors) can reply to a conversation.");
    expect(rules.queue).toBe("Agents see the waiting queue and can take conversations from it.");
    expect(rules.noReply).toBe("A conversation stays with its agent however long the reply takes.");
    expect(rules.grace).toBe("When an agent's side panel drops, they keep receiving conversations for the workspace's default of 45 seconds.");
    expect(rules.reopen).toBe("A customer who writes within 168 hours of a resolve reopens the same conversation with the same agent; later, a new one starts.");
  });

  it("describes the other choices", () => {
    const rules = describeRules(
      settings({ ownership: "any_member", agentsSeeQueue: false, noReplyMinutes: 15, graceSeconds: 0, reopenWithinHours: 0 }),
      names,
      "en",
    );
    expect(rules.ownership).toBe("Anyone who works on this number can reply to any of its conversations.");
    expect(rules.queue).toBe("Only supervisors see the waiting queue.");
    expect(rules.noReply).toBe("If the agent has not answered the customer within 15 minutes, the conversation goes to someone else.");
    expect(rules.grace).toBe("When an agent's side panel drops, they stop receiving conversations at once.");
    expect(rules.reopen).toBe("A customer who writes after a conversation is resolved always starts a new one.");
    expect(describeRules(settings({ graceSeconds: 90, noReplyMinutes: 1, reopenWithinHours: 1 }), names, "en")).toMatchObject({
      grace: "When an agent's side panel drops, they keep receiving conversations for 90 seconds while it reconnects.",
      noReply: "If the agent has not answered the customer within 1 minute, the conversation goes to someone else.",
      reopen: "A customer who writes within 1 hour of a resolve reopens the same conversation with the same agent; later, a new one starts.",
    });
  });

  it("falls back to words when the workspace's grace period is not known", () => {
    expect(describeRules(defaultRoutingSettings, names, "en").grace).toBe(
      "When an agent's side panel drops, they keep receiving conversations for the workspace's default time.",
    );
  });
});

describe("describeRules in Simplified Chinese", () => {
  it("says round robin with sticky as the one-line summary", () => {
    const rules = describeRules(settings({ rotation: [lina, presales], sticky: { enabled: true, windowDays: 30 } }), names, "zh");
    expect(rules.summary).toBe("新会话依次分配给列表中状态为在线的人；30 天内服务过的客户再次来访时，如果上次接待的客服在线，会回到该客服。");
    expect(rules.rotation).toBe("新会话依次分配给列表中状态为在线的人（李娜、「售前」团队）。");
  });

  it("says least loaded, an empty list, and a long list", () => {
    expect(describeRules(settings({ rotation: [presales], mode: "least_loaded" }), names, "zh").summary).toBe(
      "新会话分配给列表中状态为在线、进行中会话最少的人。",
    );
    expect(describeRules(defaultRoutingSettings, names, "zh").summary).toBe("列表为空，新会话会在队列中等待，直到有人接待。");
    const rotation = ["lina", "chen", "zhang", "wang", "emily"].map((id) => ({ type: "agent" as const, id }));
    expect(describeRules(settings({ rotation }), names, "zh").rotation).toBe("新会话依次分配给列表中状态为在线的人（李娜、陈伟、张敏、王经理等共 5 项）。");
  });

  it("describes every other rule", () => {
    const defaults = describeRules(defaultRoutingSettings, names, "zh", 45);
    expect(defaults).toMatchObject({
      sticky: "回访客户与新客户一样分配。",
      ownership: "只有被分配的客服（以及主管）可以回复会话。",
      queue: "客服可以看到等待队列，并从中领取会话。",
      noReply: "无论客服多久回复，会话都保留在该客服名下。",
      grace: "客服的侧边栏断开后，在工作区默认的 45 秒内仍会收到会话。",
      reopen: "会话解决后 168 小时内客户再发消息，会重新打开原会话并交给原客服；超过则开始新会话。",
    });
    const changed = describeRules(
      settings({ ownership: "any_member", agentsSeeQueue: false, noReplyMinutes: 15, graceSeconds: 90, reopenWithinHours: 0 }),
      names,
      "zh",
    );
    expect(changed).toMatchObject({
      ownership: "此号码的所有成员都可以回复其中任何会话。",
      queue: "只有主管能看到等待队列。",
      noReply: "客服在 15 分钟内未回复客户时，会话会转给其他人。",
      grace: "客服的侧边栏断开后，90 秒内仍会收到会话，以便重新连接。",
      reopen: "会话解决后客户再发消息，总是开始新会话。",
    });
  });
});

import { describe, expect, it } from "vitest";
import { api, connectSocket, conversationOfCustomer, createWorkspace, newCustomerWrites, setStatus, tick } from "./helpers";

describe("collision guard", () => {
  it("tells everyone with a conversation open who else has it open and who is typing", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const agent = await connectSocket(a.token, ws.phoneNumberId);
    const supervisor = await connectSocket(ws.adminToken, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId));
    agent.ws.send(JSON.stringify({ type: "viewing", conversationId: conversation.id }));
    supervisor.ws.send(JSON.stringify({ type: "viewing", conversationId: conversation.id }));
    await tick(50);
    const last = (events: typeof agent.events) => events.filter((e) => e.type === "collision").at(-1);
    expect(last(agent.events)).toMatchObject({ conversationId: conversation.id, viewers: expect.arrayContaining([expect.objectContaining({ typing: false })]) });
    expect((last(agent.events) as { viewers: unknown[] }).viewers).toHaveLength(2);

    agent.ws.send(JSON.stringify({ type: "typing", conversationId: conversation.id }));
    await tick(50);
    expect(last(supervisor.events)).toMatchObject({ viewers: expect.arrayContaining([expect.objectContaining({ agentId: a.id, typing: true })]) });
    // Each viewer comes with their name, the admin (on no roster of the number) too, so a panel can say who it is.
    const { body: me } = await api<{ agent: { id: string; name: string } }>("GET", "/me", { token: ws.adminToken });
    expect((last(agent.events) as { viewers: unknown[] }).viewers).toEqual(
      expect.arrayContaining([{ agentId: me.agent.id, typing: false, name: me.agent.name }, { agentId: a.id, typing: true, name: "Agent A" }]),
    );

    // Leaving (or closing the panel) takes them off the list; nonsense is ignored.
    agent.ws.send("not json");
    agent.ws.send(JSON.stringify({ type: "viewing", conversationId: null }));
    await tick(50);
    expect((last(supervisor.events) as { viewers: { agentId: string }[] }).viewers.map((v) => v.agentId)).not.toContain(a.id);
    agent.close();
    supervisor.close();
  });
});

import { describe, expect, it } from "vitest";
import type { FloorAgent } from "../../shared/floor";
import type { NumberAgent } from "../../shared/routing";
import { api, connectSocket, conversationOfCustomer, createWorkspace, newCustomerWrites, setStatus, tick } from "./helpers";

/**
 * The background holds the agent's socket whether the side panel is open or not, and says which (issue #22): the
 * floor shows "Available · panel closed", and routing goes on treating the agent as present.
 */
describe("panel open or closed", () => {
  it("the floor hears the panel close and open again; a round-robin customer still reaches the agent with it closed", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const floor = await connectSocket(ws.adminToken, ws.phoneNumberId);
    const agent = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const agentsNow = async () => (await api<{ agents: NumberAgent[] }>("GET", `/numbers/${ws.phoneNumberId}/agents`, { token: ws.adminToken })).body.agents.find((x) => x.id === a.id)!;
    const floorNow = async () => (await api<{ agents: FloorAgent[] }>("GET", "/floor", { token: ws.adminToken })).body.agents.find((x) => x.id === a.id)!;
    expect(await agentsNow()).toMatchObject({ connected: true, panelOpen: true });

    agent.ws.send(JSON.stringify({ type: "panel", open: false }));
    await tick(50);
    expect(await agentsNow()).toMatchObject({ connected: true, present: true, panelOpen: false, status: "available" });
    expect(await floorNow()).toMatchObject({ connected: true, panelOpen: false });
    expect(floor.events).toContainEqual(expect.objectContaining({ type: "agent_status", agentId: a.id, panelOpen: false, connected: true }));

    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId, "有人吗？"));
    expect(conversation.assigneeId).toBe(a.id);
    expect(conversation.assignmentReasonCode?.code).toBe("round_robin");

    agent.ws.send(JSON.stringify({ type: "panel", open: true }));
    await tick(50);
    expect(await agentsNow()).toMatchObject({ panelOpen: true });
    // A malformed signal changes nothing.
    agent.ws.send(JSON.stringify({ type: "panel", open: "no" }));
    await tick(50);
    expect(await agentsNow()).toMatchObject({ panelOpen: true });
    agent.close();
    floor.close();
  });
});

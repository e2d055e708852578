import { describe, expect, it } from "vitest";
import type { SocketEvent } from "../../shared/inbox";
import { readFrame } from "../../shared/socket-frame";
import { connectSocket, createWorkspace, customerMessage, postWebhook, setStatus, tick } from "./helpers";

/**
 * #20: a step of the number's object reaches each socket as one frame. A new customer is several events for the
 * same panel (the conversation, its first message, the conversation again once assigned); the runtime's cost is per
 * send, so they leave together, in the order they happened.
 */
describe("one frame per socket per step", () => {
  it("tells the assignee of a new conversation in one frame that holds the conversation and its first message", async () => {
    const ws = await createWorkspace(1);
    const agent = ws.agents[0]!;
    const panel = await connectSocket(agent.token, ws.phoneNumberId);
    const floor = await connectSocket(ws.adminToken, ws.phoneNumberId);
    await setStatus(agent.token, "available");
    await tick(50);
    const [panelBefore, floorBefore] = [panel.frames.length, floor.frames.length];

    expect((await postWebhook(customerMessage(ws.phoneNumberId, "8613800001111", "你好，我的订单还没发货"))).status).toBe(200);
    await tick(100);

    const step = panel.frames.slice(panelBefore).map(readFrame);
    expect(step.length).toBe(1);
    const events = step[0]!;
    const conversations = events.filter((e): e is Extract<SocketEvent, { type: "conversation" }> => e.type === "conversation");
    const message = events.findIndex((e) => e.type === "message" && e.message.text === "你好，我的订单还没发货");
    expect(message).toBeGreaterThanOrEqual(0);
    // The last word on the conversation in the frame is the assigned one, as it is now.
    expect(conversations.at(-1)!.conversation.assigneeId).toBe(agent.id);
    // The supervisor's floor hears the same step in one frame too (its board follows on its own tick).
    const floorFrames = floor.frames.slice(floorBefore).map(readFrame);
    expect(floorFrames.filter((events) => events.some((e) => e.type === "message")).length).toBe(1);
    panel.close();
    floor.close();
  });
});

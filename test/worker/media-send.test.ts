import { describe, expect, it } from "vitest";
import { openConversation, sentTo, uploadThroughWorker } from "./helpers";

/** A 1×1 PNG: what an agent's 📎 uploads, byte for byte. */
const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

describe("an attachment from the side panel reaches the customer with its file", () => {
  it("uploads an image through the worker, sends it by its media id, and Meta receives that id in a valid body", async () => {
    const { ws, a, customer, send, socket } = await openConversation();
    const mediaId = await uploadThroughWorker(a.token, ws.phoneNumberId, new File([PNG], "receipt.png", { type: "image/png" }));

    // Exactly the request the side panel's Composer makes after the upload.
    const result = await send({ type: "media", mediaKind: "image", mediaId, caption: "Your receipt" });
    expect(result.status).toBe(200);

    const graph = await sentTo(customer);
    expect(graph.rejected).toEqual([]);
    expect(graph.sent).toHaveLength(1);
    expect(graph.sent[0]!.body).toMatchObject({ type: "image", image: { id: mediaId, caption: "Your receipt" } });
    expect(result.body.status).toBe("accepted");
    socket.close();
  });
});

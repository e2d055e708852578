import { describe, expect, it } from "vitest";
import type { DeliveryStatus } from "../../shared/inbox";
import { advanceDelivery } from "../../worker/number-inbox/delivery";

const apply = (statuses: DeliveryStatus[]) => statuses.reduce(advanceDelivery, "accepted" as DeliveryStatus);

describe("advanceDelivery", () => {
  it("moves forward through sent, delivered, read", () => {
    expect(apply(["sent", "delivered", "read"])).toBe("read");
  });
  it("never moves backwards when Meta reorders", () => {
    expect(apply(["read", "delivered", "sent"])).toBe("read");
    expect(apply(["delivered", "sent"])).toBe("delivered");
  });
  it("lets failed replace a status short of delivered, and keeps it", () => {
    expect(apply(["sent", "failed", "sent"])).toBe("failed");
    expect(apply(["read", "failed"])).toBe("read");
  });
});

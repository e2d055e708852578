import { afterEach, describe, expect, it } from "vitest";
import { genericErrorCode, type ErrorStatus } from "../../shared/error-codes";
import { errorText } from "../../extension/lib/error-text";
import { setLocale } from "../../extension/lib/i18n";
import { englishRuns } from "../support/english-runs";

const STATUSES: ErrorStatus[] = [400, 401, 403, 404, 409, 413, 415, 422, 426, 429, 500, 502, 503];

afterEach(() => setLocale("en"));

describe("errorText: the server's error codes in the reader's language", () => {
  it("says every status's generic code in 中文, with no English left", async () => {
    await setLocale("zh");
    for (const status of STATUSES) {
      const text = errorText(genericErrorCode(status), {}, "the server's English");
      expect(text).not.toBe("the server's English");
      expect(englishRuns(text, ["WhatsApp"])).toEqual([]);
    }
  });

  it("fills a code's parameters, and names the field of an invalid request", async () => {
    await setLocale("zh");
    expect(errorText("invalid_request", { field: "shortcode" }, "shortcode: letters, digits, - and _ only")).toBe("请求无效：请检查字段 shortcode。");
    expect(errorText("email_taken", { email: "lina@acme.test" }, "lina@acme.test already has an account")).toBe("lina@acme.test 已有账号。");
    await setLocale("en");
    expect(errorText("sign_in_locked", { minutes: 5 }, "…")).toBe("Too many failed sign-ins; try again in 5 min.");
  });

  it("says the refusals a single action shares with the bulk bar as the bulk bar does", async () => {
    await setLocale("zh");
    expect(errorText("target_away", { name: "陈伟" }, "陈伟 is Away; pick someone Available")).toBe("陈伟 处于离开状态");
  });

  it("shows the server's English for a code this version does not know, and a status's sentence for a body with none", async () => {
    await setLocale("zh");
    expect(errorText("added_next_year", {}, "a refusal from a newer server")).toBe("a refusal from a newer server");
    expect(errorText(undefined, {}, "HTTP 502", 502)).toBe("服务器出错，请重试。");
  });
});

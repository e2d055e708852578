import { phoneNumberInfo, wabaPhoneNumberIds, type GraphConfig, type PhoneNumberInfo } from "../graph/client";
import { ok, refuse, type Result } from "../lib/result";

/**
 * Proof that whoever holds a token controls a number, asked of Meta before anything is stored: the token reads the
 * phone number id, and the WhatsApp Business Account named lists that number among its own. The deployment's token
 * can read many numbers, which is why it only stands as proof where lib/deployment.ts lets it serve.
 */
export async function proveControl(graph: GraphConfig, phoneNumberId: string, wabaId: string | null): Promise<Result<PhoneNumberInfo>> {
  const info = await phoneNumberInfo(graph, phoneNumberId);
  if (!info.ok) {
    if (info.httpStatus === null) return refuse(502, `Meta could not be reached to check number ${phoneNumberId} (${info.title}); try again`, "meta_unreachable");
    return refuse(422, `Meta refused this access token for number ${phoneNumberId}: ${info.title}`, "meta_refused_token");
  }
  if (wabaId === null) return info;
  const listed = await wabaPhoneNumberIds(graph, wabaId);
  if (!listed.ok) {
    if (listed.httpStatus === null) return refuse(502, `Meta could not be reached to check WhatsApp Business Account ${wabaId} (${listed.title}); try again`, "meta_unreachable");
    return refuse(422, `wabaId: Meta refused this access token for WhatsApp Business Account ${wabaId}: ${listed.title}`, "invalid_request", { field: "wabaId" });
  }
  if (!listed.value.includes(phoneNumberId)) return refuse(422, `wabaId: number ${phoneNumberId} is not one of WhatsApp Business Account ${wabaId}'s phone numbers`, "invalid_request", { field: "wabaId" });
  return ok(info.value);
}

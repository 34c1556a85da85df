// Issue 16: "on request, any case" gets a receipt code. A complainant who wrote, phoned or came to the desk
// may ask to follow their case on the follow-up page (/follow-up): the coordinator issues a code for it, from
// the console's case page or `POST /api/complaints/{reference}/receipt`. Like the web form's code it is high
// entropy, shown once, stored only as its scrypt hash (public/receipt.ts); issuing again replaces the old code
// (a lost or leaked code is revoked that way). The timeline records who issued one, never the code. The case
// is then followed on the page (record.followUp): the answer is readable there and the appeal can be filed
// there, as for a web case (procedure.isAppealable).
import { randomUUID } from "node:crypto";
import type { CaseRecord } from "../domain/complaint.ts";
import { log } from "../lib/logger.ts";
import type { Runtime } from "../lib/runtime.ts";
import { newReceiptCode, storeReceipt } from "../public/receipt.ts";
import type { Caller } from "./auth.ts";

export type ReceiptIssue =
  | { ok: true; reference: string; receipt: string; record: CaseRecord; replaced: boolean }
  | { ok: false; status: 403 | 404; error: string };

export async function issueReceipt(rt: Runtime, caller: Caller, reference: string): Promise<ReceiptIssue> {
  // The code opens the case's status, answer and appeal to whoever holds it: the coordinator decides.
  if (caller.audience !== "coordinator")
    return { ok: false, status: 403, error: "only the coordinator issues receipt codes" };
  const existing = await rt.store.get(reference);
  if (!existing) return { ok: false, status: 404, error: "no such case" };
  const receipt = newReceiptCode();
  // The hash first: should the timeline write fail, the caller retries and the next code replaces this one;
  // the other order could record a code that was never stored.
  await storeReceipt(rt, reference, receipt);
  const replaced = existing.followUp === true;
  const { record } = await rt.store.update(reference, () => ({
    record: { followUp: true },
    event: {
      id: `receipt-${randomUUID()}`,
      at: rt.now().toISOString(),
      type: "receipt-issued",
      actor: caller.actor,
      ...(replaced ? { detail: "replaces the previous code" } : {}),
    },
  }));
  log("INFO", "receipt code issued", { reference, replaced });
  return { ok: true, reference, receipt, record, replaced };
}

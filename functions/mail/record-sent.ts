// Records one SES Send event on the outbox item it names (issue 15): the mail-sent Lambda's work, and the local
// stack's for each message its SES emulator stores (local/ses-local.ts).
import { outboxStore } from "../store/outbox-store.ts";
import type { Table } from "../store/table.ts";
import { type SesSendEvent, sentReceipt } from "./sent-receipt.ts";

export async function recordSent(
  table: Table,
  event: SesSendEvent,
): Promise<"confirmed" | "already-recorded" | "ignored"> {
  const receipt = sentReceipt(event);
  if (receipt.kind === "ignored") return "ignored";
  const marked = await outboxStore(table).confirmSent(receipt.at, receipt.messageId, receipt.sentAt);
  return marked ? "confirmed" : "already-recorded";
}

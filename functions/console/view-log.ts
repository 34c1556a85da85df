// Every view of a sensitive case (or one not yet triaged) is recorded, who and when, under the case's own
// partition (CONTRACT.md "Staff console": the coordinator can read that record on the case page).
import type { Runtime } from "../lib/runtime.ts";
import { type CaseView, viewStore } from "../store/view-store.ts";

export type { CaseView };

export async function recordView(rt: Runtime, reference: string, view: CaseView): Promise<void> {
  await viewStore(rt).record(reference, view);
}

/** The newest views first (at most `limit`). */
export async function viewsOf(rt: Runtime, reference: string, limit = 200): Promise<CaseView[]> {
  return viewStore(rt).of(reference, limit);
}

// Who reads a case's details (H-D1): a sensitive case, and an untriaged one (issue 15), only the coordinator
// and, before triage, the triage officer.
import { describe, expect, it } from "vitest";
import { mayReadDetails, restricted } from "../../functions/domain/views.ts";

const untriaged = { sensitive: false, category: null };
const programme = { sensitive: false, category: "programme" };
const abuse = { sensitive: true, category: "sexual-exploitation-abuse" };
const officers = ["officer@example.org"];

describe("mayReadDetails (H-D1)", () => {
  it("counts an untriaged case as sensitive for general staff", () => {
    expect(restricted(untriaged)).toBe(true);
    expect(
      mayReadDetails("staff", untriaged, { actor: "programme@example.org", triageOfficers: officers }),
    ).toBe(false);
    expect(mayReadDetails("staff", untriaged)).toBe(false);
  });

  it("lets the triage officer (any case) and the coordinator read an untriaged case", () => {
    expect(
      mayReadDetails("staff", untriaged, { actor: "Officer@Example.org", triageOfficers: officers }),
    ).toBe(true);
    expect(mayReadDetails("coordinator", untriaged)).toBe(true);
  });

  it("keeps a sensitive case from general staff, the triage officer included, once triaged", () => {
    expect(mayReadDetails("staff", abuse, { actor: "officer@example.org", triageOfficers: officers })).toBe(
      false,
    );
    expect(mayReadDetails("coordinator", abuse)).toBe(true);
  });

  it("shows a case triaged as not sensitive to general staff", () => {
    expect(restricted(programme)).toBe(false);
    expect(mayReadDetails("staff", programme)).toBe(true);
  });
});

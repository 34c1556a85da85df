// Who sees what, the one rule (functions/domain/access.ts), checked directly against the clauses: H-D1 (a
// sensitive case's details stay with the responsible person), H-B1 (the triage officer reads an untriaged
// case), H-B3/H-C2/H-C3 (the responsible person and the handler are named for the case), T-8/R-10 (contact
// details only to those who must contact the complainant). The staff API and the console build their views
// from it (views.ts viewFor, console pages).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type AccessCase,
  accessFor,
  accessTo,
  restricted,
  taskShowsInvestigation,
  triageOfficers,
} from "../../functions/domain/access.ts";
import type { CaseContent, CaseRecord, TimelineEvent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { statusView, viewFor } from "../../functions/domain/views.ts";

const config = loadConfigText(
  readFileSync(new URL("../../config/humanitarian.example.yaml", import.meta.url), "utf8"),
  "humanitarian.example.yaml",
);
const officers = triageOfficers(config);
const staff = (email: string) => ({ audience: "staff" as const, email });
const coordinator = { audience: "coordinator" as const, email: "officer@example.org" };

const untriaged: AccessCase = { sensitive: false, category: null, assignee: null, responsible: null };
const programme: AccessCase = {
  sensitive: false,
  category: "programme",
  assignee: "handler@example.org",
  responsible: "programme@example.org",
};
const abuse: AccessCase = {
  sensitive: true,
  category: "sexual-exploitation-abuse",
  assignee: "handler@example.org",
  responsible: "director@example.org",
};

describe("who sees what (access.ts)", () => {
  it("H-E2: the member handling a sensitive case's appeal reads the case and the contact details, not the private investigation", () => {
    const appealed: AccessCase = {
      ...abuse,
      assignee: "appeals@example.org",
      appealHandler: "finance@example.org",
    };
    expect(accessTo(staff("finance@example.org"), appealed, officers)).toEqual({
      restricted: true,
      details: true,
      contact: true,
      investigation: false,
    });
    // Before they are assigned, the same person sees the status only.
    expect(
      accessTo(staff("finance@example.org"), { ...appealed, appealHandler: null }, officers),
    ).toMatchObject({
      details: false,
      contact: false,
    });
  });

  it("H-B1: the config's triage officers are the complaints officer and the supervisor they triage with", () => {
    expect(officers).toEqual(["officer@example.org", "supervisor@example.org"]);
    expect(triageOfficers({ ...config, steps: { ...config.steps, triageCopy: [] } })).toEqual([
      "officer@example.org",
    ]);
  });

  it("H-B1: the supervisor reads an untriaged case with the officer, then only what any staff reads", () => {
    expect(accessFor(config, staff("supervisor@example.org"), untriaged)).toMatchObject({
      details: true,
      contact: false,
    });
    expect(accessFor(config, staff("supervisor@example.org"), abuse)).toMatchObject({ details: false });
  });

  it("H-D1: an untriaged case counts as sensitive; general staff see its status only", () => {
    expect(restricted(untriaged)).toBe(true);
    expect(accessTo(staff("programme@example.org"), untriaged, officers)).toEqual({
      restricted: true,
      details: false,
      contact: false,
      investigation: false,
    });
    expect(accessTo(staff("programme@example.org"), untriaged, [])).toMatchObject({ details: false });
  });

  it("H-B1: the triage officer reads an untriaged case (any letter case) but not its contact details", () => {
    expect(accessTo(staff("Officer@Example.org"), untriaged, officers)).toEqual({
      restricted: true,
      details: true,
      contact: false,
      investigation: false,
    });
  });

  it("the coordinator sees everything, contact details included", () => {
    for (const record of [untriaged, programme, abuse])
      expect(accessTo(coordinator, record, officers)).toMatchObject({ details: true, contact: true });
  });

  it("H-D1: a sensitive case's details stay with the responsible person and the assigned handler", () => {
    expect(accessTo(staff("director@example.org"), abuse, officers)).toEqual({
      restricted: true,
      details: true,
      contact: true,
      investigation: true,
    });
    expect(accessTo(staff("HANDLER@example.org"), abuse, officers)).toMatchObject({
      details: true,
      contact: true,
    });
  });

  it("H-D1: once triaged sensitive, other staff, the triage officer included, see the status only", () => {
    for (const email of ["officer@example.org", "programme@example.org", "delegate@example.org"])
      expect(accessTo(staff(email), abuse, officers)).toEqual({
        restricted: true,
        details: false,
        contact: false,
        investigation: false,
      });
  });

  it("a case triaged as not sensitive: the general-staff view for all staff, contact details to the named only (T-8)", () => {
    expect(restricted(programme)).toBe(false);
    expect(accessTo(staff("finance@example.org"), programme, officers)).toEqual({
      restricted: false,
      details: true,
      contact: false,
      investigation: true,
    });
    expect(accessTo(staff("programme@example.org"), programme, officers).contact).toBe(true);
    expect(accessTo(staff("handler@example.org"), programme, officers).contact).toBe(true);
  });

  it("H-D1: a sensitive case's investigation details: the responsible person and the handler only", () => {
    const handled = { ...abuse, assignee: "appeals@example.org", handler: "handler@example.org" };
    expect(accessTo(staff("director@example.org"), handled, officers).investigation).toBe(true);
    expect(accessTo(staff("handler@example.org"), handled, officers).investigation).toBe(true);
    // The appeal officer the case waits for reads the case, not the investigation's private details.
    expect(accessTo(staff("appeals@example.org"), handled, officers)).toMatchObject({
      details: true,
      investigation: false,
    });
    for (const email of ["officer@example.org", "programme@example.org", "delegate@example.org"])
      expect(accessTo(staff(email), handled, officers).investigation).toBe(false);
    // An untriaged case counts as sensitive: its triage officer does not read private notes either.
    expect(accessTo(staff("officer@example.org"), untriaged, officers).investigation).toBe(false);
  });

  it("H-D1: the coordinator reads them only when the organisation says so (sensitiveDetails.coordinator)", () => {
    expect(accessTo(coordinator, abuse, officers).investigation).toBe(false);
    expect(accessTo(coordinator, untriaged, officers).investigation).toBe(false);
    expect(accessTo(coordinator, abuse, officers, true).investigation).toBe(true);
    expect(accessTo(coordinator, programme, officers).investigation).toBe(true);
    expect(config.sensitiveDetails.coordinator).toBe(false);
    expect(accessFor(config, coordinator, abuse).investigation).toBe(false);
    const trusting = { ...config, sensitiveDetails: { coordinator: true } };
    expect(accessFor(trusting, coordinator, abuse).investigation).toBe(true);
  });

  it("H-D1, H-E2: a task page shows the investigation to its keepers and to the appeal officer deciding", () => {
    const handled = { ...abuse, handler: "handler@example.org" };
    expect(taskShowsInvestigation(handled, "conclusion", "handler@example.org")).toBe(true);
    expect(taskShowsInvestigation(handled, "assignment", "director@example.org")).toBe(true);
    expect(taskShowsInvestigation(handled, "appeal-decision", "appeals@example.org")).toBe(true);
    expect(taskShowsInvestigation(handled, "closure", "officer@example.org")).toBe(false);
    expect(taskShowsInvestigation(programme, "closure", "officer@example.org")).toBe(true);
  });

  it("accessFor reads the triage officers from the config", () => {
    expect(accessFor(config, staff("officer@example.org"), untriaged).details).toBe(true);
    expect(accessFor(config, staff("programme@example.org"), untriaged).details).toBe(false);
  });
});

describe("viewFor applies the rule (staff API view)", () => {
  const record = {
    reference: "CFM-2026-000001",
    kind: "complaint",
    status: "investigating",
    closure: null,
    sensitive: true,
    receivedAt: "2026-03-02T09:00:00.000Z",
    deadlines: { acknowledge: "2026-03-09T09:00:00.000Z", triage: "2026-03-05T09:00:00.000Z" },
    overdue: [],
    channel: "phone",
    language: "fr",
    anonymous: false,
    category: "sexual-exploitation-abuse",
    severity: null,
    admissible: null,
    assignee: "handler@example.org",
    responsible: "director@example.org",
    flags: [],
    appeals: 0,
  } as unknown as CaseRecord;
  const content = {
    complainant: { name: "Aïssata Traoré", phone: "+223 70 00 00 01", email: "a@example.net" },
    representative: null,
    subject: "",
    description: "faveurs demandées",
    attachments: [],
    risks: null,
    contactNote: null,
    progress: [],
    measures: null,
    response: null,
  } as unknown as CaseContent;
  let loads = 0;
  const load = async () => {
    loads++;
    return { content, timeline: [] as TimelineEvent[] };
  };

  it("H-D1: general staff get the status view, built without reading the content", async () => {
    loads = 0;
    expect(await viewFor(staff("programme@example.org"), record, load, officers)).toEqual(statusView(record));
    expect(loads).toBe(0);
  });

  it("H-D1: the responsible person gets the full view with the contact details", async () => {
    const view = await viewFor(staff("director@example.org"), record, load, officers);
    expect(view).toMatchObject({
      description: "faveurs demandées",
      complainant: { phone: "+223 70 00 00 01" },
    });
  });

  it("T-8: staff who read a non-sensitive case do not get the complainant's contact details", async () => {
    const open = { ...record, sensitive: false, category: "programme" } as CaseRecord;
    const view = await viewFor(staff("finance@example.org"), open, load, officers);
    expect(view).toMatchObject({ description: "faveurs demandées", complainant: { name: "Aïssata Traoré" } });
    expect(JSON.stringify(view)).not.toContain("+223");
    expect(JSON.stringify(view)).not.toContain("a@example.net");
  });

  it("H-D1: viewFor reads the private details for their keepers only, and shows them only to them", async () => {
    const kept = {
      reference: record.reference,
      courseOfAction: "entendre le chef de magasin à Sikasso", // H-C1
      risks: "représailles possibles",
      contactNote: "appelée le 3 mars",
      progress: [{ at: "2026-03-04T09:00:00.000Z", note: "témoin entendu" }],
      measures: "suspension de l’agent",
      response: "Votre plainte est fondée ; une procédure disciplinaire suit.",
    };
    let reads = 0;
    const privateDetails = {
      load: async () => {
        reads++;
        return kept;
      },
    };
    const handled = {
      ...record,
      handler: "handler@example.org",
      assignee: "appeals@example.org",
    } as CaseRecord;
    for (const viewer of [
      coordinator,
      staff("appeals@example.org"), // the current assignee: reads the case, not its private details
      staff("programme@example.org"),
    ]) {
      const view = await viewFor(viewer, handled, load, officers, privateDetails);
      expect(view).not.toHaveProperty("investigation");
      for (const text of ["Sikasso", "représailles", "appelée", "témoin", "suspension", "disciplinaire"])
        expect(JSON.stringify(view)).not.toContain(text);
    }
    expect(reads).toBe(0);
    for (const email of ["director@example.org", "handler@example.org"]) {
      const view = await viewFor(staff(email), handled, load, officers, privateDetails);
      expect(view).toMatchObject({
        investigation: {
          courseOfAction: "entendre le chef de magasin à Sikasso",
          risks: "représailles possibles",
          contactNote: "appelée le 3 mars",
          progress: [{ note: "témoin entendu" }],
          measures: "suspension de l’agent",
        },
      });
    }
    expect(reads).toBe(2);
    const trusted = await viewFor(coordinator, handled, load, officers, {
      ...privateDetails,
      coordinatorReads: true,
    });
    expect(trusted).toHaveProperty("investigation.measures", "suspension de l’agent");
  });
});

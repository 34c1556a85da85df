// Who acts and who is told: routing rules of the procedures (H-B1..H-B3, H-C2, T-3, T-7), from the config.

import { NoRoleHolderError, UnknownCategoryError } from "../errors.ts";
import type { Category, Language, OrgConfig, StaffMember } from "./config.ts";

export { NoRoleHolderError, UnknownCategoryError };

export function staffMember(config: OrgConfig, address: string): StaffMember | undefined {
  const wanted = address.toLowerCase();
  return config.staff.find((s) => s.address === wanted);
}

export function holdersOf(config: OrgConfig, role: string): StaffMember[] {
  return config.staff.filter((s) => s.roles.includes(role));
}

/** The person who holds a role (the first listed, so an organisation orders its directory). */
export function holderOf(config: OrgConfig, role: string, exclude: readonly string[] = []): string {
  const holder = holdersOf(config, role).find((s) => !exclude.includes(s.address));
  if (!holder) throw new NoRoleHolderError(`nobody holds role ${role}`);
  return holder.address;
}

/**
 * T-3, T-7: someone not named in the complaint always handles it. The role's first holder not named; when
 * every holder is named, the supervisor of one of them, then the holder of the conflict-of-interest role
 * (the president), then the coordinator. A case never stops because its only role holder is named.
 */
export function unnamedHolderOf(config: OrgConfig, role: string, named: readonly string[]): string {
  const holders = holdersOf(config, role);
  const holder = holders.find((s) => !named.includes(s.address));
  if (holder) return holder.address;
  for (const s of holders) if (s.supervisor && !named.includes(s.supervisor)) return s.supervisor;
  return fallbackOf(config, named);
}

/**
 * T-7: who handles a case naming the management: the named delegate the config gives, unless named in the
 * complaint too, else the first holder of the conflict-of-interest role who is not named.
 */
function conflictHandler(config: OrgConfig, named: readonly string[]): string | undefined {
  const conflict = config.conflictOfInterest;
  if (!conflict) return undefined;
  if (conflict.delegate && !named.includes(conflict.delegate)) return conflict.delegate;
  return holdersOf(config, conflict.managementNamed).find((s) => !named.includes(s.address))?.address;
}

/** The last resorts when everyone in line is named: the president (T-7), then the coordinator. */
function fallbackOf(config: OrgConfig, named: readonly string[]): string {
  const president = conflictHandler(config, named);
  if (president) return president;
  if (!named.includes(config.organisation.coordinator)) return config.organisation.coordinator;
  throw new NoRoleHolderError("everyone who could handle this case is named in it");
}

export function categoryOf(config: OrgConfig, id: string): Category {
  const category = config.categories.find((c) => c.id === id);
  if (!category) throw new UnknownCategoryError(`unknown category ${id}`);
  return category;
}

export interface RoutingFacts {
  /** Staff addresses concerned by the complaint (H-B3 (d), T-3, T-7). */
  concernedStaff: readonly string[];
  /** T-7: management is named in the complaint. */
  conflict: boolean;
}

function managementConcerned(config: OrgConfig, facts: RoutingFacts): boolean {
  return facts.conflict || facts.concernedStaff.some((a) => staffMember(config, a)?.management === true);
}

/** H-B3: the responsible person for a category; T-7: the president when management is named. */
export function responsibleFor(config: OrgConfig, categoryId: string, facts: RoutingFacts): string {
  const category = categoryOf(config, categoryId);
  if (config.conflictOfInterest && managementConcerned(config, facts))
    return (
      conflictHandler(config, facts.concernedStaff) ??
      unnamedHolderOf(config, config.conflictOfInterest.managementNamed, facts.concernedStaff)
    );
  if (category.responsibleIsLineManagerOfConcerned) {
    // H-B3 (d): the line manager of the employee concerned, when the directory knows them.
    for (const address of facts.concernedStaff) {
      const supervisor = staffMember(config, address)?.supervisor;
      if (supervisor && !facts.concernedStaff.includes(supervisor)) return supervisor;
    }
  }
  if (!category.responsible) throw new NoRoleHolderError(`category ${category.id} has no responsible role`);
  return unnamedHolderOf(config, category.responsible, facts.concernedStaff);
}

/** H-B2: who must be notified for a category; never a person concerned by the complaint (T-7, T-8). */
export function notifiedFor(config: OrgConfig, categoryId: string, facts: RoutingFacts): string[] {
  const category = categoryOf(config, categoryId);
  const out = new Set<string>();
  for (const role of category.notify)
    for (const member of holdersOf(config, role))
      if (!facts.concernedStaff.includes(member.address)) out.add(member.address);
  return [...out];
}

/**
 * T-3: a staff member implicated in a complaint is informed in writing, except a manager named in it when
 * the conflict-of-interest rule applies (T-7: the named person receives nothing about the case).
 */
export function implicatedToInform(config: OrgConfig, facts: RoutingFacts): string[] {
  if (!config.implicatedStaff.notify) return [];
  const conflictRule = config.conflictOfInterest !== undefined && managementConcerned(config, facts);
  return facts.concernedStaff.filter((a) => {
    const member = staffMember(config, a);
    return member !== undefined && !(conflictRule && member.management);
  });
}

/** Escalation goes to the assignee's supervisor, else the coordinator (H-D5). */
export function escalationTarget(
  config: OrgConfig,
  assignee: string | null,
  exclude: readonly string[] = [],
): string {
  const supervisor = assignee ? staffMember(config, assignee)?.supervisor : undefined;
  if (supervisor && !exclude.includes(supervisor) && supervisor !== assignee) return supervisor;
  // T-7: when the coordinator is named too, the president (the conflict-of-interest role) is told.
  return exclude.includes(config.organisation.coordinator)
    ? fallbackOf(config, exclude)
    : config.organisation.coordinator;
}

export function languageOf(config: OrgConfig, address: string): Language {
  return staffMember(config, address)?.language ?? config.organisation.languages[0] ?? "fr";
}

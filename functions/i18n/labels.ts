// One set of user-visible labels for the vocabulary (kinds, channels, statuses, closures, steps, outcomes),
// used alike by emails, task pages and reports, so a channel or a status has one name everywhere
// (catalog group `labels`). Emails lower-case them mid-sentence with the `lowercase` format.
import type {
  Channel,
  Closure,
  DeadlineStep,
  Kind,
  Outcome,
  Status,
  TaskStep,
} from "../domain/vocabulary.ts";
import { translate } from "./i18n.ts";

interface LabelIds {
  kind: Kind;
  channel: Channel;
  status: Status;
  closure: Closure | "open";
  /** The deadline steps, plus the two staff steps that have no deadline of their own. */
  step: DeadlineStep | "progress" | "conclusion";
  /** The steps a task link serves, as emails name them. */
  taskStep: TaskStep;
  outcome: Outcome;
}
export type LabelGroup = keyof LabelIds;

/** The label of one vocabulary id ("channel", "hotline") in `language`, with the catalogs' fallback. */
export function label<G extends LabelGroup>(
  language: string,
  group: G,
  id: LabelIds[G],
  organisationLanguage?: string,
): string {
  return translate(language, `labels.${group}.${id}`, undefined, organisationLanguage);
}

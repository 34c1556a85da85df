// T-12: how long raw messages live, shared by the intake (which tags) and the bucket's lifecycle rules
// (infra/constructs/storage.ts). A raw message that opened or joined a case is its evidence: kept with the case
// and erased with it (functions/store/purge.ts). One that never became part of a case (noise, quarantine) is
// tagged and expires after rawMailExpiryDays.

/** The tag the intake puts on a raw message that is not part of any case. */
export const OUTSIDE_CASE_TAG = { key: "cfm-retention", value: "outside-case" } as const;

/**
 * The lifecycle backstop, in multiples of the retention period: the purge erases a case's objects when its
 * retention ends (counted from closure); an object still there this long after its creation belongs to no case
 * any more (a purge that failed and was not redone by hand) and goes.
 */
export const BACKSTOP_RETENTIONS = 2;

// What an inbound SMS or WhatsApp text asks for, read from its words (issue 17). Pure.
// - Opt-out: the carrier-standard keywords (STOP and its variants, which AWS End User Messaging SMS also
//   honours on its own opt-out list) and their French forms (ARRET, ARRÊT, DESABONNER).
// - Opt-in: START, UNSTOP, and their French form (DEMARRER): SMS may be sent again.
// - Appeal (H-E1, T-11): "RECOURS <reasons>", "APPEL <reasons>" or "APPEAL <reasons>" on an answered case,
//   filed only once the complainant confirms it with OUI (YES, CONFIRMER): the appeal is their only one, and a
//   text that happens to start with the word ("Appel de Moussa ce matin", a phone call) must not spend it.
// - Explanations (H-D4): "EXPLICATIONS <question>" (or EXPLICATION, EXPLAIN) on an answered case, before an appeal.
// - Satisfaction (closing the loop): a lone digit 1 to 5 in reply to the closing message.

export type TextIntent =
  | { kind: "opt-out" }
  | { kind: "opt-in" }
  | { kind: "appeal"; reason: string }
  /** OUI: confirms the appeal asked for by the number's last APPEL text. */
  | { kind: "confirm" }
  | { kind: "explanations"; question: string }
  | { kind: "satisfaction"; score: 1 | 2 | 3 | 4 | 5 }
  | { kind: "message" };

const OPT_OUT = new Set([
  "STOP",
  "STOPALL",
  "STOP ALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "OPTOUT",
  "OPT OUT",
  "OPT-OUT",
  "REVOKE",
  "ARRET",
  "ARRETER",
  "STOP SMS",
  "STOP MESSAGES",
  "DESABONNER",
  "DESINSCRIRE",
]);
const OPT_IN = new Set(["START", "UNSTOP", "DEMARRER", "REPRENDRE"]);
const CONFIRM = new Set([
  "OUI",
  "YES",
  "CONFIRMER",
  "CONFIRME",
  "JE CONFIRME",
  "CONFIRM",
  "OUI APPEL",
  "YES APPEAL",
]);
// The keyword alone or before a space or punctuation: `\b` would end the word before "é", so that "Appelé ce
// matin…" read as an appeal and spent the complainant's only one (T-11).
const APPEAL = /^(?:RECOURS|APPEL|APPEAL)(?=$|[\s:.,;!-])[\s:.,;!-]*/i;
const EXPLANATIONS = /^(?:EXPLICATIONS?|EXPLANATIONS?|EXPLAIN)(?=$|[\s:.,;!?-])[\s:.,;!?-]*/i;

/** Upper case, accents and surrounding punctuation removed, inner whitespace collapsed. */
export function normaliseKeyword(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^\p{L}\p{N}\s-]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function intentOf(text: string): TextIntent {
  const word = normaliseKeyword(text);
  if (OPT_OUT.has(word)) return { kind: "opt-out" };
  if (OPT_IN.has(word)) return { kind: "opt-in" };
  if (CONFIRM.has(word)) return { kind: "confirm" };
  const digit = /^\s*([1-5])\s*[.!]?\s*$/.exec(text);
  if (digit?.[1]) return { kind: "satisfaction", score: Number(digit[1]) as 1 | 2 | 3 | 4 | 5 };
  const appeal = APPEAL.exec(text.trim().normalize("NFC"));
  if (appeal) return { kind: "appeal", reason: text.trim().slice(appeal[0].length).trim() };
  const explanations = EXPLANATIONS.exec(text.trim().normalize("NFC"));
  if (explanations)
    return { kind: "explanations", question: text.trim().slice(explanations[0].length).trim() };
  return { kind: "message" };
}

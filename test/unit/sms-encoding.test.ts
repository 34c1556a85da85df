import { describe, expect, it } from "vitest";
import {
  encodingOf,
  segmentCount,
  smsLength,
  splitSms,
  toGsmFriendly,
} from "../../functions/channels/sms-encoding.ts";

describe("SMS encoding (GSM 03.38 / UCS-2)", () => {
  it("keeps French letters of the GSM alphabet in GSM-7 (é è à ù ì ò Ç)", () => {
    expect(encodingOf("Référence reçue")).toBe("UCS-2"); // ç is not in the alphabet
    expect(encodingOf("Votre dossier a été clôturé")).toBe("UCS-2"); // ô neither
    expect(encodingOf("Réponse à votre plainte, où êtes-vous ?".replace("ê", "e"))).toBe("GSM-7");
  });

  it("sends 160 GSM-7 characters as one SMS and 161 as two segments of at most 153", () => {
    expect(segmentCount("a".repeat(160))).toBe(1);
    const two = splitSms("a".repeat(161));
    expect(two.encoding).toBe("GSM-7");
    expect(two.segments.map((s) => s.length)).toEqual([153, 8]);
    expect(segmentCount("a".repeat(306))).toBe(2);
    expect(segmentCount("a".repeat(307))).toBe(3);
  });

  it("sends 70 UCS-2 characters as one SMS and 71 as two segments of at most 67", () => {
    expect(segmentCount("ê".repeat(70))).toBe(1);
    const two = splitSms("ê".repeat(71));
    expect(two.encoding).toBe("UCS-2");
    expect(two.segments.map((s) => s.length)).toEqual([67, 4]);
    expect(segmentCount("ɛ".repeat(134))).toBe(2); // Bambara open e
    expect(segmentCount("ɛ".repeat(135))).toBe(3);
  });

  it("counts each extension character (€ [ ] { } ~ ^ | \\) as two septets", () => {
    expect(encodingOf("€")).toBe("GSM-7");
    expect(smsLength("€")).toBe(2);
    expect(smsLength("[a]")).toBe(5);
    expect(segmentCount("€".repeat(80))).toBe(1); // 160 septets
    expect(segmentCount(`${"€".repeat(80)}a`)).toBe(2);
  });

  it("never cuts an extension character's escape pair across two segments", () => {
    // 152 septets then an extension character: it does not fit in the 153rd septet, so it opens segment 2.
    const { segments } = splitSms(`${"a".repeat(152)}€${"b".repeat(10)}`);
    expect(segments[0]).toBe("a".repeat(152));
    expect(segments[1]?.startsWith("€")).toBe(true);
  });

  it("never cuts a surrogate pair (an emoji) across two UCS-2 segments", () => {
    const text = `${"x".repeat(66)}😀${"y".repeat(10)}`;
    const { encoding, segments } = splitSms(text);
    expect(encoding).toBe("UCS-2");
    expect(segments[0]).toBe("x".repeat(66));
    expect(segments[1]?.startsWith("😀")).toBe(true);
    expect(segments.join("")).toBe(text);
  });

  it("an empty text is no segment", () => {
    expect(splitSms("").segments).toEqual([]);
  });

  it("makes a French text GSM-7 by replacing ê ô ç and typographic quotes, and leaves a text it cannot", () => {
    expect(toGsmFriendly("Êtes-vous satisfait(e) ? Dossier clôturé, reçu l’avis")).toBe(
      "Etes-vous satisfait(e) ? Dossier cloturé, recu l'avis",
    );
    expect(encodingOf(toGsmFriendly("Êtes-vous satisfait(e) ? Dossier clôturé"))).toBe("GSM-7");
    // A Bambara letter keeps the text in UCS-2: nothing is replaced.
    expect(toGsmFriendly("ɛ clôturé")).toBe("ɛ clôturé");
    // Letters the alphabet has stay as they are.
    expect(toGsmFriendly("é è à ù")).toBe("é è à ù");
  });
});

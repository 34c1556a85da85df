// fast-check arbitraries of hostile inbound mail (issue 15): MIME structures (nested multiparts, forwarded
// messages, attachments), headers (encoded-words, IDN and broken addresses, control characters, unknown
// charsets, duplicate and missing headers), bodies in several charsets and transfer encodings, raw bytes.
// Shared by the fuzz tests and `npm run bench -- fuzz`.
import fc from "fast-check";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

const name = fc.constantFrom(
  "Aïssata Traoré",
  "Moussa Keïta",
  "Awa",
  "",
  "\u0000\u0007",
  'Sékou, "Chef"',
  "Ω",
);
const local = fc.constantFrom("awa", "aissata.traore", "m+cfm", "a\u0001b", "é", "", "x".repeat(70), "a..b");
const domain = fc.constantFrom(
  "example.net",
  "exämple.org",
  "xn--exmple-cua.org",
  "localhost",
  "",
  "ex ample.net",
  "例え.jp",
);
const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);

export const fromHeader = fc.oneof(
  fc.tuple(name, address).map(([n, a]) => `${n} <${a}>`),
  address,
  fc.tuple(name, address).map(([n, a]) => `=?utf-8?b?${b64(`${n} <${a}>`)}?=`),
  fc.tuple(name, address).map(([n, a]) => `=?iso-8859-1?q?${n.replace(/ /g, "_")}?= <${a}>`),
  name,
  fc.constant("<>"),
  fc.string({ unit: "binary", maxLength: 60 }),
);

const charset = fc.constantFrom(
  "utf-8",
  "iso-8859-1",
  "windows-1252",
  "x-unknown",
  "utf-16",
  "",
  "us-ascii",
  "koi8-r",
);
const mimeType = fc.oneof(
  fc.constantFrom("application/pdf", "image/jpeg", "text/plain", "application/p\u0018df", "/", "image/", "x"),
  fc.string({ unit: "binary", maxLength: 30 }),
);
const encoding = fc.constantFrom("7bit", "8bit", "base64", "quoted-printable", "binary", "x-uuencode", "");
const text = fc.oneof(
  fc.constantFrom(
    "Bonjour, les vivres n'ont pas été distribués à Kati.",
    "Hello, the distribution in Kati was unfair.",
    "Re: [CFM-2026-000001] précisions",
    "=C3=A9t=C3=A9=",
    "<p>HTML <b>seulement</b></p>",
  ),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
);

function encodeBody(body: string, enc: string, cs: string): string {
  if (enc === "base64") {
    const raw = Buffer.from(body, cs === "iso-8859-1" || cs === "windows-1252" ? "latin1" : "utf8");
    return raw.toString("base64").replace(/.{76}/g, "$&\r\n");
  }
  return body;
}

export interface MimeNode {
  render(boundarySeed: number): string;
}

const leaf: fc.Arbitrary<MimeNode> = fc
  .record({
    type: fc.oneof(fc.constantFrom("text/plain", "text/html"), mimeType),
    cs: charset,
    enc: encoding,
    body: text,
    attachment: fc.boolean(),
    filename: fc.constantFrom(
      "reçu.pdf",
      "a\u0001.pdf",
      "../../etc/passwd",
      "",
      "x".repeat(300),
      "photo.jpg",
    ),
  })
  .map((p) => ({
    render: () =>
      [
        `Content-Type: ${p.type}${p.cs ? `; charset=${p.cs}` : ""}`,
        ...(p.enc ? [`Content-Transfer-Encoding: ${p.enc}`] : []),
        ...(p.attachment ? [`Content-Disposition: attachment; filename="${p.filename}"`] : []),
        "",
        encodeBody(p.body, p.enc, p.cs),
      ].join("\r\n"),
  }));

const mime: fc.Arbitrary<MimeNode> = fc.letrec<{ node: MimeNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc
      .record({
        sub: fc.constantFrom("mixed", "alternative", "related", "report; report-type=delivery-status"),
        parts: fc.array(tie("node"), { minLength: 0, maxLength: 3 }),
        closed: fc.boolean(),
        declaredBoundary: fc.boolean(),
      })
      .map((p) => ({
        render: (seed: number) => {
          const boundary = `b${seed}x${p.parts.length}`;
          const inner = p.parts
            .map((part, i) => `--${boundary}\r\n${part.render(seed * 7 + i + 1)}`)
            .join("\r\n");
          return [
            `Content-Type: multipart/${p.sub}${p.declaredBoundary ? `; boundary="${boundary}"` : ""}`,
            "",
            inner,
            p.closed ? `--${boundary}--` : "",
          ].join("\r\n");
        },
      })),
    fc.tuple(tie("node"), fromHeader).map(([inner, from]) => ({
      render: (seed: number) =>
        ["Content-Type: message/rfc822", "", `From: ${from}`, "Subject: Fwd", inner.render(seed + 100)].join(
          "\r\n",
        ),
    })),
  ),
})).node;

const extraHeader = fc.oneof(
  fc.constantFrom(
    "Auto-Submitted: auto-replied",
    "Precedence: bulk",
    "X-Failed-Recipients: a@example.net",
    "Reply-To: =?utf-8?b?QXdhIDxhd2FAZXhhbXBsZS5uZXQ+?=",
    "Sender: awa@exämple.org",
    "Return-Path: <awa@example.net>",
    "Return-Path: <>",
    "Content-Language: en",
    "Date: not a date",
    "Date: Mon, 02 Mar 2026 09:15:00 +0000",
    "X-SES-Virus-Verdict: FAIL",
  ),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.string({ unit: "binary", maxLength: 60 }))
    .map(([k, v]) => `${k}: ${v}`),
);

/** A whole message: headers (From, Subject with or without a reference, Message-ID) and a MIME body. */
export const hostileMessage = (references: string[] = ["CFM-2026-000001"]): fc.Arbitrary<Buffer> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .record({
          from: fc.option(fromHeader, { nil: undefined }),
          subject: fc.oneof(
            text,
            fc.constantFrom(...references).map((r) => `Re: [${r}] Accusé de réception`),
            fc.string({ unit: "binary", maxLength: 80 }).map((s) => `=?utf-8?b?${b64(s)}?=`),
          ),
          messageId: fc.option(
            fc.oneof(
              fc.uuid().map((u) => `<${u}@example.net>`),
              fc.constant("<fixed@example.net>"),
            ),
            {
              nil: undefined,
            },
          ),
          extra: fc.array(extraHeader, { maxLength: 4 }),
          body: mime,
          seed: fc.nat(10_000),
          eol: fc.constantFrom("\r\n", "\n"),
        })
        .map((m) => {
          const headers = [
            ...(m.from !== undefined ? [`From: ${m.from}`] : []),
            "To: plaintes@example.org",
            `Subject: ${m.subject}`,
            ...(m.messageId ? [`Message-ID: ${m.messageId}`] : []),
            "MIME-Version: 1.0",
            ...m.extra,
          ];
          const text = `${headers.join("\r\n")}\r\n${m.body.render(m.seed)}\r\n`;
          return Buffer.from(m.eol === "\n" ? text.replace(/\r\n/g, "\n") : text, "utf8");
        }),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1024 }).map((b) => Buffer.from(b)) },
  );

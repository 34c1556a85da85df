// Generates the inbound-mail corpus (test/events/mail/*.eml) and its README.
//   npx tsx test/events/mail/generate.ts
// Deterministic: fixed dates, Message-IDs and MIME boundaries, so the committed files are reproducible
// (test/unit/parse-inbound.test.ts checks that they match this script). Two kinds of entries:
// - "composed": built with nodemailer's MailComposer, the way a well-behaved client writes mail;
// - "raw": written out byte for byte, for the shapes of real clients (Gmail, Outlook) and for broken input.
// The 20 MB attachment case is not here: the test builds it at run time.
import { readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import MailComposer, { type MailComposerOptions } from "nodemailer/lib/mail-composer";

export interface CorpusEntry {
  file: string;
  source: "composed" | "raw";
  exercises: string;
  bytes: Buffer;
}

const INTAKE = "plaintes@example.org";

// A 1x1 PNG, a minimal PDF and the first bytes of a JFIF JPEG: small, but with real signatures.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from(
  [
    "%PDF-1.4",
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj",
    "trailer << /Root 1 0 R >>",
    "%%EOF",
    "",
  ].join("\n"),
  "latin1",
);
const JPEG = Buffer.concat([
  Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48,
  ]),
  Buffer.from([0x00, 0x48, 0x00, 0x00]),
  Buffer.alloc(96, 0x20),
  Buffer.from([0xff, 0xd9]),
]);
// TNEF signature (0x223E9F78, little-endian) followed by filler: what Outlook's winmail.dat starts with.
const TNEF = Buffer.concat([Buffer.from([0x78, 0x9f, 0x3e, 0x22, 0x01, 0x00]), Buffer.alloc(90, 0x01)]);

async function compose(options: MailComposerOptions): Promise<Buffer> {
  return new MailComposer({ to: INTAKE, ...options }).compile().build();
}

function crlf(lines: string[]): string {
  return lines.join("\r\n");
}

// Windows-1252 bytes for the characters French mail uses; everything else as Latin-1.
const WINDOWS_1252: Record<string, number> = {
  "€": 0x80,
  "‚": 0x82,
  "„": 0x84,
  "…": 0x85,
  Œ: 0x8c,
  "‘": 0x91,
  "’": 0x92,
  "“": 0x93,
  "”": 0x94,
  "–": 0x96,
  "—": 0x97,
  œ: 0x9c,
};
function windows1252(text: string): Buffer {
  return Buffer.from([...text].map((char) => WINDOWS_1252[char] ?? char.charCodeAt(0)));
}

function wrap76(base64: string): string {
  return base64.replace(/.{1,76}/g, "$&\r\n").trimEnd();
}

const inner = () =>
  compose({
    from: "Aïssata Traoré <aissata.traore@example.net>",
    to: "programme@example.org",
    subject: "Plainte concernant la distribution à Kati",
    date: new Date("2026-02-27T16:40:00Z"),
    messageId: "<original-kati-0001@example.net>",
    text:
      "Bonjour,\n\nJe vous écris pour signaler que la distribution de vivres prévue le 25 février à Kati " +
      "n'a pas eu lieu. Nous étions plus de cent familles à attendre devant l'école.\n\n" +
      "Merci de nous dire ce qui se passe.\n\nAïssata Traoré\n",
    baseBoundary: "inner0001",
  });

export async function buildCorpus(): Promise<CorpusEntry[]> {
  const entries: CorpusEntry[] = [];
  const add = (file: string, source: CorpusEntry["source"], exercises: string, bytes: Buffer | string) =>
    entries.push({
      file,
      source,
      exercises,
      bytes: typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes,
    });

  // ---- Complaints, composed --------------------------------------------------------------------------

  add(
    "plain-text-fr.eml",
    "composed",
    "plain text, UTF-8, French accents in name, subject and body",
    await compose({
      from: "Aïssata Traoré <aissata.traore@example.net>",
      subject: "Plainte concernant la distribution à Kati",
      date: new Date("2026-03-02T09:15:00Z"),
      messageId: "<plain-text-fr-0001@example.net>",
      text:
        "Bonjour,\n\nJe vous écris au sujet de la distribution de vivres à Kati. Les sacs de riz promis " +
        "n'ont pas été distribués à toutes les familles inscrites, et l'agent présent a refusé de nous " +
        "expliquer pourquoi.\n\nNous sommes une vingtaine de familles du quartier Malibougou dans ce cas.\n\n" +
        "Merci de votre attention.\n\nAïssata Traoré\n",
    }),
  );

  add(
    "html-only.eml",
    "composed",
    "HTML only (root text/html): text converted from HTML, entities decoded",
    await compose({
      from: "Ségolène Dembélé <segolene.dembele@example.com>",
      subject: "Réclamation : retard des paiements à Ségou",
      date: new Date("2026-03-03T10:02:00Z"),
      messageId: "<html-only-0001@example.com>",
      html:
        "<html><head><style>p { color: #333; }</style></head><body>" +
        "<p>Bonjour Madame, Monsieur,</p>" +
        "<p>Les paiements en esp&egrave;ces pr&eacute;vus pour le mois de f&eacute;vrier n&rsquo;ont " +
        "toujours pas &eacute;t&eacute; vers&eacute;s aux b&eacute;n&eacute;ficiaires de S&eacute;gou.</p>" +
        "<ul><li>Village de Pelengana : 40&nbsp;familles</li><li>Village de Sébougou : 25&nbsp;familles</li></ul>" +
        "<p>Merci de nous r&eacute;pondre rapidement.<br>Cordialement,<br><b>Ségolène Dembélé</b></p>" +
        "</body></html>",
    }),
  );

  add(
    "html-only-with-attachment.eml",
    "composed",
    "HTML body without a text part inside multipart/mixed (mailparser gives no text), plus a PDF",
    await compose({
      from: "Mariam Coulibaly <mariam.coulibaly@example.net>",
      subject: "Plainte – comportement d’un agent à Mopti",
      date: new Date("2026-03-03T14:30:00Z"),
      messageId: "<html-mixed-0001@example.net>",
      html:
        "<div>Bonjour,</div><div><br></div><div>Je souhaite d&eacute;poser une plainte contre un agent " +
        "de distribution &agrave; Mopti qui nous a parl&eacute; de fa&ccedil;on insultante.</div>" +
        "<div>Vous trouverez mon t&eacute;moignage &eacute;crit en pi&egrave;ce jointe.</div>" +
        "<div><br></div><div>Mariam Coulibaly</div>",
      attachments: [{ filename: "témoignage.pdf", content: PDF, contentType: "application/pdf" }],
      baseBoundary: "htmlmixed0001",
    }),
  );

  add(
    "multipart-alternative.eml",
    "composed",
    "multipart/alternative text + HTML: the text part is used",
    await compose({
      from: "Moussa Koné <moussa.kone@example.org.ml>",
      subject: "Problème avec la carte de bénéficiaire",
      date: new Date("2026-03-04T08:05:00Z"),
      messageId: "<alternative-0001@example.org.ml>",
      text:
        "Bonjour,\n\nMa carte de bénéficiaire a été refusée lors de la dernière distribution à Bamako, " +
        "alors que mon nom est sur la liste.\n\nMerci de vérifier.\n\nMoussa Koné\n",
      html:
        "<p>Bonjour,</p><p>Ma carte de b&eacute;n&eacute;ficiaire a &eacute;t&eacute; refus&eacute;e lors de " +
        "la derni&egrave;re distribution &agrave; Bamako, alors que mon nom est sur la liste.</p>" +
        "<p>Merci de v&eacute;rifier.</p><p>Moussa Kon&eacute;</p>",
      baseBoundary: "alternative0001",
    }),
  );

  add(
    "quoted-printable.eml",
    "composed",
    "quoted-printable body with soft line breaks and encoded accents",
    await compose({
      from: "Fatoumata Sangaré <fatoumata.sangare@example.net>",
      subject: "Plainte : eau non potable au point d’eau de Niono",
      date: new Date("2026-03-04T11:20:00Z"),
      messageId: "<qp-0001@example.net>",
      textEncoding: "quoted-printable",
      text:
        "Bonjour,\n\nDepuis la réparation de la pompe du point d'eau de Niono réalisée par votre équipe le mois " +
        "dernier, l'eau a un goût très désagréable et plusieurs enfants du quartier ont été malades après en " +
        "avoir bu. Nous avons prévenu le chef de village mais rien n'a été fait.\n\n" +
        "Pourriez-vous envoyer quelqu'un pour vérifier la qualité de l'eau ?\n\nFatoumata Sangaré\n",
    }),
  );

  add(
    "base64.eml",
    "composed",
    "base64 body",
    await compose({
      from: "Oumar Maïga <oumar.maiga@example.com>",
      subject: "Réclamation concernant les kits d’hygiène",
      date: new Date("2026-03-05T07:45:00Z"),
      messageId: "<base64-0001@example.com>",
      textEncoding: "base64",
      text:
        "Bonjour,\n\nLes kits d'hygiène distribués à Tombouctou le 1er mars étaient incomplets : il manquait " +
        "le savon et les seaux. Nous sommes déçus.\n\nMerci de votre réponse.\n\nOumar Maïga\n",
    }),
  );

  add(
    "rfc2047-subject-and-name.eml",
    "composed",
    "RFC 2047 (Q) encoded subject and From display name, long subject folded over several encoded words",
    await compose({
      from: { name: "Ségolène Ouédraogo-Kaboré", address: "s.ouedraogo@example.bf" },
      subject: "Problème d’accès à l’eau potable à Gao — l’école est fermée depuis deux semaines",
      date: new Date("2026-03-05T15:10:00Z"),
      messageId: "<rfc2047-0001@example.bf>",
      text: "Bonjour,\n\nL'école de notre quartier à Gao est fermée car il n'y a plus d'eau. Merci d'agir.\n",
    }),
  );

  add(
    "attachments-pdf-jpeg.eml",
    "composed",
    "attachments: a PDF and a JPEG with accented file names, type and size",
    await compose({
      from: "Aïssata Traoré <aissata.traore@example.net>",
      subject: "Photos du magasin de Kati",
      date: new Date("2026-03-06T09:00:00Z"),
      messageId: "<attachments-0001@example.net>",
      text:
        "Bonjour,\n\nVoici la liste des familles concernées et une photo du magasin fermé le jour de la " +
        "distribution.\n\nAïssata Traoré\n",
      attachments: [
        { filename: "liste des familles.pdf", content: PDF, contentType: "application/pdf" },
        { filename: "magasin fermé.jpg", content: JPEG, contentType: "image/jpeg" },
      ],
      baseBoundary: "attachments0001",
    }),
  );

  add(
    "inline-image.eml",
    "composed",
    "HTML with an inline image (multipart/related, cid:), flagged inline",
    await compose({
      from: "Ségolène Dembélé <segolene.dembele@example.com>",
      subject: "Photo de la file d’attente à Ségou",
      date: new Date("2026-03-06T12:00:00Z"),
      messageId: "<inline-image-0001@example.com>",
      text: "Bonjour,\n\nVoici la file d'attente ce matin, les gens attendent depuis 6 heures.\n\nSégolène\n",
      html:
        "<p>Bonjour,</p><p>Voici la file d&rsquo;attente ce matin, les gens attendent depuis 6 heures.</p>" +
        '<p><img src="cid:file-attente@cfm.example" alt="file d\'attente"></p><p>Ségolène</p>',
      attachments: [{ filename: "file-attente.png", content: PNG, cid: "file-attente@cfm.example" }],
      baseBoundary: "inline0001",
    }),
  );

  add(
    "forwarded-rfc822-inline.eml",
    "composed",
    "forwarded message as an inline message/rfc822 part (mailparser expands it into the text)",
    await compose({
      from: "Programme Officer <programme@example.org>",
      subject: "TR: Plainte concernant la distribution à Kati",
      date: new Date("2026-03-02T10:00:00Z"),
      messageId: "<forward-inline-0001@example.org>",
      text: "Bonjour,\n\nJe vous transmets la plainte ci-dessous, reçue directement par mon équipe.\n\nCordialement\n",
      attachments: [{ content: await inner(), contentType: "message/rfc822" }],
      baseBoundary: "fwdinline0001",
    }),
  );

  add(
    "forwarded-eml-attachment.eml",
    "composed",
    "forwarded message as an .eml attachment (message/rfc822, attachment): kept, its text appended",
    await compose({
      from: "Programme Officer <programme@example.org>",
      subject: "Fwd: Plainte concernant la distribution à Kati",
      date: new Date("2026-03-02T10:05:00Z"),
      messageId: "<forward-attachment-0001@example.org>",
      text: "Bonjour,\n\nPlainte reçue par mon équipe, voir la pièce jointe.\n\nCordialement\n",
      attachments: [
        {
          filename: "Plainte Kati.eml",
          content: await inner(),
          contentType: "message/rfc822",
          contentDisposition: "attachment",
        },
      ],
      baseBoundary: "fwdattach0001",
    }),
  );

  add(
    "forwarded-inline-gmail.eml",
    "composed",
    'forwarded inline, Gmail style ("---------- Forwarded message ---------")',
    await compose({
      from: "Awa Keïta <awa.keita@example.com>",
      subject: "Fwd: Plainte distribution Kati",
      date: new Date("2026-03-07T08:30:00Z"),
      messageId: "<fwd-gmail-0001@example.com>",
      text:
        "Bonjour, je transfère la plainte de ma voisine qui n'a pas d'adresse e-mail.\n\n" +
        "---------- Forwarded message ---------\n" +
        "De : Aïssata Traoré <aissata.traore@example.net>\n" +
        "Date: ven. 27 févr. 2026 à 16:40\n" +
        "Subject: Plainte concernant la distribution à Kati\n" +
        "To: Awa Keïta <awa.keita@example.com>\n\n" +
        "Bonjour,\n\nLa distribution de vivres prévue le 25 février à Kati n'a pas eu lieu.\n\nAïssata\n",
    }),
  );

  add(
    "forwarded-inline-thunderbird-fr.eml",
    "composed",
    'forwarded inline, Thunderbird in French ("-------- Message transféré --------")',
    await compose({
      from: "Boubacar Cissé <boubacar.cisse@example.net>",
      subject: "Fwd: Réclamation sur les coupons alimentaires",
      date: new Date("2026-03-07T09:10:00Z"),
      messageId: "<fwd-thunderbird-0001@example.net>",
      text:
        "Bonjour,\n\nPour information, voici la réclamation que j'ai reçue.\n\n\n" +
        "-------- Message transféré --------\n" +
        "Sujet : \tRéclamation sur les coupons alimentaires\n" +
        "Date : \tJeu, 5 mars 2026 18:22:10 +0000\n" +
        "De : \tKadiatou Diarra <kadiatou.diarra@example.com>\n" +
        "Pour : \tBoubacar Cissé <boubacar.cisse@example.net>\n\n\n\n" +
        "Bonjour, les coupons alimentaires de mars ne sont pas acceptés par les commerçants de Kayes.\n",
    }),
  );

  add(
    "reply-with-reference.eml",
    "composed",
    'reply to an acknowledgement, reference in "Re: RE: TR: [CFM-2026-000123] …", quoted French text',
    await compose({
      from: "Aïssata Traoré <aissata.traore@example.net>",
      subject: "Re: RE: TR: [CFM-2026-000123] Plainte concernant la distribution à Kati",
      date: new Date("2026-03-09T17:45:00Z"),
      messageId: "<reply-ref-0001@example.net>",
      inReplyTo: "<ack-CFM-2026-000123@example.org>",
      references: ["<plain-text-fr-0001@example.net>", "<ack-CFM-2026-000123@example.org>"],
      text:
        "Bonjour,\n\nMerci pour votre réponse. Je voulais ajouter que la distribution n'a toujours pas eu lieu " +
        "aujourd'hui.\n\nAïssata\n\n" +
        "Le lun. 2 mars 2026 à 10:15, <plaintes@example.org> a écrit :\n" +
        "> Bonjour,\n> Nous avons bien reçu votre plainte, enregistrée sous la référence CFM-2026-000123.\n",
    }),
  );

  add(
    "reply-english-quoting-french.eml",
    "composed",
    "English reply quoting a French acknowledgement: language from the new text only",
    await compose({
      from: "John Mensah <john.mensah@example.co.uk>",
      subject: "RE: [CFM-2026-000045] Accusé de réception de votre plainte",
      date: new Date("2026-03-10T13:00:00Z"),
      messageId: "<reply-en-0001@example.co.uk>",
      inReplyTo: "<ack-CFM-2026-000045@example.org>",
      text:
        "Hello,\n\nThank you for the acknowledgement. Please could you write to me in English? I have more " +
        "information about the incident and I would like to share it with the investigator.\n\nRegards,\nJohn\n\n" +
        "On Mon, 9 Mar 2026 at 09:00, plaintes@example.org wrote:\n" +
        "> Bonjour,\n> Nous avons bien reçu votre plainte et nous vous remercions de votre confiance.\n" +
        "> Nous vous contacterons dans les deux semaines pour la suite de la procédure.\n" +
        "> Le responsable des plaintes\n",
    }),
  );

  add(
    "english-complaint.eml",
    "composed",
    "complaint written in English",
    await compose({
      from: "John Mensah <john.mensah@example.co.uk>",
      subject: "Complaint about the food distribution in Kati",
      date: new Date("2026-03-08T10:30:00Z"),
      messageId: "<english-0001@example.co.uk>",
      text:
        "Hello,\n\nI am writing to complain about the food distribution in Kati on 25 February. The " +
        "distribution was cancelled without notice and the families who had travelled were not told why. " +
        "Please let me know what happened and when the distribution will take place.\n\nThank you,\nJohn Mensah\n",
    }),
  );

  add(
    "representative-h-a1.eml",
    "composed",
    "H-A1: a representative files on behalf of the complainant, with Reply-To",
    await compose({
      from: "Ibrahim Diallo <ibrahim.diallo@example.net>",
      replyTo: "Ibrahim Diallo <ibrahim.diallo+cfm@example.net>",
      subject: "Plainte au nom de ma mère, Mme Aïssata Traoré",
      date: new Date("2026-03-08T18:00:00Z"),
      messageId: "<representative-0001@example.net>",
      text:
        "Bonjour,\n\nJe vous écris au nom de ma mère, Mme Aïssata Traoré, qui ne sait ni lire ni écrire et " +
        "m'a demandé de déposer cette plainte pour elle. Lors de la distribution du 25 février à Kati, un " +
        "agent lui a demandé de l'argent pour l'inscrire sur la liste des bénéficiaires.\n\n" +
        "Elle accepte que je la représente. Vous pouvez me joindre à cette adresse.\n\nIbrahim Diallo\n",
    }),
  );

  add(
    "empty-subject.eml",
    "composed",
    "no Subject header at all",
    await compose({
      from: "Kadiatou Diarra <kadiatou.diarra@example.com>",
      subject: "",
      date: new Date("2026-03-11T07:00:00Z"),
      messageId: "<empty-subject-0001@example.com>",
      text: "Bonjour, je n'ai pas reçu ma ration ce mois-ci à Kayes. Merci de vérifier mon dossier.\n",
    }),
  );

  add(
    "empty-body.eml",
    "composed",
    "subject but an empty body",
    await compose({
      from: "Moussa Koné <moussa.kone@example.org.ml>",
      subject: "Plainte",
      date: new Date("2026-03-11T07:30:00Z"),
      messageId: "<empty-body-0001@example.org.ml>",
      text: "",
    }),
  );

  add(
    "complaint-subject-absence.eml",
    "composed",
    'a real complaint whose subject starts with "Absence": not noise without automated-sender headers',
    await compose({
      from: "Fatoumata Sangaré <fatoumata.sangare@example.net>",
      subject: "Absence : aucun agent présent à la distribution de Niono",
      date: new Date("2026-03-12T08:00:00Z"),
      messageId: "<absence-complaint-0001@example.net>",
      text:
        "Bonjour,\n\nCe matin, aucun agent n'était présent au point de distribution de Niono. Les familles " +
        "ont attendu toute la matinée pour rien.\n\nFatoumata Sangaré\n",
    }),
  );

  // ---- Real client shapes, raw -------------------------------------------------------------------------

  add(
    "gmail-shape.eml",
    "raw",
    "Gmail shape: DKIM and X-Gm headers, multipart/alternative with 0000… boundary, QP UTF-8, dir=ltr HTML",
    crlf([
      "Delivered-To: plaintes@example.org",
      "Received: by 2002:a05:6a10:8e0a:b0:5c1:2f3a:1e4 with SMTP id x10csp123456pxb;",
      "        Mon, 9 Mar 2026 02:14:05 -0700 (PDT)",
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=gmail.com; s=20230601; t=1773047645;",
      "        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to;",
      "        bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;",
      "        b=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
      "X-Google-DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=1e100.net; s=20230601; t=1773047645;",
      "        bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=ZyXwVuTsRqPoNmLkJiHgFeDcBa",
      "X-Gm-Message-State: AOJu0YyExampleExampleExampleExampleExampleExample==",
      "X-Google-Smtp-Source: AGHT+IExampleExampleExampleExample",
      "MIME-Version: 1.0",
      "From: =?UTF-8?Q?Awa_Ke=C3=AFta?= <awa.keita@gmail.example>",
      "Date: Mon, 9 Mar 2026 10:13:52 +0100",
      "Message-ID: <CAF3xYz1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ0aBcD@mail.gmail.com>",
      "Subject: =?UTF-8?Q?Plainte_concernant_la_distribution_=C3=A0_Kati?=",
      "To: plaintes@example.org",
      'Content-Type: multipart/alternative; boundary="0000000000004a5b2c05f1e3d7a8"',
      "",
      "--0000000000004a5b2c05f1e3d7a8",
      'Content-Type: text/plain; charset="UTF-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Bonjour,",
      "",
      "Je souhaite signaler que le chef de distribution de Kati a exig=C3=A9 une part=",
      "ie des vivres en =C3=A9change de l=E2=80=99inscription sur la liste.",
      "",
      "Merci de traiter ma plainte de fa=C3=A7on confidentielle.",
      "",
      "Awa Ke=C3=AFta",
      "",
      "--0000000000004a5b2c05f1e3d7a8",
      'Content-Type: text/html; charset="UTF-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      '<div dir=3D"ltr"><div>Bonjour,</div><div><br></div><div>Je souhaite signaler=',
      " que le chef de distribution de Kati a exig=C3=A9 une partie des vivres en =",
      "=C3=A9change de l=E2=80=99inscription sur la liste.</div><div><br></div><div>M=",
      "erci de traiter ma plainte de fa=C3=A7on confidentielle.</div><div><br></div>=",
      "<div>Awa Ke=C3=AFta</div></div>",
      "",
      "--0000000000004a5b2c05f1e3d7a8--",
      "",
    ]),
  );

  add(
    "outlook-shape.eml",
    "raw",
    "Outlook/Exchange shape: multipart/related > alternative, Thread-Index, X-MS-Has-Attach, ISO-8859-1 QP " +
      "text, inline image001.png, Content-Language en-US on French text",
    crlf([
      "Received: from PR3P192MB0715.EURP192.PROD.OUTLOOK.COM ([fe80::1c2d:3e4f:5a6b:7c8d]) by",
      " PR3P192MB0715.EURP192.PROD.OUTLOOK.COM ([fe80::1c2d:3e4f:5a6b:7c8d%5]) with mapi id",
      " 15.20.8722.020; Tue, 10 Mar 2026 08:41:12 +0000",
      "From: =?iso-8859-1?Q?C=E9line_Doumbia?= <celine.doumbia@ong-partenaire.example>",
      "To: Plaintes <plaintes@example.org>",
      "Subject: =?iso-8859-1?Q?Signalement_:_d=E9tournement_de_vivres_=E0_Kidal?=",
      "Thread-Topic: =?iso-8859-1?Q?Signalement_:_d=E9tournement_de_vivres_=E0_Kidal?=",
      "Thread-Index: AdqS7E2fZ0q9l5bHT0O8lQn0o5P1Xw==",
      "Date: Tue, 10 Mar 2026 08:41:12 +0000",
      "Message-ID: <PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B@PR3P192MB0715.EURP192.PROD.OUTLOOK.COM>",
      "Accept-Language: fr-FR, en-US",
      "Content-Language: en-US",
      "X-MS-Has-Attach: yes",
      "X-MS-TNEF-Correlator:",
      "x-ms-publictraffictype: Email",
      "x-ms-exchange-senderadcheck: 1",
      'Content-Type: multipart/related; boundary="_004_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_";',
      '\ttype="multipart/alternative"',
      "MIME-Version: 1.0",
      "",
      "--_004_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_",
      "Content-Type: multipart/alternative;",
      '\tboundary="_000_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_"',
      "",
      "--_000_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_",
      'Content-Type: text/plain; charset="iso-8859-1"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Bonjour,",
      "",
      "Je souhaite signaler un d=E9tournement de vivres lors de la distribution =E0 =",
      "Kidal le 8 mars : une partie des sacs a =E9t=E9 charg=E9e dans un camion priv=",
      "=E9 apr=E8s la distribution.",
      "",
      "Cordialement,",
      "",
      "C=E9line Doumbia",
      "Charg=E9e de programme",
      "[cid:image001.png@01DA6C5B.2E4F1A30]",
      "",
      "--_000_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_",
      'Content-Type: text/html; charset="iso-8859-1"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      '<html xmlns:v=3D"urn:schemas-microsoft-com:vml" xmlns:o=3D"urn:schemas-micr=',
      'osoft-com:office:office"><head><meta http-equiv=3D"Content-Type" content=3D=',
      '"text/html; charset=3Diso-8859-1"></head><body lang=3D"FR"><div class=3D"Wor=',
      'dSection1"><p class=3D"MsoNormal">Bonjour,<o:p></o:p></p><p class=3D"MsoNor=',
      'mal">Je souhaite signaler un d=E9tournement de vivres lors de la distributi=',
      "on =E0 Kidal le 8 mars&nbsp;: une partie des sacs a =E9t=E9 charg=E9e dans u=",
      'n camion priv=E9 apr=E8s la distribution.<o:p></o:p></p><p class=3D"MsoNorm=',
      'al">Cordialement,<o:p></o:p></p><p class=3D"MsoNormal">C=E9line Doumbia<br>=',
      'Charg=E9e de programme<o:p></o:p></p><p class=3D"MsoNormal"><img width=3D"1=',
      '" height=3D"1" id=3D"Image_x0020_1" src=3D"cid:image001.png@01DA6C5B.2E4F1A=',
      '30"></p></div></body></html>',
      "",
      "--_000_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_--",
      "",
      "--_004_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_",
      'Content-Type: image/png; name="image001.png"',
      "Content-Description: image001.png",
      'Content-Disposition: inline; filename="image001.png"; size=70;',
      '\tcreation-date="Tue, 10 Mar 2026 08:41:11 GMT";',
      '\tmodification-date="Tue, 10 Mar 2026 08:41:11 GMT"',
      "Content-ID: <image001.png@01DA6C5B.2E4F1A30>",
      "Content-Transfer-Encoding: base64",
      "",
      wrap76(PNG.toString("base64")),
      "",
      "--_004_PR3P192MB07151A2B3C4D5E6F7A8B9C0DD1E2F3A4B_--",
      "",
    ]),
  );

  add(
    "winmail-dat.eml",
    "raw",
    "Outlook rich text: winmail.dat (application/ms-tnef) kept as an attachment",
    crlf([
      "From: Moussa Koné <moussa.kone@example.org.ml>",
      "To: plaintes@example.org",
      "Subject: =?iso-8859-1?Q?Plainte_:_vivres_avari=E9s_=E0_Tombouctou?=",
      "Date: Wed, 11 Mar 2026 09:12:00 +0000",
      "Message-ID: <DB9PR01MB1234ABCD5678EF90@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>",
      "Thread-Topic: =?iso-8859-1?Q?Plainte_:_vivres_avari=E9s_=E0_Tombouctou?=",
      "Thread-Index: AdqT1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c==",
      "Content-Language: fr-FR",
      "X-MS-Has-Attach: yes",
      "X-MS-TNEF-Correlator: <DB9PR01MB1234ABCD5678EF90@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="_002_DB9PR01MB1234ABCD5678EF90_"',
      "",
      "--_002_DB9PR01MB1234ABCD5678EF90_",
      'Content-Type: text/plain; charset="iso-8859-1"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Bonjour,",
      "",
      "Les sacs de mil distribu=E9s =E0 Tombouctou le 10 mars =E9taient avari=E9s.",
      "",
      "Moussa Kon=E9",
      "",
      "--_002_DB9PR01MB1234ABCD5678EF90_",
      'Content-Type: application/ms-tnef; name="winmail.dat"',
      'Content-Disposition: attachment; filename="winmail.dat"',
      "Content-Transfer-Encoding: base64",
      "",
      wrap76(TNEF.toString("base64")),
      "",
      "--_002_DB9PR01MB1234ABCD5678EF90_--",
      "",
    ]),
  );

  add(
    "iso-8859-1.eml",
    "raw",
    "ISO-8859-1 8bit body, ISO-8859-1 Q-encoded subject and From name",
    Buffer.concat([
      Buffer.from(
        crlf([
          "From: =?ISO-8859-1?Q?A=EFssata_Traor=E9?= <aissata.traore@example.net>",
          "To: plaintes@example.org",
          "Subject: =?ISO-8859-1?Q?Plainte_concernant_la_distribution_=E0_Kati?=",
          "Date: Thu, 12 Mar 2026 10:00:00 +0000",
          "Message-ID: <latin1-0001@example.net>",
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=ISO-8859-1",
          "Content-Transfer-Encoding: 8bit",
          "",
          "",
        ]),
        "latin1",
      ),
      Buffer.from(
        crlf([
          "Bonjour,",
          "",
          "Je m'appelle Aïssata Traoré. La distribution prévue à Kati a été reportée trois fois",
          "et personne ne nous prévient. Ça ne peut pas continuer ainsi.",
          "",
          "Aïssata",
          "",
        ]),
        "latin1",
      ),
    ]),
  );

  add(
    "windows-1252.eml",
    "raw",
    "Windows-1252 8bit body with curly quotes, euro sign, ellipsis and œ; Windows-1252 Q-encoded subject",
    Buffer.concat([
      Buffer.from(
        crlf([
          "From: =?windows-1252?Q?S=E9gol=E8ne_Demb=E9l=E9?= <segolene.dembele@example.com>",
          "To: plaintes@example.org",
          "Subject: =?windows-1252?Q?Plainte_=93urgente=94_:_50_=80_demand=E9s_=E0_Kati?=",
          "Date: Thu, 12 Mar 2026 11:00:00 +0000",
          "Message-ID: <cp1252-0001@example.com>",
          "MIME-Version: 1.0",
          'Content-Type: text/plain; charset="windows-1252"',
          "Content-Transfer-Encoding: 8bit",
          "",
          "",
        ]),
        "latin1",
      ),
      windows1252(
        crlf([
          "Bonjour,",
          "",
          "L’agent de distribution nous a dit : “si vous voulez être sur la liste, c’est 50 € par famille”…",
          "C’est un vœu de toutes les sœurs du quartier que cela cesse.",
          "",
          "Ségolène",
          "",
        ]),
      ),
    ]),
  );

  add(
    "rfc2047-b-encoded.eml",
    "raw",
    "RFC 2047 B-encoded subject split over two encoded words, Q-encoded ISO-8859-1 name with underscores",
    crlf([
      "From: =?iso-8859-1?Q?Ousmane_Tour=E9?= <ousmane.toure@example.net>",
      "To: plaintes@example.org",
      `Subject: =?UTF-8?B?${Buffer.from("Réclamation : ration réduite ", "utf8").toString("base64")}?=`,
      ` =?UTF-8?B?${Buffer.from("à Ménaka", "utf8").toString("base64")}?=`,
      "Date: Fri, 13 Mar 2026 09:00:00 +0000",
      "Message-ID: <b-encoded-0001@example.net>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=us-ascii",
      "",
      "Bonjour, la ration distribuee a Menaka a ete reduite de moitie sans explication. Merci.",
      "",
    ]),
  );

  add(
    "unknown-charset.eml",
    "raw",
    "unknown charset (x-cfm-inconnu) in body and subject: parsed anyway, problem noted, Latin bytes recovered",
    Buffer.concat([
      Buffer.from(
        crlf([
          "From: Oumar Maiga <oumar.maiga@example.com>",
          "To: plaintes@example.org",
          "Subject: =?x-cfm-inconnu?Q?Probl=E8me_de_distribution?=",
          "Date: Fri, 13 Mar 2026 10:00:00 +0000",
          "Message-ID: <unknown-charset-0001@example.com>",
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=x-cfm-inconnu",
          "Content-Transfer-Encoding: 8bit",
          "",
          "",
        ]),
        "latin1",
      ),
      Buffer.from("Bonjour, la distribution à Gao a été annulée. Merci de répondre.\r\n", "latin1"),
    ]),
  );

  add(
    "no-from.eml",
    "raw",
    "no From header",
    crlf([
      "To: plaintes@example.org",
      "Subject: =?UTF-8?Q?Plainte_anonyme_=C3=A0_Kati?=",
      "Date: Fri, 13 Mar 2026 11:00:00 +0000",
      "Message-ID: <no-from-0001@example.net>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Bonjour, je préfère rester anonyme. Un agent demande de l'argent aux familles à Kati.",
      "",
    ]),
  );

  add(
    "truncated-mime.eml",
    "raw",
    "truncated in the middle of a base64 attachment, no closing boundary: text kept, problem noted",
    crlf([
      "From: Aïssata Traoré <aissata.traore@example.net>",
      "To: plaintes@example.org",
      "Subject: =?UTF-8?Q?Plainte_avec_pi=C3=A8ce_jointe?=",
      "Date: Sat, 14 Mar 2026 08:00:00 +0000",
      "Message-ID: <truncated-0001@example.net>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="cfm-truncated-b1"',
      "",
      "--cfm-truncated-b1",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Bonjour, voici la liste des familles oubliées lors de la distribution.",
      "",
      "--cfm-truncated-b1",
      'Content-Type: application/pdf; name="liste.pdf"',
      'Content-Disposition: attachment; filename="liste.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      PDF.toString("base64").slice(0, 60),
    ]),
  );

  add(
    "broken-boundary.eml",
    "raw",
    "broken MIME: the declared boundary never occurs, so no part can be found: unreadable, text recovered",
    crlf([
      "From: Boubacar Cissé <boubacar.cisse@example.net>",
      "To: plaintes@example.org",
      "Subject: =?UTF-8?Q?R=C3=A9clamation_Kayes?=",
      "Date: Sat, 14 Mar 2026 09:00:00 +0000",
      "Message-ID: <broken-boundary-0001@example.net>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="declared-boundary"',
      "",
      "--other-boundary",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Bonjour, les coupons de Kayes ne sont pas acceptés par les commerçants depuis une semaine.",
      "",
      "--other-boundary--",
      "",
    ]),
  );

  add(
    "no-headers.eml",
    "raw",
    "not a message: text without any header: unreadable, text recovered",
    "Bonjour, je veux porter plainte contre le chef de site de Kati qui a insulté ma famille.\r\nMerci.\r\n",
  );

  // ---- Noise: auto-replies, bounces, reports, loops ------------------------------------------------------

  add(
    "auto-reply-gmail-vacation.eml",
    "raw",
    "noise: Gmail vacation responder (Auto-Submitted: auto-replied), replying to an acknowledgement with a reference",
    crlf([
      "MIME-Version: 1.0",
      "From: Aïssata Traoré <aissata.traore@example.net>",
      "Date: Mon, 2 Mar 2026 10:16:03 +0000",
      "Message-ID: <CAvacation0001@mail.gmail.com>",
      "Subject: Re: [CFM-2026-000123] Accusé de réception de votre plainte",
      "To: plaintes@example.org",
      "Auto-Submitted: auto-replied",
      "In-Reply-To: <ack-CFM-2026-000123@example.org>",
      'Content-Type: text/plain; charset="UTF-8"',
      "Content-Transfer-Encoding: 8bit",
      "",
      "Je suis en voyage jusqu'au 15 mars, je lirai votre message à mon retour.",
      "",
    ]),
  );

  add(
    "auto-reply-outlook-fr.eml",
    "raw",
    'noise: Outlook "Réponse automatique :" with X-Auto-Response-Suppress and no Auto-Submitted (subject + header)',
    crlf([
      "From: =?iso-8859-1?Q?C=E9line_Doumbia?= <celine.doumbia@ong-partenaire.example>",
      "To: Plaintes <plaintes@example.org>",
      "Subject: =?iso-8859-1?Q?R=E9ponse_automatique=A0:_[CFM-2026-000045]_Accus=E9_de_r=E9cept?=",
      " =?iso-8859-1?Q?ion?=",
      "Thread-Topic: [CFM-2026-000045] =?iso-8859-1?Q?Accus=E9_de_r=E9ception?=",
      "Thread-Index: AQHakQ2fZ0q9l5bHT0O8lQn0o5P1X7F0ABCD",
      "Date: Tue, 10 Mar 2026 09:00:02 +0000",
      "Message-ID: <PR3P192MB0715AUTOREPLY0001@PR3P192MB0715.EURP192.PROD.OUTLOOK.COM>",
      "X-MS-Has-Attach:",
      "X-Auto-Response-Suppress: All",
      "X-MS-Exchange-Inbox-Rules-Loop: celine.doumbia@ong-partenaire.example",
      "Content-Language: fr-FR",
      'Content-Type: text/plain; charset="iso-8859-1"',
      "Content-Transfer-Encoding: quoted-printable",
      "MIME-Version: 1.0",
      "",
      "Je suis absente du bureau jusqu'au 20 mars. Pour toute urgence, contactez m=",
      "on coll=E8gue.",
      "",
    ]),
  );

  add(
    "auto-reply-outlook-en.eml",
    "raw",
    'noise: Outlook "Automatic reply:" with Auto-Submitted: auto-generated',
    crlf([
      "From: John Mensah <john.mensah@example.co.uk>",
      "To: plaintes@example.org",
      "Subject: Automatic reply: [CFM-2026-000045] Acknowledgement of your complaint",
      "Date: Tue, 10 Mar 2026 09:01:00 +0000",
      "Message-ID: <LO2P265MB1234AUTO0001@LO2P265MB1234.GBRP265.PROD.OUTLOOK.COM>",
      "Auto-Submitted: auto-generated",
      "X-Auto-Response-Suppress: All",
      "Content-Language: en-GB",
      'Content-Type: text/plain; charset="us-ascii"',
      "MIME-Version: 1.0",
      "",
      "I am out of the office until 16 March with limited access to email.",
      "",
    ]),
  );

  add(
    "auto-reply-x-autoreply.eml",
    "raw",
    'noise: X-Autoreply: yes ("Out of Office:" subject)',
    crlf([
      "From: Oumar Maiga <oumar.maiga@example.com>",
      "To: plaintes@example.org",
      "Subject: Out of Office: Accusé de réception",
      "Date: Tue, 10 Mar 2026 09:02:00 +0000",
      "Message-ID: <autoreply-yahoo-0001@example.com>",
      "X-Autoreply: yes",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Je suis absent jusqu'au 18 mars.",
      "",
    ]),
  );

  add(
    "auto-reply-x-autorespond.eml",
    "raw",
    "noise: X-Autorespond header",
    crlf([
      "From: Kadiatou Diarra <kadiatou.diarra@example.com>",
      "To: plaintes@example.org",
      "Subject: Absence",
      "Date: Tue, 10 Mar 2026 09:03:00 +0000",
      "Message-ID: <autorespond-0001@example.com>",
      "X-Autorespond: Absence",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Absente, je réponds à mon retour.",
      "",
    ]),
  );

  add(
    "auto-reply-precedence.eml",
    "raw",
    "noise: Precedence: auto_reply only",
    crlf([
      "From: Boubacar Cissé <boubacar.cisse@example.net>",
      "To: plaintes@example.org",
      "Subject: Re: [CFM-2026-000077] Accusé de réception",
      "Date: Tue, 10 Mar 2026 09:04:00 +0000",
      "Message-ID: <precedence-0001@example.net>",
      "Precedence: auto_reply",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Message automatique : votre courriel a bien été reçu.",
      "",
    ]),
  );

  add(
    "mailing-list-precedence-list.eml",
    "raw",
    "noise: mailing-list post (Precedence: list, List-Id)",
    crlf([
      "From: Cluster Sécurité Alimentaire <cluster-sa@lists.example.org>",
      "To: partenaires@lists.example.org",
      "Subject: [cluster-sa] Compte rendu de la réunion du 9 mars",
      "Date: Tue, 10 Mar 2026 12:00:00 +0000",
      "Message-ID: <list-0001@lists.example.org>",
      "Precedence: list",
      "List-Id: Cluster Securite Alimentaire <cluster-sa.lists.example.org>",
      "List-Unsubscribe: <mailto:cluster-sa-leave@lists.example.org>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Bonjour à tous, veuillez trouver le compte rendu de la réunion.",
      "",
    ]),
  );

  add(
    "bounce-dsn-postfix.eml",
    "raw",
    "noise: bounce, Postfix DSN (multipart/report; report-type=delivery-status, Action: failed)",
    crlf([
      "Return-Path: <>",
      "Date: Mon, 2 Mar 2026 10:15:09 +0000 (UTC)",
      "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)",
      "Subject: Undelivered Mail Returned to Sender",
      "To: plaintes@example.org",
      "Auto-Submitted: auto-replied",
      "MIME-Version: 1.0",
      "Content-Type: multipart/report; report-type=delivery-status;",
      '\tboundary="5A1B2C3D4E.1772446509/mx.example.net"',
      "Message-Id: <20260302101509.5A1B2C3D4E@mx.example.net>",
      "",
      "This is a MIME-encapsulated message.",
      "",
      "--5A1B2C3D4E.1772446509/mx.example.net",
      "Content-Description: Notification",
      "Content-Type: text/plain; charset=us-ascii",
      "",
      "This is the mail system at host mx.example.net.",
      "",
      "I'm sorry to have to inform you that your message could not",
      "be delivered to one or more recipients.",
      "",
      "<aissata.traore@example.net>: host mx.example.net said: 550 5.1.1 User unknown",
      "",
      "--5A1B2C3D4E.1772446509/mx.example.net",
      "Content-Description: Delivery report",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; mx.example.net",
      "Arrival-Date: Mon,  2 Mar 2026 10:15:08 +0000 (UTC)",
      "",
      "Final-Recipient: rfc822; aissata.traore@example.net",
      "Action: failed",
      "Status: 5.1.1",
      "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
      "",
      "--5A1B2C3D4E.1772446509/mx.example.net",
      "Content-Description: Undelivered Message Headers",
      "Content-Type: text/rfc822-headers",
      "",
      "From: plaintes@example.org",
      "To: aissata.traore@example.net",
      "Subject: [CFM-2026-000123] =?UTF-8?Q?Accus=C3=A9_de_r=C3=A9ception?=",
      "",
      "--5A1B2C3D4E.1772446509/mx.example.net--",
      "",
    ]),
  );

  add(
    "bounce-exchange-undeliverable.eml",
    "raw",
    'noise: bounce, Exchange Online "Undeliverable:" from postmaster@',
    crlf([
      "From: postmaster@outlook.example",
      "To: plaintes@example.org",
      "Date: Tue, 10 Mar 2026 09:10:00 +0000",
      "Subject: Undeliverable: [CFM-2026-000045] Acknowledgement of your complaint",
      "Content-Type: multipart/report; report-type=delivery-status;",
      '\tboundary="b1_undeliverable_0001"',
      "Message-ID: <undeliverable-0001@outlook.example>",
      "MIME-Version: 1.0",
      "",
      "--b1_undeliverable_0001",
      "Content-Type: text/plain; charset=us-ascii",
      "",
      "Delivery has failed to these recipients or groups:",
      "",
      "john.mensah@example.co.uk",
      "The email address you entered couldn't be found.",
      "",
      "--b1_undeliverable_0001",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns;LO2P265MB1234.GBRP265.PROD.OUTLOOK.COM",
      "",
      "Final-recipient: RFC822; john.mensah@example.co.uk",
      "Action: failed",
      "Status: 5.1.10",
      "",
      "--b1_undeliverable_0001--",
      "",
    ]),
  );

  add(
    "bounce-exim-x-failed-recipients.eml",
    "raw",
    "noise: bounce, Exim (not multipart/report) with X-Failed-Recipients",
    crlf([
      "X-Failed-Recipients: kadiatou.diarra@example.com",
      "Auto-Submitted: auto-replied",
      "From: Mail Delivery System <Mailer-Daemon@relay.example.com>",
      "To: plaintes@example.org",
      "Subject: Mail delivery failed: returning message to sender",
      "Message-Id: <E1vXyZa-000123-AB@relay.example.com>",
      "Date: Tue, 10 Mar 2026 09:20:00 +0000",
      "",
      "This message was created automatically by mail delivery software.",
      "",
      "A message that you sent could not be delivered to one or more of its",
      "recipients. This is a permanent error. The following address(es) failed:",
      "",
      "  kadiatou.diarra@example.com",
      "    mailbox is full",
      "",
    ]),
  );

  add(
    "delivery-report-relayed.eml",
    "raw",
    "noise: delivery report, DSN with Action: relayed (success, not a bounce)",
    crlf([
      "From: MAILER-DAEMON@mx.example.net",
      "To: plaintes@example.org",
      "Subject: Successful Mail Delivery Report",
      "Date: Tue, 10 Mar 2026 09:30:00 +0000",
      "Message-ID: <relayed-0001@mx.example.net>",
      "Auto-Submitted: auto-replied",
      "MIME-Version: 1.0",
      'Content-Type: multipart/report; report-type=delivery-status; boundary="relayed-b1"',
      "",
      "--relayed-b1",
      "Content-Type: text/plain; charset=us-ascii",
      "",
      "Your message was successfully relayed to the following recipients.",
      "",
      "--relayed-b1",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; mx.example.net",
      "",
      "Final-Recipient: rfc822; moussa.kone@example.org.ml",
      "Action: relayed",
      "Status: 2.0.0",
      "",
      "--relayed-b1--",
      "",
    ]),
  );

  add(
    "read-receipt-mdn.eml",
    "raw",
    "noise: read receipt (MDN, multipart/report; report-type=disposition-notification)",
    crlf([
      "From: =?iso-8859-1?Q?S=E9gol=E8ne_Demb=E9l=E9?= <segolene.dembele@example.com>",
      "To: plaintes@example.org",
      "Subject: =?iso-8859-1?Q?Lu=A0:_[CFM-2026-000077]_Accus=E9_de_r=E9ception?=",
      "Date: Tue, 10 Mar 2026 10:00:00 +0000",
      "Message-ID: <mdn-0001@example.com>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn-b1"',
      "",
      "--mdn-b1",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Votre message a été lu le mardi 10 mars 2026 à 10:00.",
      "",
      "--mdn-b1",
      "Content-Type: message/disposition-notification",
      "",
      "Reporting-UA: segolene-pc; Microsoft Outlook 16.0",
      "Final-Recipient: rfc822;segolene.dembele@example.com",
      "Original-Message-ID: <ack-CFM-2026-000077@example.org>",
      "Disposition: manual-action/MDN-sent-manually; displayed",
      "",
      "--mdn-b1--",
      "",
    ]),
  );

  add(
    "loop-from-intake-address.eml",
    "raw",
    "noise: mail loop, a message From the intake address itself",
    crlf([
      "From: Plaintes <plaintes@example.org>",
      "To: plaintes@example.org",
      "Subject: [CFM-2026-000123] Accusé de réception de votre plainte",
      "Date: Mon, 2 Mar 2026 10:15:00 +0000",
      "Message-ID: <ack-CFM-2026-000123@example.org>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Bonjour, nous avons bien reçu votre plainte.",
      "",
    ]),
  );

  return entries;
}

export function renderReadme(entries: CorpusEntry[]): string {
  return [
    "# Inbound mail corpus",
    "",
    "Realistic inbound messages for the intake parser (`functions/intake/parse-inbound.ts`), asserted on by",
    "`test/unit/parse-inbound.test.ts`. Generated, with this README, by `npx tsx test/events/mail/generate.ts`:",
    "fixed dates, Message-IDs and boundaries, so the output is deterministic and the unit tests check that the",
    "committed files match the script. Do not edit the `.eml` files by hand: change `generate.ts` and rerun it.",
    "",
    "- **composed**: built with nodemailer's MailComposer, as a well-behaved client writes mail;",
    "- **raw**: written byte for byte in the script, for real client shapes (Gmail, Outlook) and broken input.",
    "",
    "The 20 MB attachment case is not committed: the test generates it at run time.",
    "",
    `${entries.length} files:`,
    "",
    ...table(
      ["file", "source", "exercises"],
      entries.map((entry) => [`\`${entry.file}\``, entry.source, entry.exercises]),
    ),
    "",
  ].join("\n");
}

// A Markdown table with padded columns, as Biome formats it.
function table(header: string[], rows: string[][]): string[] {
  const width = (cell: string) => [...cell].length;
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => width(row[column] ?? ""))),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell + " ".repeat((widths[column] ?? 0) - width(cell))).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const entries = await buildCorpus();
  for (const file of readdirSync(CORPUS_DIR)) {
    if (file.endsWith(".eml")) unlinkSync(join(CORPUS_DIR, file));
  }
  for (const entry of entries) writeFileSync(join(CORPUS_DIR, entry.file), entry.bytes);
  writeFileSync(join(CORPUS_DIR, "README.md"), renderReadme(entries));
  const total = entries.reduce((sum, entry) => sum + entry.bytes.length, 0);
  console.log(`wrote ${entries.length} messages (${total} bytes) and README.md to ${CORPUS_DIR}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}

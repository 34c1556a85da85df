import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { escapeHtml, isSameOriginPath } from "../../functions/web/escape.ts";
import { FormRenderer } from "../../functions/web/form.ts";
import { contentSecurityPolicy, securityHeaders } from "../../functions/web/headers.ts";
import { BASE_CSS, BASE_STYLESHEET, htmlPage, stylesheet } from "../../functions/web/layout.ts";

const texts = {
  errorPrefix: "Erreur : ",
  optional: "(facultatif)",
  choose: "Choisir…",
  errorTitle: "Erreurs",
};

function styleBlock(html: string): string {
  const match = /<style>([\s\S]*?)<\/style>/.exec(html);
  if (!match?.[1]) throw new Error("no style block");
  return match[1];
}

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters and renders nullish as empty", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
    expect(escapeHtml(undefined)).toBe("");
    expect(escapeHtml(42)).toBe("42");
  });
});

describe("isSameOriginPath", () => {
  it("accepts absolute paths and refuses other origins, scheme-relative and backslash paths", () => {
    expect(isSameOriginPath("/t/abc")).toBe(true);
    expect(isSameOriginPath("/submit?lang=fr")).toBe(true);
    for (const bad of ["https://evil.example/", "//evil.example", "/\\evil", "t/abc", '/x"onload', "/a b"])
      expect(isSameOriginPath(bad)).toBe(false);
  });
});

describe("securityHeaders", () => {
  it("defaults to no-store, noindex and a CSP allowing only the given style hash", () => {
    const headers = securityHeaders({ styleHash: "sha256-abc" });

    expect(headers["Cache-Control"]).toBe("no-store");
    expect(headers["X-Robots-Tag"]).toBe("noindex, nofollow");
    expect(headers["Content-Security-Policy"]).toBe(
      "default-src 'none'; style-src 'sha256-abc'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it("a public page may be indexed, cached and show data: images", () => {
    const headers = securityHeaders({
      styleHash: "sha256-abc",
      indexable: true,
      cacheControl: "public, max-age=300",
      imgSrc: "data:",
    });

    expect(headers["X-Robots-Tag"]).toBeUndefined();
    expect(headers["Cache-Control"]).toBe("public, max-age=300");
    expect(contentSecurityPolicy({ styleHash: "sha256-abc", imgSrc: "data:" })).toContain("img-src data:");
    expect(headers["Content-Security-Policy"]).toContain("img-src data:");
  });
});

describe("htmlPage", () => {
  it("the CSP hash matches the page's one style block, for the base and an extended stylesheet", () => {
    const extended = stylesheet(BASE_CSS, ".extra{color:red}");
    for (const style of [undefined, extended]) {
      const page = htmlPage({ statusCode: 200, language: "fr", title: "T", main: "<p>x</p>", style });
      const hash = createHash("sha256").update(styleBlock(page.body), "utf8").digest("base64");

      expect(page.headers["Content-Security-Policy"]).toContain(`style-src 'sha256-${hash}'`);
      expect(page.body.match(/<style/g)).toHaveLength(1);
    }
    expect(extended.hash).not.toBe(BASE_STYLESHEET.hash);
  });

  it("escapes the title and language, sets Content-Language, and drops noindex only when indexable", () => {
    const page = htmlPage({ statusCode: 404, language: "fr", title: "<b>", main: "" });
    const open = htmlPage({
      statusCode: 200,
      language: "en",
      title: "Form",
      main: "",
      headers: { indexable: true },
    });

    expect(page.statusCode).toBe(404);
    expect(page.body).toContain("<title>&lt;b&gt;</title>");
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(page.headers["Content-Language"]).toBe("fr");
    expect(page.body).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(open.body).not.toContain('name="robots"');
  });
});

describe("FormRenderer", () => {
  it("refills what was typed, escaped, and ties errors to their controls", () => {
    const f = new FormRenderer(
      texts,
      { name: `Awa "K"`, contact: "+223 70 00 00 00", description: "<script>" },
      { contact: "Numéro invalide", description: "Trop court" },
    );
    const html = [
      f.input("name", "Nom", { max: 100 }),
      f.input("contact", "Téléphone", { max: 30, type: "tel", autocomplete: "tel" }),
      f.textarea("description", "Description", { max: 5000, required: true }),
    ].join("");

    expect(html).toContain('value="Awa &quot;K&quot;"');
    expect(html).toContain('type="tel"');
    expect(html).toContain("&lt;script&gt;</textarea>");
    expect(html).not.toContain("<script>");
    expect(html).toMatch(/id="f-contact"[^>]*aria-describedby="e-contact" aria-invalid="true"/);
    expect(html).toContain('<span class="hint">(facultatif)</span>');
    expect(f.hasErrors).toBe(true);
  });

  it("the error summary lists the errors in field order, each linking to its control", () => {
    const f = new FormRenderer(texts, {}, { b: "B faux", a: "A faux", z: "Autre" });
    f.input("a", "A", { max: 10 });
    f.input("b", "B", { max: 10 });

    expect(f.errorSummary(["a", "b"])).toContain(
      '<li><a href="#f-a">A faux</a></li><li><a href="#f-b">B faux</a></li><li>Autre</li>',
    );
    expect(new FormRenderer(texts, {}, {}).errorSummary(["a"])).toBe("");
  });
});

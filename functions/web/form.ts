// Accessible form controls for server-rendered pages: each control has a visible label, its hint and error
// tied by aria-describedby, and an error summary linking to the fields (GOV.UK pattern). Values posted back
// refill the form after an error, so nothing typed is lost. All text is escaped here.
import { escapeHtml } from "./escape.ts";

/** The few words the renderer itself writes, in the page language. */
export interface FormTexts {
  /** "Error: " before each field error (read by screen readers). */
  errorPrefix: string;
  /** "(optional)" after the label of an optional field. */
  optional: string;
  /** The empty first option of a select, e.g. "Choose…". */
  choose: string;
  /** The error summary's heading. */
  errorTitle: string;
}

export interface Choice {
  value: string;
  label: string;
}

interface Described {
  html: string;
  describedBy: string;
  aria: string;
  invalid: boolean;
}

export class FormRenderer {
  /** Field name to the id its error-summary link targets, in page order. */
  readonly anchors = new Map<string, string>();
  constructor(
    private readonly t: FormTexts,
    private readonly values: Readonly<Record<string, unknown>>,
    private readonly errors: Readonly<Record<string, string>>,
  ) {}

  value(name: string): string {
    const v = this.values[name];
    return typeof v === "string" ? v : "";
  }

  /** The hint and error paragraphs, and the aria-describedby that ties them to the control. */
  private describe(name: string, hint?: string): Described {
    const error = this.errors[name];
    const ids: string[] = [];
    let html = "";
    if (hint) {
      ids.push(`h-${name}`);
      html += `<p class="hint" id="h-${name}">${escapeHtml(hint)}</p>`;
    }
    if (error) {
      ids.push(`e-${name}`);
      html += `<p class="error" id="e-${name}"><span>${escapeHtml(this.t.errorPrefix)}</span>${escapeHtml(error)}</p>`;
    }
    const describedBy = ids.length ? ` aria-describedby="${ids.join(" ")}"` : "";
    // `aria` is for form controls; a radio group's fieldset takes only the description.
    return {
      html,
      describedBy,
      aria: describedBy + (error ? ' aria-invalid="true"' : ""),
      invalid: Boolean(error),
    };
  }

  private wrap(invalid: boolean, inner: string): string {
    return `<div class="field${invalid ? " invalid" : ""}">${inner}</div>`;
  }

  /** "(optional)" after the label, except on required fields and on conditional ones (their hint says when). */
  private optionalMark(required: boolean | undefined): string {
    return required ? "" : ` <span class="hint">${escapeHtml(this.t.optional)}</span>`;
  }

  /** A one-line text input (`type` text, tel, email or date). */
  input(
    name: string,
    label: string,
    o: {
      max: number;
      type?: "text" | "tel" | "email" | "date";
      required?: boolean;
      conditional?: boolean;
      hint?: string;
      autocomplete?: string;
      inputmode?: string;
    },
  ): string {
    const id = `f-${name}`;
    this.anchors.set(name, id);
    const d = this.describe(name, o.hint);
    const attrs = [
      `type="${o.type ?? "text"}"`,
      `id="${id}"`,
      `name="${name}"`,
      `class="text"`,
      `maxlength="${o.max}"`,
      `value="${escapeHtml(this.value(name))}"`,
      o.autocomplete ? `autocomplete="${escapeHtml(o.autocomplete)}"` : "",
      o.inputmode ? `inputmode="${escapeHtml(o.inputmode)}"` : "",
      o.required ? "required" : "",
    ]
      .filter(Boolean)
      .join(" ");
    return this.wrap(
      d.invalid,
      `<label class="main" for="${id}">${escapeHtml(label)}${this.optionalMark(o.required || o.conditional)}</label>${d.html}` +
        `<input ${attrs}${d.aria}>`,
    );
  }

  textarea(
    name: string,
    label: string,
    o: { max: number; required?: boolean; conditional?: boolean; hint?: string; rows?: number },
  ): string {
    const id = `f-${name}`;
    this.anchors.set(name, id);
    const d = this.describe(name, o.hint);
    const required = o.required ? " required" : "";
    return this.wrap(
      d.invalid,
      `<label class="main" for="${id}">${escapeHtml(label)}${this.optionalMark(o.required || o.conditional)}</label>${d.html}` +
        `<textarea id="${id}" name="${name}" rows="${o.rows ?? 5}" maxlength="${o.max}"${required}${d.aria}>` +
        `${escapeHtml(this.value(name))}</textarea>`,
    );
  }

  radios(
    name: string,
    legend: string,
    choices: Choice[],
    o: { required?: boolean; conditional?: boolean; hint?: string } = {},
  ): string {
    const d = this.describe(name, o.hint);
    const current = this.value(name);
    const required = o.required ? " required" : "";
    const items = choices
      .map((c, i) => {
        const id = i === 0 ? `f-${name}` : `f-${name}-${i}`;
        if (i === 0) this.anchors.set(name, id);
        const checked = current === c.value ? " checked" : "";
        return (
          `<div class="choice"><input type="radio" id="${id}" name="${name}" value="${escapeHtml(c.value)}"${checked}${required}>` +
          `<label for="${id}">${escapeHtml(c.label)}</label></div>`
        );
      })
      .join("");
    return this.wrap(
      d.invalid,
      `<fieldset${d.describedBy}><legend>${escapeHtml(legend)}${this.optionalMark(o.required || o.conditional)}</legend>${d.html}${items}</fieldset>`,
    );
  }

  select(
    name: string,
    label: string,
    choices: Choice[],
    o: { required?: boolean; conditional?: boolean; hint?: string } = {},
  ): string {
    const id = `f-${name}`;
    this.anchors.set(name, id);
    const d = this.describe(name, o.hint);
    const current = this.value(name);
    const required = o.required ? " required" : "";
    const items = [`<option value="">${escapeHtml(this.t.choose)}</option>`]
      .concat(
        choices.map(
          (c) =>
            `<option value="${escapeHtml(c.value)}"${current === c.value ? " selected" : ""}>${escapeHtml(c.label)}</option>`,
        ),
      )
      .join("");
    return this.wrap(
      d.invalid,
      `<label class="main" for="${id}">${escapeHtml(label)}${this.optionalMark(o.required || o.conditional)}</label>${d.html}` +
        `<select id="${id}" name="${name}"${required}${d.aria}>${items}</select>`,
    );
  }

  checkbox(name: string, label: string, o: { required?: boolean; hint?: string } = {}): string {
    const id = `f-${name}`;
    this.anchors.set(name, id);
    const d = this.describe(name, o.hint);
    const checked = this.value(name) === "yes" ? " checked" : "";
    const required = o.required ? " required" : "";
    return this.wrap(
      d.invalid,
      `${d.html}<div class="choice"><input type="checkbox" id="${id}" name="${name}" value="yes"${checked}${required}${d.aria}>` +
        `<label for="${id}">${escapeHtml(label)}</label></div>`,
    );
  }

  /**
   * The error summary for the top of the page, fields in `order` (unknown ones last), each linking to its
   * control. Empty when there is no error. Call after rendering the fields (it needs their anchors).
   */
  errorSummary(order: readonly string[]): string {
    const entries = Object.entries(this.errors).filter(([, message]) => Boolean(message));
    if (entries.length === 0) return "";
    const rank = (name: string) => {
      const i = order.indexOf(name);
      return i === -1 ? order.length : i;
    };
    entries.sort(([a], [b]) => rank(a) - rank(b));
    return (
      `<div class="summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">` +
      `<h2 id="error-summary-title">${escapeHtml(this.t.errorTitle)}</h2><ul>` +
      entries
        .map(([name, message]) => {
          const anchor = this.anchors.get(name);
          return anchor
            ? `<li><a href="#${anchor}">${escapeHtml(message)}</a></li>`
            : `<li>${escapeHtml(message)}</li>`;
        })
        .join("") +
      `</ul></div>`
    );
  }

  /** True when at least one field has an error (the page answers 422). */
  get hasErrors(): boolean {
    return Object.values(this.errors).some(Boolean);
  }
}

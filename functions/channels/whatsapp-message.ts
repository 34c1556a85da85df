// WhatsApp messages as AWS End User Messaging Social passes them to Meta's Cloud API (the `message` blob of
// SendWhatsAppMessage), and the 24-hour customer service window: a business may write freely only within
// 24 hours of the person's last message; outside it, only a template Meta approved. Pure.
import type { ChannelsConfig, ComplainantMessage, Language } from "../domain/config.ts";

/** Meta's customer service window. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export function withinServiceWindow(lastInboundAt: string | null | undefined, now: Date): boolean {
  if (!lastInboundAt) return false;
  const elapsed = now.getTime() - Date.parse(lastInboundAt);
  return elapsed >= 0 && elapsed < SERVICE_WINDOW_MS;
}

export type WhatsAppPayload =
  | { messaging_product: "whatsapp"; to: string; type: "text"; text: { body: string; preview_url: false } }
  | {
      messaging_product: "whatsapp";
      to: string;
      type: "template";
      template: {
        name: string;
        language: { code: string };
        components: Array<{ type: "body"; parameters: Array<{ type: "text"; text: string }> }>;
      };
    };

export type WhatsAppChoice =
  | { kind: "text"; payload: WhatsAppPayload }
  | { kind: "template"; template: string; payload: WhatsAppPayload }
  | { kind: "no-template" };

/**
 * What to send: the text inside the window; outside it, the message's own approved template or the
 * `default` one, with the reference as its one parameter; none declared: nothing can be delivered.
 */
export function chooseWhatsApp(
  settings: NonNullable<ChannelsConfig["whatsapp"]>,
  input: {
    to: string;
    message: ComplainantMessage;
    language: Language;
    text: string;
    reference: string;
    lastInboundAt: string | null;
    now: Date;
  },
): WhatsAppChoice {
  const base = { messaging_product: "whatsapp" as const, to: input.to };
  if (withinServiceWindow(input.lastInboundAt, input.now))
    return {
      kind: "text",
      payload: { ...base, type: "text", text: { body: input.text, preview_url: false } },
    };
  const template = settings.templates[input.message] ?? settings.templates.default;
  const code = template?.languages[input.language] ?? Object.values(template?.languages ?? {})[0];
  if (!template || !code) return { kind: "no-template" };
  return {
    kind: "template",
    template: template.name,
    payload: {
      ...base,
      type: "template",
      template: {
        name: template.name,
        language: { code },
        components: [{ type: "body", parameters: [{ type: "text", text: input.reference }] }],
      },
    },
  };
}

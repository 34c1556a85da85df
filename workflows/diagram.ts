// A Mermaid flowchart generated from the synthesized ASL (never drawn by hand): `npm run diagram` writes it
// into README.md between the workflow-diagram markers, and a test fails when the README is out of date.
type State = {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: Array<{
    Next: string;
    Variable?: string;
    StringEquals?: string;
    BooleanEquals?: boolean;
    IsPresent?: boolean;
  }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
};

export const DIAGRAM_START = "<!-- workflow-diagram:start -->";
export const DIAGRAM_END = "<!-- workflow-diagram:end -->";

const id = (name: string) => `s_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
const label = (name: string) => name.replace(/"/g, "'");

function choiceLabel(choice: NonNullable<State["Choices"]>[number]): string {
  const variable = (choice.Variable ?? "").replace(/^\$\./, "");
  if (choice.StringEquals !== undefined) return `${variable} = ${choice.StringEquals}`;
  if (choice.BooleanEquals !== undefined) return `${variable} = ${choice.BooleanEquals}`;
  if (choice.IsPresent !== undefined) return `${variable} present`;
  return variable;
}

export function mermaidDiagram(definition: { StartAt: string; States: Record<string, State> }): string {
  const lines = ["flowchart TD", `  start((start)) --> ${id(definition.StartAt)}`];
  const names = Object.keys(definition.States).sort();
  for (const name of names) {
    const state = definition.States[name]!;
    const shape =
      state.Type === "Choice"
        ? `{"${label(name)}"}`
        : state.Type === "Succeed" || state.Type === "Fail"
          ? `(["${label(name)}"])`
          : `["${label(name)}"]`;
    lines.push(`  ${id(name)}${shape}`);
  }
  for (const name of names) {
    const state = definition.States[name]!;
    if (state.Next) lines.push(`  ${id(name)} --> ${id(state.Next)}`);
    for (const choice of state.Choices ?? [])
      lines.push(`  ${id(name)} -- "${label(choiceLabel(choice))}" --> ${id(choice.Next)}`);
    if (state.Default) lines.push(`  ${id(name)} -- otherwise --> ${id(state.Default)}`);
    for (const c of state.Catch ?? []) {
      // Every task catches States.ALL into needs-attention: drawing each would hide the procedure.
      if (c.ErrorEquals.includes("States.ALL")) continue;
      lines.push(`  ${id(name)} -. "${c.ErrorEquals.join(", ").replace("States.", "")}" .-> ${id(c.Next)}`);
    }
  }
  return `\`\`\`mermaid\n${lines.join("\n")}\n\`\`\``;
}

/** README text with the diagram section replaced. */
export function withDiagram(readme: string, diagram: string): string {
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) throw new Error("README.md has no workflow-diagram markers");
  return `${readme.slice(0, start + DIAGRAM_START.length)}\n${diagram}\n${readme.slice(end)}`;
}

// npm run diagram: regenerate the README's workflow diagram from the synthesized definition.
import { readFileSync, writeFileSync } from "node:fs";
import { loadConfigText } from "../functions/domain/config.ts";
import { synthesizeWorkflow } from "../local/workflow-definition.ts";
import { mermaidDiagram, withDiagram } from "./diagram.ts";

const path = process.env.CFM_CONFIG ?? "config/humanitarian.example.yaml";
const { definition } = await synthesizeWorkflow(loadConfigText(readFileSync(path, "utf8"), path));
writeFileSync(
  "README.md",
  withDiagram(readFileSync("README.md", "utf8"), mermaidDiagram(definition as never)),
);
console.log("README.md: workflow diagram updated");

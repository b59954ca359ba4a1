import { findTool } from '../../tools/catalogue.ts';

/** What the model is told about a built-in tool comes from the one catalogue, so listings and the engine agree. */
export function catalogueSpec(name: string): {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
} {
  const tool = findTool(name);
  if (!tool) throw new Error(`tool ${name} is missing from the tool catalogue`);
  return { name: tool.name, description: tool.description, parameters: structuredClone(tool.parameters) };
}

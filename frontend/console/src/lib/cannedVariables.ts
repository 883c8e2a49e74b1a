// Canned-response bodies may hold {{contact.name}}, {{contact.email}} and {{agent.name}}; the
// console fills them in when the response is inserted. Unknown variables stay as written.

export interface VariableValues {
  "contact.name": string;
  "contact.email": string;
  "agent.name": string;
}

export function fillVariables(body: string, values: Partial<VariableValues>): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g, (whole, name: string) => {
    const value = values[name as keyof VariableValues];
    return value ? value : whole;
  });
}

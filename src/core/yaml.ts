/**
 * Parses YAML with the `yaml` package, loaded only when needed (it is not on the start-up path).
 * Node resolves `yaml` to its CommonJS build, so the bundle's chunk exports only `default`:
 * destructuring `{ parse }` from the dynamic import is undefined in dist/ (issue #12 A).
 */
export async function parseYaml(text: string): Promise<unknown> {
  const yaml = await import('yaml');
  const parse = yaml.parse ?? yaml.default.parse;
  return parse(text);
}

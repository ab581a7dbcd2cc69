/**
 * An error a tool raises about its own input (a tampered cursor, an ambiguous choice of options).
 * The registry turns it into an `isError` result with this message, which must say what to change.
 */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

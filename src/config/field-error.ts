/**
 * An input refused because of one field: the field's path (a flag's camelCase name such as `rpcUrl`,
 * or a path in a file or request such as `genesis.accounts[3].ax` or `operations[2].nonce`) and why.
 * Front doors map it by type, never by parsing the message: the CLI names the flag (`--rpc-url`),
 * HTTP answers `{ error, field, reason }`.
 */
export class FieldError extends Error {
  /**
   * @param field path of the field at fault.
   * @param reason why it is refused, a sentence fragment without the field.
   */
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = "FieldError";
  }
}

/** An error that stops a whole import. Its message names the problem in the file and its fix. */
export class ImportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImportError';
  }
}

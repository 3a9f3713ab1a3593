/** A failed copy, with a message written for the operator. Nothing was committed. */
export class StoreCopyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreCopyError';
  }
}

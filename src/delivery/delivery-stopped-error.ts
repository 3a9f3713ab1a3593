/** Raised before a partner request when the connector was deactivated meanwhile. */
export class DeliveryStoppedError extends Error {
  constructor(connectorId: string) {
    super(`Connector ${connectorId} was deactivated; the request was not sent.`);
    this.name = 'DeliveryStoppedError';
  }
}

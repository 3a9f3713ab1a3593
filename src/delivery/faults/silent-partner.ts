import net from 'node:net';

/** A TCP server that accepts connections, reads what arrives and never writes a byte. */
export interface SilentPartner {
  /** Base URL of the server, such as `http://127.0.0.1:40123`. */
  url: string;
  /**
   * Connections that carried a request. A client whose timeout fires before it writes leaves
   * a connection without one.
   */
  requests(): number;
  /** How long each closed connection with a request stayed open, in ms, in closing order. */
  requestDurationsMs(): number[];
  close(): Promise<void>;
}

/**
 * Starts a partner that accepts the TCP connection, reads the request and never responds, on a
 * free port of 127.0.0.1. Only the client's own timeout ends such a request.
 */
export async function startSilentPartner(): Promise<SilentPartner> {
  const open = new Set<net.Socket>();
  const requestDurationsMs: number[] = [];
  let requests = 0;
  const server = net.createServer((socket) => {
    const openedAt = performance.now();
    let received = false;
    open.add(socket);
    socket.on('data', () => {
      if (received) return;
      received = true;
      requests += 1;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open.delete(socket);
      if (received) requestDurationsMs.push(performance.now() - openedAt);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests: () => requests,
    requestDurationsMs: () => [...requestDurationsMs],
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');

  return address.port;
}

/** A `nats-server` child process on 127.0.0.1; `jetStream: false` leaves JetStream off. */
export class OwnNatsServer {
  #child: ChildProcess | undefined;
  readonly storeDir = mkdtempSync(path.join(tmpdir(), 'activator-nats-'));

  private constructor(
    readonly port: number,
    private readonly jetStream: boolean,
  ) {}

  static async start(jetStream = true): Promise<OwnNatsServer> {
    const server = new OwnNatsServer(await freePort(), jetStream);
    await server.start();

    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server unless it runs already; a second one on the port would fail and orphan it. */
  async start(): Promise<void> {
    if (this.#running()) return;
    const args = ['-a', '127.0.0.1', '-p', String(this.port)];
    if (this.jetStream) args.push('-js', '-sd', this.storeDir);
    const child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Server is ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${output}`)));
    });
  }

  /** Kills the server the way a crash would. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !this.#running()) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  #running(): boolean {
    const child = this.#child;

    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }
}

import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy in the test process between services and a server (the shared Postgres, a test
 * SMTP server), to cut the server off without touching it:
 * - `down()`: every open connection is reset and new ones are reset on arrival, as a server
 *   that restarts; `up()` accepts again.
 * - `holdAfterData(true)`: SMTP-aware; once a connection has sent a message's final `.` line,
 *   the server's answer (250) is held back, so the message is accepted but the sender never hears
 *   it — a send "in flight" whose fate a crash leaves unknown.
 */
export interface TcpProxy {
  port: number;
  /** host:port to put in a URL. */
  address: string;
  down(): void;
  up(): void;
  holdAfterData(on: boolean): void;
  /** Connections whose SMTP DATA went through and whose answer was held (since start). */
  readonly held: number;
  close(): Promise<void>;
}

const END_OF_DATA = Buffer.from('\r\n.\r\n');

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let isDown = false;
  let hold = false;
  let held = 0;

  const server: Server = createServer((client) => {
    if (isDown) {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const upstream = new Socket();
    const pair = { client, upstream };
    pairs.add(pair);
    let holding = false;
    let tail = Buffer.alloc(0);
    const end = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => {
      if (hold && !holding) {
        // The marker may straddle two chunks: look at the end of the previous one too.
        const window = Buffer.concat([tail, chunk]);
        if (window.includes(END_OF_DATA)) {
          holding = true;
          held += 1;
        }
        tail = window.subarray(Math.max(0, window.length - END_OF_DATA.length));
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!holding) client.write(chunk);
    });
    upstream.connect(target.port, host);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    address: `127.0.0.1:${port}`,
    down() {
      isDown = true;
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    up() {
      isDown = false;
    },
    holdAfterData(on) {
      hold = on;
    },
    get held() {
      return held;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

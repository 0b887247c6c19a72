/**
 * The baselines' other process (spawned by baselines.ts, not run by hand), so that each
 * baseline has the same shape as the pipeline: producer and consumer in different processes.
 *   bullmq-worker {redisUrl, prefix, concurrency, total}: a no-op Worker on `email` and on
 *     `whatsapp`; prints READY once both are connected, DONE once `total` jobs completed.
 *   nodemailer {smtpUrl, total, concurrency, maxConnections, size}: pooled nodemailer, `total`
 *     messages of about `size` bytes with `concurrency` in flight; prints DONE {seconds, cpuMs}.
 * cpuMs: this process's CPU (user + system) from its first job or message to its last.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';

const [mode, raw] = process.argv.slice(2);
const params = JSON.parse(raw ?? '{}') as Record<string, unknown>;

async function bullmqWorker() {
  const { redisUrl, prefix, concurrency, total } = params as {
    redisUrl: string;
    prefix: string;
    concurrency: number;
    total: number;
  };
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  let completed = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const workers = ['email', 'whatsapp'].map(
    (queue) =>
      new Worker(
        queue,
        async () => {
          cpuAtFirst ??= process.cpuUsage();
          completed += 1;
          if (completed === total) finish();
        },
        { connection, prefix, concurrency },
      ),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  console.log('READY');
  await finished;
  const cpu = process.cpuUsage(cpuAtFirst);
  console.log(`DONE ${JSON.stringify({ completed, cpuMs: (cpu.user + cpu.system) / 1000 })}`);
  await Promise.all(workers.map((w) => w.close()));
  connection.disconnect();
}

async function bareNodemailer() {
  const { smtpUrl, total, concurrency, maxConnections, size } = params as {
    smtpUrl: string;
    total: number;
    concurrency: number;
    maxConnections: number;
    size: number;
  };
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port),
    secure: false,
    maxConnections,
  });
  // About the size of one of our e-mails: HTML half, text half.
  const paragraph = 'Votre prêt de matériel arrive à échéance demain à 10:00. Merci de le rapporter. ';
  const filler = paragraph.repeat(Math.max(1, Math.round(size / 2 / paragraph.length)));
  console.log('READY');
  let next = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await transporter.sendMail({
          from: '"Rappel" <rappel@bench.test>',
          to: `baseline-${i}@bench.test`,
          subject: 'Rappel : retour prévu demain',
          text: filler,
          html: `<html><body><p>${filler}</p></body></html>`,
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  console.log(`DONE ${JSON.stringify({ seconds, cpuMs: (cpu.user + cpu.system) / 1000 })}`);
  transporter.close();
}

if (mode === 'bullmq-worker') await bullmqWorker();
else if (mode === 'nodemailer') await bareNodemailer();
else throw new Error(`unknown baseline mode ${mode}`);
process.exit(0);

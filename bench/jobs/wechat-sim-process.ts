import { startWechatSimulatorServer } from '../../simulator/wechat-simulator';

// The WeChat simulator in a process of its own, for the dispatch-throughput bench: WeChat is
// another machine, so the simulator must not share the dispatchers' event loop. Prints its URL
// as one JSON line on stdout, then serves until stdin closes (the bench ends) or SIGTERM.
const main = async (): Promise<void> => {
  const appid = process.env.SIM_APPID ?? '';
  const secret = process.env.SIM_SECRET ?? '';
  if (!appid || !secret) throw new Error('SIM_APPID and SIM_SECRET are required');
  const server = await startWechatSimulatorServer({ port: 0, apps: { [appid]: secret } });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

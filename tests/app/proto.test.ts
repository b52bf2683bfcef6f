import path from 'node:path';

const root = path.resolve(__dirname, '../../miniprogram/dist/weapp');

test('proto', async () => {
  const g = globalThis as Record<string, unknown>;
  const { JSDOM } = require('jsdom');
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true, url: 'https://servicewechat.com/' });
  const w = dom.window as Record<string, unknown>;
  g.window = w; g.document = w.document;
  for (const k of ['navigator','Node','Element','HTMLElement','Event','CustomEvent','getComputedStyle','requestAnimationFrame','cancelAnimationFrame','DocumentFragment','Text','Comment','MutationObserver','HTMLCollection','NodeList']) g[k] = w[k];
  const calls: unknown[] = [];
  g.wx = {
    request: (o: unknown) => { calls.push(o); },
    getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, pixelRatio: 2 }),
  };
  let app: Record<string, (...a: unknown[]) => unknown> | undefined;
  g.App = (cfg: typeof app) => { app = cfg; };
  g.getApp = () => app;
  g.getCurrentPages = () => [];
  const simulate = require('miniprogram-simulate');
  g.Page = (cfg: Record<string, unknown>) => {
    const methods: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(cfg)) if (typeof v === 'function') methods[k] = v;
    (g.Component as (d: unknown) => void)({ data: cfg.data, methods });
  };
  require(path.join(root, 'app.js'));
  console.log('app keys', Object.keys(app ?? {}));
  app?.onLaunch?.({ path: 'pages/index/index', query: {}, scene: 1001 });
  const id = simulate.load(path.join(root, 'pages/index/index'), { rootPath: root, usingComponents: { comp: '/comp' } });
  const comp = simulate.render(id);
  const parent = document.createElement('parent-wrapper');
  comp.attach(parent);
  const inst = comp.instance as Record<string, unknown> & { onLoad: (q: unknown) => void };
  inst.route = 'pages/index/index';
  inst.onLoad({});
  for (let i = 0; i < 20; i++) { await simulate.sleep(20); }
  console.log(comp.dom.innerHTML);
  console.log(JSON.stringify(comp.data).slice(0, 500));
});

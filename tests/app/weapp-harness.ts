// Runs the BUILT mini-program (miniprogram/dist/weapp, Taro's output) inside WeChat's official
// `miniprogram-simulate`: the real wxml/wxs compiled by WeChat's own `wcc` (miniprogram-compiler),
// Taro's runtime, React and our page code, with `wx` replaced by a small fake. It plays the part
// of the WeChat client: App()/Page() registration, the page stack behind wx.navigateTo /
// wx.reLaunch, storage, wx.login and wx.request.
//
// miniprogram-simulate renders into a DOM, so it needs `jsdom` (not a dependency of the project
// yet; the test is skipped with a message when it is missing).
import fs from 'node:fs';
import path from 'node:path';

export const WEAPP_ROOT = path.resolve(__dirname, '../../miniprogram/dist/weapp');

export type SimElement = {
  dom: HTMLElement;
  dispatchEvent(eventName: string, options?: { detail?: unknown }): void;
  querySelector(selector: string): SimElement | null;
  querySelectorAll(selector: string): SimElement[];
};

type PageMethods = Record<string, (...args: unknown[]) => unknown>;
type PageInstance = PageMethods & { route?: string; __route__?: string; options?: Record<string, string> };

type SimComponent = SimElement & {
  instance: PageInstance;
  attach(parent: Element): void;
  detach(): void;
};

type Simulate = {
  load(componentPath: string, options: { rootPath: string; usingComponents?: Record<string, string> }): string;
  render(id: string): SimComponent;
};

type JsdomModule = {
  JSDOM: new (html: string, options: { url: string; pretendToBeVisual: boolean }) => { window: Window & typeof globalThis };
};

export type WxRequestOptions = {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, string>;
  success?: (res: { statusCode: number; data: unknown; header: Record<string, string> }) => void;
  fail?: (err: { errMsg: string }) => void;
  complete?: (res: unknown) => void;
};

export type FakeResponse = { status: number; body: unknown };
export type RequestHandler = (request: { method: string; url: URL; body: unknown; headers: Record<string, string> }) => FakeResponse;

type Callbacks = { success?: (res: Record<string, unknown>) => void; fail?: (err: { errMsg: string }) => void; complete?: (res: unknown) => void };

export type OpenPage = { route: string; query: Record<string, string>; component: SimComponent; instance: PageInstance };

// The DOM globals exparser/j-component use. Only these are copied from jsdom's window: copying
// all of it trips over jest's own cleanup of the test globals.
const DOM_GLOBALS = [
  'navigator', 'Node', 'Element', 'HTMLElement', 'Event', 'CustomEvent', 'TouchEvent', 'getComputedStyle',
  'requestAnimationFrame', 'cancelAnimationFrame', 'DocumentFragment', 'Text', 'Comment', 'MutationObserver',
  'HTMLCollection', 'NodeList',
];

export const jsdomAvailable = (): boolean => {
  try {
    jest.requireActual('jsdom');
    return true;
  } catch {
    return false;
  }
};

const parseUrl = (url: string): { route: string; query: Record<string, string> } => {
  const [pathPart = '', search = ''] = url.split('?');
  const query: Record<string, string> = {};
  for (const pair of search.split('&')) {
    if (!pair) continue;
    const [k = '', v = ''] = pair.split('=');
    query[decodeURIComponent(k)] = decodeURIComponent(v);
  }
  return { route: pathPart.replace(/^\//, ''), query };
};

export class WeappHarness {
  readonly storage = new Map<string, unknown>();
  readonly requests: { method: string; url: URL; body: unknown; headers: Record<string, string> }[] = [];
  readonly navigations: { kind: string; url: string }[] = [];
  handler: RequestHandler = () => ({ status: 500, body: { error: { code: 'no_handler', message: 'no handler' } } });
  loginCode = 'wx-code-1';
  stack: OpenPage[] = [];

  private simulate!: Simulate;
  private app: PageMethods | undefined;
  private pending: Promise<void> = Promise.resolve();
  private closing = false;

  // Called once per test file: the Taro runtime (taro.js) is a singleton, as in WeChat.
  setup(): void {
    const { JSDOM } = jest.requireActual<JsdomModule>('jsdom');
    const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
      url: 'https://servicewechat.com/',
      pretendToBeVisual: true,
    });
    const g = globalThis as unknown as Record<string, unknown>;
    const w = dom.window as unknown as Record<string, unknown>;
    g.window = dom.window;
    g.document = dom.window.document;
    for (const key of DOM_GLOBALS) g[key] = w[key];

    this.simulate = jest.requireActual<Simulate>('miniprogram-simulate');
    // miniprogram-simulate runs a page's js with require() and then deletes it from
    // require.cache so that the next load registers the page again. Jest's require.cache is not
    // its module registry, so a page opened twice would not register twice; run the file's
    // source afresh instead, with jest's require (the shared chunks, taro.js above all, stay
    // single instances, as in WeChat).
    const simulateUtils = jest.requireActual<{ runJs: (filePath: string) => void }>('miniprogram-simulate/src/utils');
    simulateUtils.runJs = (filePath: string) => {
      const file = filePath.endsWith('.js') ? filePath : `${filePath}.js`;
      const source = fs.readFileSync(file, 'utf8');
      const moduleObject = { exports: {} as unknown };
      const localRequire = (request: string): unknown =>
        jest.requireActual(request.startsWith('.') ? path.resolve(path.dirname(file), request) : request);
      // Evaluating the built page's code, as the WeChat client does.
      new Function('require', 'module', 'exports', source)(localRequire, moduleObject, moduleObject.exports);
    };
    // miniprogram-simulate installed its own mock `wx`; the parts the app uses are replaced here.
    Object.assign(g.wx as object, this.fakeWx());

    g.App = (config: PageMethods) => {
      this.app = config;
    };
    g.getApp = () => this.app;
    g.getCurrentPages = () => this.stack.map((p) => p.instance);
    g.Page = (config: Record<string, unknown>) => {
      // A Taro page is a Page() config; j-component only knows Component(), whose methods the
      // page lifecycle functions (onLoad, onShow, eh…) become.
      const methods: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(config)) if (typeof value === 'function') methods[key] = value;
      (g.Component as (definition: unknown) => void)({ data: config.data, methods });
    };

    jest.requireActual(path.join(WEAPP_ROOT, 'app.js'));
    if (!this.app) throw new Error('app.js did not call App()');
    this.app.onLaunch?.({ path: 'pages/index/index', query: {}, scene: 1001 });
    this.app.onShow?.({ path: 'pages/index/index', query: {}, scene: 1001 });
  }

  // Between tests: close every page, then let their in-flight work (React effects, requests,
  // timers) run out before the next test starts, so a page from one test cannot navigate or
  // fetch in the middle of the next. Navigation asked for meanwhile is ignored.
  async reset(): Promise<void> {
    this.closing = true;
    for (const page of [...this.stack].reverse()) this.unload(page);
    this.stack = [];
    await this.pending;
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.storage.clear();
    this.requests.length = 0;
    this.navigations.length = 0;
    this.closing = false;
  }

  get current(): OpenPage {
    const page = this.stack[this.stack.length - 1];
    if (!page) throw new Error('no page is open');
    return page;
  }

  // Opens a page the way WeChat does: create, attach, onLoad(query), onShow, onReady.
  open(route: string, query: Record<string, string> = {}): OpenPage {
    const id = this.simulate.load(path.join(WEAPP_ROOT, route), {
      rootPath: WEAPP_ROOT,
      // app.json's global components are not read by miniprogram-simulate; Taro's recursive
      // `comp` is declared per page, but passing it here keeps deep trees working too.
      usingComponents: { comp: '/comp' },
    });
    const component = this.simulate.render(id);
    const parent = document.createElement('page-wrapper');
    document.body.appendChild(parent);
    component.attach(parent);
    const instance = component.instance;
    instance.route = route;
    instance.__route__ = route;
    instance.options = query;
    const page: OpenPage = { route, query, component, instance };
    this.stack.push(page);
    instance.onLoad?.(query);
    instance.onShow?.();
    instance.onReady?.();
    return page;
  }

  private unload(page: OpenPage): void {
    page.instance.onUnload?.();
    page.component.detach();
  }

  // Navigation requested by the app runs after the current call, like the real client.
  private navigate(kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack', options: Callbacks & { url?: string }): void {
    if (this.closing) return;
    this.navigations.push({ kind, url: options.url ?? '' });
    this.pending = this.pending.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (kind === 'navigateBack') {
        const top = this.stack.pop();
        if (top) this.unload(top);
        this.stack[this.stack.length - 1]?.instance.onShow?.();
      } else {
        const { route, query } = parseUrl(options.url ?? '');
        if (kind === 'reLaunch') {
          for (const page of [...this.stack].reverse()) this.unload(page);
          this.stack = [];
        } else if (kind === 'redirectTo') {
          const top = this.stack.pop();
          if (top) this.unload(top);
        } else {
          this.stack[this.stack.length - 1]?.instance.onHide?.();
        }
        this.open(route, query);
      }
      const res = { errMsg: `${kind}:ok` };
      options.success?.(res);
      options.complete?.(res);
    });
  }

  private fakeWx(): Record<string, unknown> {
    const later = (fn: () => void) => setTimeout(fn, 0);
    const ok = (name: string, options: Callbacks | undefined, extra: Record<string, unknown> = {}) => {
      const res = { errMsg: `${name}:ok`, ...extra };
      later(() => {
        options?.success?.(res);
        options?.complete?.(res);
      });
    };
    return {
      getStorageSync: (key: string) => (this.storage.has(key) ? this.storage.get(key) : ''),
      setStorageSync: (key: string, value: unknown) => {
        this.storage.set(key, value);
      },
      removeStorageSync: (key: string) => {
        this.storage.delete(key);
      },
      login: (options?: Callbacks) => ok('login', options, { code: this.loginCode }),
      getAccountInfoSync: () => ({ miniProgram: { appId: 'wx00000000000000aa', envVersion: 'develop', version: '' } }),
      navigateTo: (options: Callbacks & { url: string }) => this.navigate('navigateTo', options),
      redirectTo: (options: Callbacks & { url: string }) => this.navigate('redirectTo', options),
      reLaunch: (options: Callbacks & { url: string }) => this.navigate('reLaunch', options),
      navigateBack: (options: Callbacks = {}) => this.navigate('navigateBack', options),
      request: (options: WxRequestOptions) => {
        const url = new URL(options.url);
        const method = (options.method ?? 'GET').toUpperCase();
        const body = typeof options.data === 'string' ? (JSON.parse(options.data) as unknown) : options.data;
        const request = { method, url, body, headers: options.header ?? {} };
        this.requests.push(request);
        let response: FakeResponse;
        try {
          response = this.handler(request);
        } catch (e) {
          response = { status: 500, body: { error: { code: 'fake_crash', message: String(e) } } };
        }
        later(() => {
          const res = { statusCode: response.status, data: response.body, header: {}, errMsg: 'request:ok' };
          options.success?.(res);
          options.complete?.(res);
        });
        return { abort: () => undefined, onHeadersReceived: () => undefined, offHeadersReceived: () => undefined };
      },
    };
  }
}

// Mounting and React updates are asynchronous: poll until `find` returns something.
export const waitFor = async <T>(find: () => T | null | undefined | false, what: string, timeoutMs = 4000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | null | undefined | false;
    try {
      value = find();
    } catch {
      value = null;
    }
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

export const text = (element: SimElement | null | undefined): string => element?.dom.textContent?.trim() ?? '';

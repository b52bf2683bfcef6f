import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

// One Taro project, two builds: `weapp` (members and associates, WeChat mini-program) and `h5`
// (the same pages in a browser, served by the project's Node server from the same origin).
// Each platform gets its own output folder so the two builds never overwrite each other.
const taroEnv = process.env.TARO_ENV ?? 'weapp';

// The API origin. H5 is served by the API server itself, so it calls relative URLs; the
// mini-program has no origin of its own and must be told where the server is.
const apiBase = taroEnv === 'h5' ? '' : (process.env.TARO_APP_API_BASE ?? 'http://localhost:3000');

// The console's charts (ECharts + zrender, ~0.5 MB) in a chunk of their own, loaded only by
// the console pages that draw charts. Taro puts every node_modules file into one `vendors`
// chunk that every page loads, and files shared by several pages into `common`; this wraps
// that rule for the chart libraries and the console's chart component (which would otherwise
// land in `common` and pull the charts in everywhere); the console's other shared components get
// a `console` chunk. H5 only: the weapp build has no ECharts.
type ChunkRule = (id: string, api: unknown) => string | undefined;
const CHART_LIBS = /[\\/]node_modules[\\/](echarts|zrender)[\\/]/;
const CONSOLE_CHART = /[\\/]src[\\/]console[\\/]components[\\/]chart/;
const CONSOLE_SHARED = /[\\/]src[\\/]console[\\/]components[\\/]/;
const consoleChartsChunk = () => ({
  name: 'siyu:console-charts-chunk',
  config(config: { build?: { rollupOptions?: { output?: { manualChunks?: ChunkRule } } } }) {
    const output = config.build?.rollupOptions?.output;
    if (!output || typeof output.manualChunks !== 'function') return;
    const taroRule = output.manualChunks;
    output.manualChunks = (id, api) =>
      CHART_LIBS.test(id) || CONSOLE_CHART.test(id) ? 'charts' : CONSOLE_SHARED.test(id) ? 'console' : taroRule(id, api);
  },
});

export default defineConfig<'vite'>(async () => {
  const config: UserConfigExport<'vite'> = {
    projectName: 'siyu-miniprogram',
    date: '2026-11-22',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${taroEnv}`,
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(apiBase),
    },
    alias: {
      // The zod schemas and domain helpers are the API contract shared with the server.
      '@shared': path.resolve(__dirname, '..', '..', 'shared'),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: taroEnv === 'h5' ? { type: 'vite', vitePlugins: [consoleChartsChunk()] } : 'vite',
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };
  return config;
});

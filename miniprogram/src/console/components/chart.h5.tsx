import { useEffect, useRef } from 'react';
// Tree-shaken ECharts: the core, the two chart types and the components the console uses, one
// renderer. The mini-program build never sees this file (Taro picks chart.tsx there).
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { CHART_COLORS, type ChartProps } from './chart-types';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

// The chart instance is kept on its box (`__chart`), so an end-to-end test can ask where a bar
// is drawn and click there like a person would.
type ChartBox = HTMLDivElement & { __chart?: echarts.ECharts };

export function Chart({ id, kind, categories, series, horizontal = false, height = 320, onPick }: ChartProps) {
  const box = useRef<ChartBox | null>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    el.__chart = c;
    c.on('click', (p) => {
      if (typeof p.dataIndex === 'number' && typeof p.seriesIndex === 'number') pick.current?.(p.dataIndex, p.seriesIndex);
    });
    // The box changes size with the page's layout (cards above loading), not only the window's.
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => c.resize());
    observer?.observe(el);
    const resize = (): void => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      observer?.disconnect();
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
      delete el.__chart;
    };
  }, []);

  useEffect(() => {
    const categoryAxis = { type: 'category' as const, data: categories, axisLabel: { interval: 0, hideOverlap: true } };
    const valueAxis = { type: 'value' as const, minInterval: 1 };
    chart.current?.setOption(
      {
        color: CHART_COLORS,
        animation: false,
        tooltip: { trigger: kind === 'line' ? 'axis' : 'item' },
        legend: series.length > 1 ? { top: 0, type: 'scroll' } : undefined,
        grid: { left: horizontal ? 120 : 48, right: 24, top: series.length > 1 ? 36 : 16, bottom: 32, containLabel: false },
        xAxis: horizontal ? valueAxis : categoryAxis,
        yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
        series: series.map((s) => ({
          name: s.name,
          type: kind,
          data: s.data,
          ...(kind === 'bar' && series.length > 1 ? { stack: 'total' } : {}),
          ...(s.color ? { itemStyle: { color: s.color } } : {}),
          ...(kind === 'line' ? { symbolSize: 8, connectNulls: true } : { cursor: onPick ? 'pointer' : 'default' }),
        })),
      },
      { notMerge: true },
    );
  }, [kind, categories, series, horizontal, onPick]);

  return <div id={id} ref={box} className='console-chart' style={{ width: '100%', height: `${height}px` }} />;
}

// The console's charts: one props type for the echarts build (chart.h5.tsx) and the plain-view
// stand-in the mini-program compiles (chart.tsx), so a page uses either without knowing which.

export type ChartSeries = { name: string; data: number[]; color?: string };

export type ChartProps = {
  // DOM id of the chart's box (tests and the page's anchors use it).
  id: string;
  kind: 'bar' | 'line';
  // Category labels (x axis; y axis when horizontal).
  categories: string[];
  // Several series of a bar chart are stacked.
  series: ChartSeries[];
  horizontal?: boolean;
  height?: number;
  // A click on a bar segment / line point: which category and which series.
  onPick?: (categoryIndex: number, seriesIndex: number) => void;
};

export const CHART_COLORS = ['#07c160', '#1989fa', '#ff976a', '#7232dd', '#ee0a24', '#ffb300', '#00b8a9', '#8c8c8c', '#f759ab', '#2f54eb'];

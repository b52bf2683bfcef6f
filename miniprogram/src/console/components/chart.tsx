import { Text, View } from '@tarojs/components';
import { CHART_COLORS, type ChartProps } from './chart-types';
import './chart.scss';

// The mini-program's stand-in for chart.h5.tsx (no ECharts in the weapp build): one row per
// category with its stacked segments drawn as plain views, each segment tappable like a bar.
// A line chart is shown as its values, one row per point.
export function Chart({ id, kind, categories, series, onPick }: ChartProps) {
  const totals = categories.map((_, ci) => series.reduce((a, s) => a + Math.max(0, s.data[ci] ?? 0), 0));
  const max = Math.max(1, ...totals);
  return (
    <View id={id} className='plain-chart'>
      {categories.map((label, ci) => (
        <View key={label} className='plain-chart__row'>
          <Text className='plain-chart__label'>{label}</Text>
          {kind === 'line' ? (
            <Text className='plain-chart__value'>{series.map((s) => s.data[ci] ?? '–').join(' / ')}</Text>
          ) : (
            <View className='plain-chart__bar'>
              {series.map((s, si) => {
                const v = s.data[ci] ?? 0;
                if (v <= 0) return null;
                return (
                  <View
                    key={s.name}
                    id={`${id}-bar-${ci}-${si}`}
                    className='plain-chart__segment'
                    style={{ width: `${(v / max) * 100}%`, background: s.color ?? CHART_COLORS[si % CHART_COLORS.length] }}
                    onClick={() => onPick?.(ci, si)}
                  />
                );
              })}
              <Text className='plain-chart__value'>{totals[ci]}</Text>
            </View>
          )}
        </View>
      ))}
      {series.length > 1 && kind === 'bar' ? (
        <View className='plain-chart__legend'>
          {series.map((s, si) => (
            <Text key={s.name} className='plain-chart__key' style={{ color: s.color ?? CHART_COLORS[si % CHART_COLORS.length] }}>
              ■ {s.name}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  );
}

import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import './console-nav.scss';

// The console's pages, on top of each of them (the console is reached by URL: #/console/…).
const PAGES = [
  { key: 'dashboards', label: '数据看板', url: '/console/dashboards/index' },
  { key: 'quality', label: '数据质量', url: '/console/quality/index' },
  { key: 'greetings', label: '问候与活动', url: '/console/greetings/index' },
  { key: 'tags', label: '标签管理', url: '/console/tags/index' },
  { key: 'segments', label: '人群分组', url: '/console/segments/index' },
  { key: 'imports', label: '数据导入', url: '/console/imports/index' },
  { key: 'merges', label: '客户合并', url: '/console/merges/index' },
  { key: 'stores', label: '门店', url: '/console/stores/index' },
] as const;

export function ConsoleNav({ current }: { current: (typeof PAGES)[number]['key'] | null }) {
  return (
    <View className='console-nav'>
      {PAGES.map((p) => (
        <Text
          key={p.key}
          id={`nav-${p.key}`}
          className={`console-nav__item${p.key === current ? ' console-nav__item--on' : ''}`}
          onClick={() => {
            if (p.key !== current) void Taro.navigateTo({ url: p.url });
          }}
        >
          {p.label}
        </Text>
      ))}
    </View>
  );
}
